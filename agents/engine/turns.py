"""A delegation's turn and its ballot, as the engine's ``delegate_turn`` and ``cast_vote`` steps run them.

The seat is asked through the ``Delegate`` interface (a model or a person, it makes no
difference here); the chair's rules then decide what the answer becomes: a move the phase
allows, a withdrawal the chair may refuse, a ballot with one vote per clause. A seat that
fails yields (a turn) or gives no answer (a ballot): the session always goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.core.catalog import Cast
from agents.core.current_turn import during_turn
from agents.core.draft import Draft, apply_move
from agents.core.events import (
    CHAIR,
    DraftUpdated,
    ErrorEvent,
    FloorRequested,
    MeetingRequested,
    Message,
    TurnPassed,
    VoteCast,
)
from agents.core.ledger import Ledger, record_move
from agents.core.memory import TurnRecord
from agents.core.moves import Move, normalise_ballot
from agents.delegates.base import Delegate, TurnContext, TurnResult, VoteContext, VoteResult
from agents.engine import chair
from agents.engine.floor import after_turn
from agents.engine.programme import Segment
from agents.engine.state import SessionState, seat_view
from agents.engine.writers import EventWriter

PASSED_BALLOT = "the chair passed the ballot"  # the reason every clause of a passed ballot is no answer


def turn_context(cast: Cast, segment: Segment, state: SessionState, speaker: str) -> TurnContext:
    """What ``speaker`` sees as it takes the next turn: its own side meetings only, and its own plan."""
    return TurnContext(
        cast=cast,
        persona=cast.delegations[speaker],
        phase=segment.phase,
        agenda_item=segment.agenda_item,
        allowed_moves=segment.allowed_moves,
        draft=state.draft,
        memory=state.memory.visible_to(speaker),
        turn=state.turn + 1,
        meeting=segment.audience,
        may_ask_for_meeting=chair.may_ask_for_meeting(cast, segment, state.granted_meetings),
        ledger=state.ledger.visible_to(speaker),
        outcome=state.outcome,
        plan=state.plans.get(speaker),
    )


async def ask(
    delegate: Delegate, speaker: str, context: TurnContext, on_text: Callable[[str], None], emit: EventWriter
) -> TurnResult:
    """The seat's answer; a failing seat yields, and a passed turn or a note is said in an event."""
    try:
        with during_turn(context.turn):
            result = await delegate.take_turn(context, on_text)
    except Exception as error:  # a failing seat yields; the session goes on
        text = f"{context.persona.short_name} could not take its turn ({type(error).__name__}: {error}); it yields"
        emit(ErrorEvent(phase=context.phase.kind, turn=context.turn, speaker=speaker, text=text))
        return TurnResult(Move(kind="yield"), model=delegate.label)
    if result.passed:
        text = f"The chair passes {context.persona.short_name}'s turn."
        emit(TurnPassed(phase=context.phase.kind, turn=context.turn, speaker=speaker, text=text))
    if result.note:
        emit(ErrorEvent(phase=context.phase.kind, turn=context.turn, speaker=speaker, text=result.note))
    return result


def admitted(cast: Cast, segment: Segment, state: SessionState, speaker: str, move: Move, emit: EventWriter) -> Move:
    """The move as the chair admits it: one the phase allows, and no withdrawal the chair refuses."""
    move = chair.admit(move, segment.allowed_moves)
    move, refused = chair.rule_on_withdrawal(cast, move, state.draft, speaker)
    if refused:
        emit(ErrorEvent(phase=segment.kind, turn=state.turn + 1, speaker=CHAIR, text=f"The chair: {refused}."))
    return move


def turn_update(
    cast: Cast, segment: Segment, state: SessionState, speaker: str, move: Move, result: TurnResult, emit: EventWriter
) -> dict[str, Any]:
    """Say the speaker's admitted ``move``, and what it changes: the draft, the floor, every memory and the ledger."""
    turn = state.turn + 1
    text = chair.describe_move(move, cast.delegations[speaker].short_name)
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
    draft, change = apply_move(state.draft, move, speaker, turn, cast.scenario.max_clauses)
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
    ledger = note_in_ledger(state, segment, speaker, move, turn, draft)
    return {"turn": turn, "draft": draft, "floor": floor, "memory": memory, "ledger": ledger, "speaker": None}


def note_in_ledger(state: SessionState, segment: Segment, speaker: str, move: Move, turn: int, draft: Draft) -> Ledger:
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


def meeting_request(
    cast: Cast, state: SessionState, segment: Segment, speaker: str, move: Move, budget_spent: bool, emit: EventWriter
) -> dict[str, Any]:
    """The chair's ruling on a side meeting the speaker asked for; granted ones are queued."""
    ruling = chair.rule_on_meeting(cast, speaker, move.side_meeting, segment, state.granted_meetings, budget_spent)
    if ruling is None:
        return {}
    turn = state.turn + 1
    granted = ruling.call is not None
    members, text = ruling.members, ruling.text
    emit(MeetingRequested(phase=segment.kind, turn=turn, speaker=speaker, members=members, granted=granted, text=text))
    if ruling.call is None:
        return {}
    return {
        "granted_meetings": [*state.granted_meetings, ruling.call],
        "meeting_queue": [*state.meeting_queue, ruling.call],
    }


async def ballot(
    cast: Cast, segment: Segment, delegate: Delegate, task: dict[str, Any], emit: EventWriter
) -> dict[str, Any]:
    """The seat's ballot, one vote per clause: a clause it did not mark, or a failed ballot, is no answer."""
    context = seat_view(VoteContext, cast, segment.phase, task)
    party = task["party"]
    try:
        with during_turn(context.turn):
            result = await delegate.vote(context)
    except Exception as error:  # a failing seat gives no answer; the call goes on
        result = VoteResult(None, delegate.label, note=f"{type(error).__name__}: {error}")
    if result.note:
        text = f"{context.persona.short_name}'s ballot: {result.note}; unmarked clauses are recorded as no answer"
        emit(ErrorEvent(phase=segment.kind, turn=context.turn, speaker=party, text=text))
    if result.passed:
        text = f"The chair passes {context.persona.short_name}'s ballot: its clauses are recorded as no answer."
        emit(TurnPassed(phase=segment.kind, turn=context.turn, speaker=party, text=text))
    missing = "no vote given" if result.ballot is not None else "no ballot came"
    missing = PASSED_BALLOT if result.passed else missing
    votes = normalise_ballot(result.ballot, context.draft.numbers(), missing)
    model, usage = result.model, result.usage
    emit(VoteCast(phase=segment.kind, turn=context.turn, speaker=party, votes=votes, model=model, usage=usage))
    return {"ballots": {party: votes}}
