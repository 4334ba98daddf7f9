"""A negotiation session as a LangGraph state graph, emitting typed events.

Nodes: ``chair`` (opens segments, tables the draft, gives the floor, holds side meetings,
closes the session), ``delegate_turn`` (the speaker's move), ``cast_vote`` (one per party,
fanned out with ``Send`` so every delegation votes at once) and ``tally``, ``make_plan``
(one per party before a phase opens: ``agents.engine.planning``) and ``plans_made``. Every
step is checkpointed (in SQLite when a path is given) under the session id, so a session can
be resumed or forked.

Private side meetings: what is said in one carries its members as ``audience``, and every
delegate sees only ``memory.visible_to(seat)``, so no other seat's prompt ever holds it.
"""

from __future__ import annotations

import typing
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config, get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Send

from agents.core.catalog import Cast
from agents.core.current_turn import during_turn
from agents.core.draft import Draft, apply_move
from agents.core.events import (
    CHAIR,
    DraftUpdated,
    ErrorEvent,
    Event,
    FloorGiven,
    FloorRequested,
    MeetingRequested,
    Message,
    PhaseStarted,
    SessionEnded,
    SessionStarted,
    Token,
    TurnPassed,
    VoteCast,
)
from agents.core.ids import MAX_ID_LENGTH
from agents.core.ledger import Ledger, record_move
from agents.core.memory import TurnRecord
from agents.core.moves import Move, normalise_ballot
from agents.core.outcome import Outcome
from agents.delegates.base import Delegate, TurnContext, TurnResult, VoteContext, VoteResult
from agents.delegates.clock import TimedSeat
from agents.engine import chair, controls, mediation, planning, summary
from agents.engine.checkpoints import open_checkpointer
from agents.engine.floor import POLICIES, FloorPolicy, FloorState, after_turn, rotate, with_request
from agents.engine.programme import Segment, build_programme, meeting_segment
from agents.engine.state import SessionState, seat_task, seat_view
from agents.engine.tally import tally

RECURSION_LIMIT = 100_000

# What nodes write events with; ``Session.run``'s ``record`` has the same shape.
EventWriter = Callable[[Event], None]


@dataclass
class SessionConfig:
    """How a session runs. ``max_turns`` caps delegate turns; the consensus call always happens.

    ``segment_turns`` caps the delegate turns of each segment (a phase, or one round on one
    agenda item): every phase is still held, each shorter. It is the demo's shape.
    """

    session_id: str | None = None
    max_turns: int | None = None
    floor_policy: str = "requests-first"
    checkpoint_path: Path | None = None
    segment_turns: int | None = None


@dataclass(frozen=True)
class ResumePoint:
    """A session's last checkpoint: the graph tasks (``node:task_id``) a resume runs again, whether
    the session had ended (no task left, done or not: a finished task's writes are kept), and
    how many delegate turns it holds."""

    unfinished: frozenset[str]
    ended: bool
    turns: int  # delegate turns taken by then


def new_session_id(scenario_id: str) -> str:
    """``<scenario id>-<UTC time>-<6 hex>``, shortened at the front to stay a valid id (``agents.core.ids``)."""
    suffix = f"-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    return scenario_id[: MAX_ID_LENGTH - len(suffix)] + suffix


def task_writer(record: EventWriter) -> EventWriter:
    """The node's event writer, tagging each event with the graph task that emitted it.

    Each event is passed to ``record`` (see ``Session.run``) at once, inside the task, then
    streamed.
    """
    write = get_stream_writer()
    task = get_config()["metadata"].get("langgraph_checkpoint_ns")

    def emit(event: Event) -> None:
        event.task = task
        record(event)
        write(event)

    return emit


def _ignore(event: Event) -> None:
    """The ``record`` of a session run without one."""


def audience(segment: Segment) -> list[str] | None:
    return list(segment.audience) if segment.audience else None


def audience_writer(emit: EventWriter, segment: Segment) -> EventWriter:
    """A writer that marks every event it writes as heard only by ``segment``'s audience."""
    members = audience(segment)
    if members is None:
        return emit

    def emit_private(event: Event) -> None:
        event.audience = members
        emit(event)

    return emit_private


