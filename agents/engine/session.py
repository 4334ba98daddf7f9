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
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, Send

from agents.core.catalog import Cast
from agents.core.events import (
    CHAIR,
    DraftUpdated,
    ErrorEvent,
    Event,
    FloorGiven,
    Message,
    PhaseStarted,
    SessionEnded,
    SessionStarted,
    Token,
)
from agents.core.ids import MAX_ID_LENGTH
from agents.core.outcome import Outcome
from agents.delegates.base import Delegate
from agents.engine import chair, controls, mediation, planning, summary, turns
from agents.engine.checkpoints import open_checkpointer
from agents.engine.floor import POLICIES, FloorPolicy, FloorState, rotate
from agents.engine.floor_requests import FloorRequests
from agents.engine.instructor import Instructor
from agents.engine.programme import Segment, build_programme, meeting_segment
from agents.engine.state import SessionState, seat_task
from agents.engine.tally import tally
from agents.engine.writers import EventWriter, audience, audience_writer, ignore, task_writer

RECURSION_LIMIT = 100_000


@dataclass
class SessionConfig:
    """How a session runs. ``max_turns`` caps delegate turns; the consensus call always happens.

    ``segment_turns`` caps the delegate turns of each segment (a phase, or one round on one
    agenda item): every phase is still held, each shorter. It is the demo's shape.
    ``item_turns``, if set, caps a round on an agenda item instead.
    """

    session_id: str | None = None
    max_turns: int | None = None
    floor_policy: str = "requests-first"
    checkpoint_path: Path | None = None
    segment_turns: int | None = None
    item_turns: int | None = None


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


class Session(Instructor):
    """One run of a scenario. ``async for event in session.run()`` drives it to the end.

    The instructor's controls (``pause``, ``inject_news``, ``hand_seat``, ...) come from ``Instructor``.
    """

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
        self.floor_requests = FloorRequests(cast)
        self._record: EventWriter = ignore
        self.controls = controls.Controls()
        self._answering: set[str] = set()

    def request_floor(self, party: str) -> None:
        """A delegation asks for the floor between turns (a person's button, say).

        Taken into account at the chair's next decision; ignored if ``party`` is not seated.
        """
        self.floor_requests.add(party)

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
        self._record = record or ignore
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

    def segment_full(self, work: SessionState, segment: Segment) -> bool:
        """Whether the segment has had the delegate turns its cap allows it."""
        cap = self.config.segment_turns
        if segment.agenda_item is not None and self.config.item_turns is not None:
            cap = self.config.item_turns
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
            self.floor_requests.take(work, segment, emit)
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

    async def next_speaker(self, work: SessionState, segment: Segment) -> chair.FloorDecision | None:
        if self.closing(work) or self.segment_full(work, segment):
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
        context = turns.turn_context(self.cast, segment, state, speaker)

        def on_text(delta: str) -> None:
            emit(Token(phase=segment.kind, turn=context.turn, speaker=speaker, delta=delta))

        with self.answering(speaker):
            result = await turns.ask(self.delegates[speaker], speaker, context, on_text, emit)
        move = turns.admitted(self.cast, segment, state, speaker, result.move, emit)
        update = turns.turn_update(self.cast, segment, state, speaker, move, result, emit)
        spent = self.budget_spent(context.turn)
        return update | turns.meeting_request(self.cast, state, segment, speaker, move, spent, emit)

    def turn_given(self, state: SessionState) -> tuple[Segment, str]:
        """The segment and the speaker of the turn the chair just gave."""
        segment = self.segment_at(state)
        if segment is None or state.speaker is None:
            # The chair routes to a delegate's turn only after giving someone the floor in a segment.
            raise RuntimeError(
                f"a delegate's turn with nobody given the floor (segment {state.segment}, speaker {state.speaker!r})"
            )
        return segment, state.speaker

    async def cast_vote(self, task: dict[str, Any]) -> dict[str, Any]:
        emit = task_writer(self._record)
        segment = self.programme[task["segment"]]
        with self.answering(task["party"]):
            return await turns.ballot(self.cast, segment, self.delegates[task["party"]], task, emit)

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