class Session:
    """One run of a scenario. ``async for event in session.run()`` drives it to the end."""

    def __init__(
        self,
        cast: Cast,
        delegates: Mapping[str, Delegate],
        chair_model: BaseChatModel | None = None,
        config: SessionConfig | None = None,
    ):
        missing = [party for party in cast.scenario.parties if party not in delegates]
        if missing:
            raise ValueError(f"no delegate for seats: {', '.join(missing)}")
        self.cast = cast
        self.delegates: dict[str, Delegate] = dict(delegates)
        self.chair_model = chair_model
        self.config = config or SessionConfig()
        self.session_id = self.config.session_id or new_session_id(cast.scenario.id)
        self.programme: list[Segment] = build_programme(cast.scenario)
        self.policy: FloorPolicy = POLICIES[self.config.floor_policy]()
        self.parties = list(cast.scenario.parties)
        self._floor_requests: list[str] = []
        self._told_held: set[str] = set()  # requesters told their request waits for the table
        self._record: EventWriter = _ignore
        self.controls = controls.Controls()
        self._answering: str | None = None  # the seat whose turn is running

    def request_floor(self, party: str) -> None:
        """A delegation asks for the floor between turns (a person's button, say).

        Taken into account at the chair's next decision; ignored if ``party`` is not seated.
        """
        if party in self.parties and party not in self._floor_requests:
            self._floor_requests.append(party)

    # -- the instructor's controls (``agents.engine.controls``) ---------------------------------

    def pause(self) -> None:
        """Start no new turn, ballot or plan until ``resume_play``; a call already running finishes."""
        self.controls.resumed.clear()

    def resume_play(self) -> None:
        """Go on after ``pause`` (not to be confused with ``run(resume=True)``, which resumes a checkpoint)."""
        self.controls.resumed.set()

    def inject_news(self, text: str, audience: list[str] | None = None, dated: str | None = None) -> None:
        """The chair reads ``text`` to ``audience`` (None: everyone) at the next point between turns.

        Raises:
            InputRejected: the text is empty or too long, or the audience names no seated delegation.
        """
        self.controls.news.append(controls.check_news(self.cast, text, audience, dated))

    def end_early(self) -> None:
        """Close the current segment at the next point between turns and go to the consensus call."""
        self.controls.end = True

    def hand_seat(self, seat: str, delegate: Delegate) -> None:
        """``delegate`` holds ``seat`` from the next turn the chair gives."""
        if seat not in self.parties:
            raise ValueError(f"no seat {seat!r} at this table")
        self.controls.seats.append((seat, delegate))

    def extend_turn(self, seconds: float) -> bool:
        """Give the person answering now ``seconds`` more; False if no person's answer is running."""
        seat = self._timed_seat()
        return seat is not None and seconds > 0 and seat.extend_time(seconds)

    def pass_turn(self) -> bool:
        """The chair passes the running person's turn: the seat yields. False if none is running."""
        seat = self._timed_seat()
        return seat is not None and seat.pass_turn()

    def _timed_seat(self) -> TimedSeat | None:
        delegate = self.delegates.get(self._answering) if self._answering else None
        return delegate if isinstance(delegate, TimedSeat) else None

    async def apply_controls(self, work: SessionState, emit: EventWriter) -> None:
        """The instructor's requests, at the start of the chair's step: between turns."""
        await controls.hold_while_paused(self.controls, work, emit)
        controls.hand_seats(self.cast, self.controls, self.delegates, work, emit)
        news, self.controls.news = self.controls.news, []
        for item in news:
            controls.read_news(self.cast, work, item, emit)
        vote_at = next((i for i, s in enumerate(self.programme) if s.is_vote), len(self.programme))
        controls.end_now(self.controls, work, vote_at, emit)

    # -- running -----------------------------------------------------------------------------

    @property
    def run_config(self) -> RunnableConfig:
        return {"configurable": {"thread_id": self.session_id}, "recursion_limit": RECURSION_LIMIT}

    async def run(self, resume: bool = False, record: EventWriter | None = None) -> AsyncGenerator[Event, None]:
        """Run the session, yielding every event as it happens.

        With ``resume`` it continues from the session's last checkpoint instead of starting:
        steps that had finished are not run again. Checkpoints are written before each next
        step starts (``durability="sync"``), so a killed process loses at most the steps
        that were running; ``resume_point`` names them.

        ``record`` (a transcript's journal) gets every event as it is emitted, inside the
        step that emits it: before the step's result is checkpointed, and before the event
        is streamed. A consumer of the stream may lag behind, and an interrupt or a kill may
        come after a step's result was saved but before its last events were taken from the
        stream; the events would be lost, since a resume does not run that step again.
        """
        self._record = record or _ignore
        if not resume:
            started = SessionStarted(
                phase="session",
                session_id=self.session_id,
                scenario_id=self.cast.scenario.id,
                title=self.cast.scenario.title,
                parties=self.parties,
            )
            self._record(started)
            yield started
        start = None if resume else SessionState()
        async with open_checkpointer(self.config.checkpoint_path) as saver:
            graph = self.build_graph().compile(checkpointer=saver)
            stream = graph.astream(start, self.run_config, stream_mode="custom", durability="sync")
            async for event in stream:
                # In "custom" mode the stream carries exactly what the nodes wrote: events.
                yield typing.cast(Event, event)

    async def resume_point(self) -> ResumePoint | None:
        """What a resume starts from; None if the session has no checkpoint.

        Events that an unfinished task emitted before the process died will be emitted
        again, so a resumed transcript drops them (see ``agents.sessions.resume``).
        """
        async with open_checkpointer(self.config.checkpoint_path) as saver:
            graph = self.build_graph().compile(checkpointer=saver)
            snapshot = await graph.aget_state(self.run_config)
        if not snapshot.values:
            return None
        unfinished = frozenset(f"{task.name}:{task.id}" for task in snapshot.tasks if task.result is None)
        return ResumePoint(unfinished, ended=not snapshot.tasks, turns=snapshot.values.get("turn", 0))

    def build_graph(self) -> StateGraph[SessionState]:
        graph = StateGraph(SessionState)
        graph.add_node("chair", self.chair_node, destinations=("delegate_turn", "cast_vote", "make_plan", END))
        graph.add_node("delegate_turn", self.delegate_turn)
        # LangGraph types a node's input as state-like (a model, dataclass or TypedDict); this
        # node is reached only by ``Send``, which hands it the plain dict it was sent with.
        graph.add_node("cast_vote", self.cast_vote)  # type: ignore[arg-type]
        graph.add_node("tally", self.tally_node)
        graph.add_edge(START, "chair")
        graph.add_edge("delegate_turn", "chair")
        graph.add_edge("cast_vote", "tally")
        graph.add_edge("tally", "chair")
        graph.add_node("make_plan", self.make_plan)  # type: ignore[arg-type]  # reached by ``Send``, as cast_vote
        graph.add_node("plans_made", self.plans_made)
        graph.add_edge("make_plan", "plans_made")
        graph.add_edge("plans_made", "chair")
        return graph

    # -- the chair ---------------------------------------------------------------------------

    def budget_spent(self, turn: int) -> bool:
        return self.config.max_turns is not None and turn >= self.config.max_turns

    def closing(self, work: SessionState) -> bool:
        """No more talk: the turn budget is spent, or the talks were ended early."""
        return work.ended_early or self.budget_spent(work.turn)

    def segment_full(self, work: SessionState) -> bool:
        """Whether the segment has had the delegate turns ``segment_turns`` allows it."""
        cap = self.config.segment_turns
        return cap is not None and work.turn - work.opened_at >= cap

    async def chair_node(self, state: SessionState) -> Command[str]:
        """Advance through the programme until someone must act: a speaker, the vote, or the end."""
        emit = task_writer(self._record)
        work = state.model_copy()
        await self.apply_controls(work, emit)
        while (segment := self.segment_at(work)) is not None:
            if not work.segment_open:
                if work.meeting is None and work.meeting_queue and not self.closing(work):
                    work.meeting, work.meeting_queue = work.meeting_queue[0], work.meeting_queue[1:]
                    continue  # a granted meeting is held before the next segment opens
                if self.closing(work) and segment.kind not in ("drafting", "consensus"):
                    self.end_segment(work)
                    continue
                if planning.plans_due(self.cast.scenario, work, segment, self.closing(work)):
                    return self.call_plans(work)
                self.open_segment(work, segment, emit)
                await self.mediate(work, segment, emit)
                if segment.is_vote and work.draft.clauses:
                    return self.call_vote(work, segment)
                if segment.is_vote:  # nothing on the table: no ballots to collect
                    work.outcome = self.count_votes(work)
                    self.end_segment(work)
                    continue
            self.take_floor_requests(work, segment, emit)
            decision = await self.next_speaker(work, segment)
            if decision is None:
                self.end_segment(work)
                continue
            self.give_floor(work, segment, decision, emit)
            return Command(goto="delegate_turn", update=self.chair_update(work))
        self.close_session(work, emit)
        return Command(goto=END, update=self.chair_update(work))

    def segment_at(self, state: SessionState) -> Segment | None:
        """The segment being held: a requested side meeting, else the programme's; None at the end."""
        if state.meeting is not None:
            return meeting_segment(state.meeting)
        return self.programme[state.segment] if state.segment < len(self.programme) else None

    def end_segment(self, work: SessionState) -> None:
        """Close the current segment: a requested meeting returns to the programme where it was."""
        if work.meeting is not None:
            work.meeting = None
        else:
            work.segment += 1
        work.segment_open = False

    def chair_update(self, work: SessionState) -> dict[str, Any]:
        fields: tuple[str, ...] = ("segment", "segment_open", "floor", "rotation", "speaker", "draft", "outcome")
        fields += ("meeting", "meeting_queue", "opened_at", "memory", "ended_early")
        return {name: getattr(work, name) for name in fields}

    def open_segment(self, work: SessionState, segment: Segment, emit: EventWriter) -> None:
        text = chair.announcement(self.cast, segment)
        emit(
            PhaseStarted(
                phase=segment.kind,
                turn=work.turn,
                speaker=CHAIR,
                title=segment.phase.title,
                agenda_item=segment.agenda_item.id if segment.agenda_item else None,
                round=segment.round,
                text=text,
                members=audience(segment),
            )
        )
        if segment.kind == "drafting":
            work.draft, tabled = chair.table_draft(self.cast, work.draft, work.turn)
            if tabled:
                change = f"chair tabled clauses {', '.join(map(str, tabled))}"
                emit(DraftUpdated(phase=segment.kind, turn=work.turn, speaker=CHAIR, change=change, draft=work.draft))
        if segment.meeting is not None:
            work.floor = FloorState(pending=segment.meeting.members)
        else:
            work.floor = FloorState(pending=rotate(self.parties, work.rotation))
            work.rotation += 1
        work.segment_open = True
        work.opened_at = work.turn

    def take_floor_requests(self, work: SessionState, segment: Segment, emit: EventWriter) -> None:
        """Move requests made between turns into this pass of the floor.

        Nobody outside a side meeting can be heard in it: such a request is held for the next
        pass at the table, and the chair tells the requester so, once (a ``held`` request).
        """
        requests, self._floor_requests = self._floor_requests, []
        for party in requests:
            if segment.audience is not None and party not in segment.audience:
                self.hold_floor_request(work, segment, party, emit)
                continue
            self._told_held.discard(party)
            before = work.floor
            work.floor = with_request(work.floor, party)
            if work.floor != before:
                emit(FloorRequested(phase=segment.kind, turn=work.turn, speaker=party, audience=audience(segment)))

    def hold_floor_request(self, work: SessionState, segment: Segment, party: str, emit: EventWriter) -> None:
        self._floor_requests.append(party)
        if party in self._told_held or segment.audience is None:
            return
        self._told_held.add(party)
        text = chair.floor_held_words(self.cast, party, segment.audience)
        emit(FloorRequested(phase=segment.kind, turn=work.turn, speaker=party, held=True, text=text, audience=[party]))

    async def next_speaker(self, work: SessionState, segment: Segment) -> chair.FloorDecision | None:
        if self.closing(work) or self.segment_full(work):
            return None
        candidates, reason = self.policy.candidates(work.floor)
        if not candidates:
            return None
        return await chair.choose_speaker(
            self.cast, self.chair_model, candidates, reason, segment, work.memory, work.draft, work.ledger
        )

    async def mediate(self, work: SessionState, segment: Segment, emit: EventWriter) -> None:
        """As an amendments round opens, the chair may table bridging wording (``agents.engine.mediation``)."""
        if segment.kind != "amendments" or segment.meeting is not None:
            return
        found = await mediation.bridge(self.cast, self.chair_model, work.draft, work.ledger, work.turn)
        if found is None:
            return
        for event in found.events(segment.kind, work.turn):
            emit(event)
        work.draft = found.draft or work.draft

    def give_floor(
        self, work: SessionState, segment: Segment, decision: chair.FloorDecision, emit: EventWriter
    ) -> None:
        work.speaker = decision.speaker
        if decision.note:
            emit(ErrorEvent(phase=segment.kind, turn=work.turn, speaker=CHAIR, text=decision.note))
        emit(
            FloorGiven(
                phase=segment.kind,
                turn=work.turn,
                speaker=decision.speaker,
                reason=decision.reason,
                text=chair.floor_words(self.cast, decision.speaker, decision.reason),
                model=decision.model,
                usage=decision.usage,
                audience=audience(segment),
            )
        )

    def call_vote(self, work: SessionState, segment: Segment) -> Command[str]:
        sends = [Send("cast_vote", seat_task(work, party)) for party in self.parties]
        return Command(goto=sends, update=self.chair_update(work))

    def close_session(self, work: SessionState, emit: EventWriter) -> None:
        outcome = work.outcome or chair.no_vote_outcome(self.cast.scenario.consensus_rule)
        words = chair.closing_words(self.cast, outcome, work.draft)
        if work.ended_early:
            words = f"{controls.early_end_note(outcome)} {words}"
        outcome = outcome.model_copy(update={"summary": words, "ended_early": work.ended_early})
        work.outcome = outcome
        emit(Message(phase="closing", turn=work.turn, speaker=CHAIR, text=words))
        emit(SessionEnded(phase="closing", turn=work.turn, outcome=outcome, draft=work.draft, text=words))

    # -- delegates ---------------------------------------------------------------------------

    async def delegate_turn(self, state: SessionState) -> dict[str, Any]:
        segment, speaker = self.turn_given(state)
        emit = audience_writer(task_writer(self._record), segment)
        persona = self.cast.delegations[speaker]
        turn = state.turn + 1
        context = TurnContext(
            cast=self.cast,
            persona=persona,
            phase=segment.phase,
            agenda_item=segment.agenda_item,
            allowed_moves=segment.allowed_moves,
            draft=state.draft,
            memory=state.memory.visible_to(speaker),
            turn=turn,
            meeting=segment.audience,
            may_ask_for_meeting=chair.may_ask_for_meeting(self.cast, segment, state.granted_meetings),
            ledger=state.ledger.visible_to(speaker),
            outcome=state.outcome,
            plan=state.plans.get(speaker),
        )

        def on_text(delta: str) -> None:
            emit(Token(phase=segment.kind, turn=turn, speaker=speaker, delta=delta))

        result = await self.ask_delegate(speaker, context, on_text, emit)
        move = chair.admit(result.move, segment.allowed_moves)
        move, refused = chair.rule_on_withdrawal(self.cast, move, state.draft, speaker)
        if refused:
            emit(ErrorEvent(phase=segment.kind, turn=turn, speaker=CHAIR, text=f"The chair: {refused}."))
        text = chair.describe_move(move, persona.short_name)
        emit(
            Message(
                phase=segment.kind,
                turn=turn,
                speaker=speaker,
                text=text,
                move=move,
                model=result.model,
                usage=result.usage,
                repaired=result.repaired,
                fallback=result.fallback,
            )
        )
        draft, change = apply_move(state.draft, move, speaker, turn, self.cast.scenario.max_clauses)
        if change:
            emit(DraftUpdated(phase=segment.kind, turn=turn, speaker=speaker, change=change, draft=draft))
        floor = after_turn(state.floor, speaker, move.request_floor)
        if speaker in floor.requests and speaker not in state.floor.requests:
            emit(FloorRequested(phase=segment.kind, turn=turn, speaker=speaker))
        record = TurnRecord(
            turn=turn,
            phase=segment.kind,
            speaker=speaker,
            kind=move.kind,
            text=text,
            clause=move.clause,
            audience=segment.audience,
        )
        memory = state.memory.remember(record)
        ledger = self.note_in_ledger(state, segment, speaker, move, turn, draft)
        update = {"turn": turn, "draft": draft, "floor": floor, "memory": memory, "ledger": ledger, "speaker": None}
        return update | self.meeting_request(state, segment, speaker, move, turn, emit)

    def note_in_ledger(
        self, state: SessionState, segment: Segment, speaker: str, move: Move, turn: int, draft: Draft
    ) -> Ledger:
        """The ledger with the move noted; a proposal is noted on the clause number the draft gave it."""
        clause = move.clause
        if move.kind == "proposal":
            added = [c.number for c in draft.clauses if c.number not in state.draft.numbers()]
            clause = added[0] if added else None
        return record_move(
            state.ledger,
            move,
            party=speaker,
            turn=turn,
            phase=segment.kind,
            item=segment.agenda_item.id if segment.agenda_item else None,
            audience=segment.audience,
            clause=clause,
        )

    def turn_given(self, state: SessionState) -> tuple[Segment, str]:
        """The segment and the speaker of the turn the chair just gave."""
        segment = self.segment_at(state)
        if segment is None or state.speaker is None:
            # The chair routes to a delegate's turn only after giving someone the floor in a segment.
            raise RuntimeError(
                f"a delegate's turn with nobody given the floor (segment {state.segment}, speaker {state.speaker!r})"
            )
        return segment, state.speaker

    def meeting_request(
        self, state: SessionState, segment: Segment, speaker: str, move: Move, turn: int, emit: EventWriter
    ) -> dict[str, Any]:
        """The chair's ruling on a side meeting the speaker asked for at ``turn``; granted ones are queued."""
        ruling = chair.rule_on_meeting(
            self.cast, speaker, move.side_meeting, segment, state.granted_meetings, self.budget_spent(turn)
        )
        if ruling is None:
            return {}
        event = MeetingRequested(
            phase=segment.kind,
            turn=turn,
            speaker=speaker,
            members=ruling.members,
            granted=ruling.call is not None,
            text=ruling.text,
        )
        emit(event)
        if ruling.call is None:
            return {}
        return {
            "granted_meetings": [*state.granted_meetings, ruling.call],
            "meeting_queue": [*state.meeting_queue, ruling.call],
        }

    async def ask_delegate(
        self, speaker: str, context: TurnContext, on_text: Callable[[str], None], emit: EventWriter
    ) -> TurnResult:
        delegate = self.delegates[speaker]
        self._answering = speaker
        try:
            with during_turn(context.turn):
                result = await delegate.take_turn(context, on_text)
        except Exception as error:  # a failing seat yields; the session goes on
            text = f"{context.persona.short_name} could not take its turn ({type(error).__name__}: {error}); it yields"
            emit(ErrorEvent(phase=context.phase.kind, turn=context.turn, speaker=speaker, text=text))
            return TurnResult(Move(kind="yield"), model=delegate.label)
        finally:
            self._answering = None
        if result.passed:
            text = f"The chair passes {context.persona.short_name}'s turn."
            emit(TurnPassed(phase=context.phase.kind, turn=context.turn, speaker=speaker, text=text))
        if result.note:
            emit(ErrorEvent(phase=context.phase.kind, turn=context.turn, speaker=speaker, text=result.note))
        return result

    async def cast_vote(self, task: dict[str, Any]) -> dict[str, Any]:
        emit = task_writer(self._record)
        party = task["party"]
        segment = self.programme[task["segment"]]
        context = seat_view(VoteContext, self.cast, segment.phase, task)
        persona = context.persona
        delegate = self.delegates[party]
        try:
            with during_turn(context.turn):
                result = await delegate.vote(context)
        except Exception as error:  # a failing seat gives no answer; the call goes on
            result = VoteResult(None, delegate.label, note=f"{type(error).__name__}: {error}")
        if result.note:
            text = f"{persona.short_name}'s ballot: {result.note}; unmarked clauses are recorded as no answer"
            emit(ErrorEvent(phase=segment.kind, turn=context.turn, speaker=party, text=text))
        missing = "no vote given" if result.ballot is not None else "no ballot came"
        votes = normalise_ballot(result.ballot, context.draft.numbers(), missing)
        emit(
            VoteCast(
                phase=segment.kind,
                turn=context.turn,
                speaker=party,
                votes=votes,
                model=result.model,
                usage=result.usage,
            )
        )
        return {"ballots": {party: votes}}

    def count_votes(self, state: SessionState) -> Outcome:
        outcome = tally(state.draft, state.ballots, self.parties, self.cast.scenario.consensus_rule)
        return summary.summarise(outcome, state, self.cast)  # the chair's summary, for the closing phase

    async def tally_node(self, state: SessionState) -> dict[str, Any]:
        return {"outcome": self.count_votes(state), "segment": state.segment + 1, "segment_open": False}

    # -- private plans -----------------------------------------------------------------------

    def call_plans(self, work: SessionState) -> Command[str]:
        """Every delegation plans at once for the segment about to open; ``plans_made`` joins them."""
        sends = [Send("make_plan", seat_task(work, party)) for party in self.parties]
        return Command(goto=sends, update=self.chair_update(work))

    async def make_plan(self, task: dict[str, Any]) -> dict[str, Any]:
        emit = task_writer(self._record)
        segment = self.programme[task["segment"]]
        return await planning.make_plan(self.cast, self.delegates[task["party"]], segment, task, emit)

    async def plans_made(self, state: SessionState) -> dict[str, Any]:
        return {"planned": state.segment}
