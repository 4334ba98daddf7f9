"""The chair's decisions, as named functions: what it announces, what it tables, who speaks next.

The chair is rule-based except for two things its model may do: choose among several
delegations asking for the floor at once (seeing the draft and recent public speech), and
table bridging wording for an objected clause (``agents.engine.mediation``). Whatever the
model answers, the speaker is always one of the candidates; nonsense falls back to the
longest-waiting request. The chair's summary is written by rule (``agents.engine.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import FloorGivenReason
from agents.core.ledger import Ledger, ledger_view
from agents.core.memory import Memory
from agents.core.moves import FloorChoice, Move
from agents.core.outcome import Outcome
from agents.core.prompts import render, render_static
from agents.core.scenarios import MEETING_PHASES
from agents.core.usage import Usage
from agents.engine.floor import FloorReason
from agents.engine.positions import draft_positions, recent_speech
from agents.engine.programme import MeetingCall, Segment
from agents.engine.summary import no_call_summary
from agents.llm.structured import ask_structured


@dataclass
class FloorDecision:
    speaker: str
    reason: FloorGivenReason
    model: str | None = None
    usage: Usage | None = None
    note: str | None = None


def announcement(cast: Cast, segment: Segment) -> str:
    """What the chair says as a segment opens."""
    meeting = segment.meeting
    return render(
        "chair_says/phase.j2",
        phase=segment.kind,
        scenario=cast.scenario,
        agenda_item=segment.agenda_item,
        round=segment.round,
        rounds=segment.phase.rounds,
        members=[cast.delegations[m].short_name for m in meeting.members] if meeting else [],
        topic=meeting.topic if meeting else "",
    )


@dataclass
class MeetingRuling:
    """The chair's answer to a request for a side meeting: ``call`` is set when granted."""

    members: list[str]
    text: str
    call: MeetingCall | None = None


def rule_on_meeting(
    cast: Cast, requester: str, wanted: str | None, segment: Segment, granted: list[MeetingCall], budget_spent: bool
) -> MeetingRuling | None:
    """Grant or refuse ``requester``'s request to meet ``wanted`` in private (None: no request).

    Granted when the partner is another delegation at the table, the phase allows it, the pair
    has not met on request before, and the scenario's quota of requested meetings is not spent.
    """
    if not wanted or not wanted.strip():
        return None
    partner = find_party(cast, wanted)
    members = sorted({requester, partner} if partner else {requester})
    if partner is None or partner == requester:
        reason = f"'{wanted.strip()[:40]}' is not another delegation at this table"
    elif segment.meeting is not None or segment.kind not in MEETING_PHASES:
        reason = "side meetings are arranged only between the rounds of the open session"
    elif any(set(call.members) == set(members) for call in granted):
        reason = "these two delegations have already met in private"
    elif not meetings_left(cast, granted) or budget_spent:
        reason = "no time remains for further side meetings"
    else:
        call = MeetingCall(members=(requester, partner), requested_by=requester)
        return MeetingRuling(members, meeting_words(cast, requester, partner, True), call)
    return MeetingRuling(members, meeting_words(cast, requester, partner, False, reason))


def meetings_left(cast: Cast, granted: list[MeetingCall]) -> bool:
    return len(granted) < cast.scenario.max_requested_meetings


def may_ask_for_meeting(cast: Cast, segment: Segment, granted: list[MeetingCall]) -> bool:
    """Whether a turn in ``segment`` is offered a side meeting: never when the chair would refuse any."""
    return segment.meeting is None and segment.kind in MEETING_PHASES and meetings_left(cast, granted)


def find_party(cast: Cast, name: str) -> str | None:
    """The party id that ``name`` stands for: its id, short name or full name, in any case."""
    wanted = name.strip().lower()
    for party, persona in cast.delegations.items():
        if wanted in (party, persona.short_name.lower(), persona.name.lower()):
            return party
    return None


def meeting_words(cast: Cast, requester: str, partner: str | None, granted: bool, reason: str = "") -> str:
    return render(
        "chair_says/meeting.j2",
        granted=granted,
        requester=cast.name(requester),
        partner=cast.name(partner) if partner else "",
        reason=reason,
    )


def floor_held_words(cast: Cast, party: str, members: tuple[str, ...]) -> str:
    """The chair's answer to a delegation asking for the floor while others meet in private."""
    meeting = " and ".join(cast.name(m) for m in members)
    return (
        f"The chair cannot give {cast.name(party)} the floor while {meeting} meet in private; "
        "the request stands and is taken up when the talks resume at the table."
    )


def floor_words(cast: Cast, speaker: str, reason: str) -> str:
    return render_static("chair_says/floor.j2", speaker=cast.delegations[speaker], reason=reason)


def table_draft(cast: Cast, draft: Draft, turn: int) -> tuple[Draft, list[int]]:
    """The chair's starting text: one clause per agenda item that has one, up to the clause limit."""
    tabled = []
    for item in cast.scenario.agenda:
        if item.chair_clause and len(draft.clauses) < cast.scenario.max_clauses:
            draft = draft.add(item.chair_clause, cast.chair.id, turn, "tabled", agenda_item=item.id)
            tabled.append(draft.clauses[-1].number)
    return draft, tabled


def closing_words(cast: Cast, outcome: Outcome, draft: Draft | None = None) -> str:
    """The chair's last words: the joint statement if adopted, what failed or stays undecided, and its summary.

    With consensus the agreed clauses of ``draft`` are read as the joint statement; without it
    the chair's summary (``outcome.chair_summary``) is the outcome, read out point by point.
    """
    agreed = outcome.numbers("agreed")
    named = [
        point.model_copy(update={"parties": [cast.name(p) for p in point.parties]}) for point in outcome.chair_summary
    ]
    return render(
        "chair_says/close.j2",
        outcome=outcome,
        agreed=agreed,
        rejected=outcome.numbers("rejected"),
        undecided=outcome.numbers("undecided"),
        silent=[cast.name(p) for p in outcome.silent],
        statement=[clause for clause in (draft.clauses if draft else []) if clause.number in agreed],
        common=[point for point in named if point.kind == "common_ground"],
        differences=[point for point in named if point.kind == "difference"],
    )


def no_vote_outcome(rule: str) -> Outcome:
    return Outcome(consensus=False, rule=rule, summary="no consensus call was held", chair_summary=no_call_summary())


def describe_move(move: Move, short_name: str) -> str:
    """Words for a move that came without any: a bare support, objection or yield."""
    if move.text.strip():
        return move.text.strip()
    target = f" clause {move.clause}" if move.clause else ""
    phrases = {
        "support": f"supports{target}",
        "objection": f"objects to{target or ' the text'}",
        "yield": "yields the floor",
        "proposal": "proposes a clause",
        "amendment": f"proposes to amend{target}",
        "withdraw": f"withdraws{target or ' its clause'}",
    }
    return f"{short_name} {phrases.get(move.kind, 'has nothing to add')}."


def admit(move: Move, allowed: tuple[str, ...]) -> Move:
    """Moves the phase does not allow are heard as statements (the draft is not touched)."""
    if move.kind in allowed:
        return move
    return as_statement(move)


def as_statement(move: Move) -> Move:
    return move.model_copy(update={"kind": "statement", "clause": None, "clause_text": None})


def rule_on_withdrawal(cast: Cast, move: Move, draft: Draft, speaker: str) -> tuple[Move, str | None]:
    """Only a clause's proposer may withdraw it: anyone else's withdrawal is heard as a statement.

    Returns the move as admitted and, when it was refused, the chair's note saying why.
    """
    if move.kind != "withdraw":
        return move, None
    clause = draft.clause(move.clause)
    if clause is None:
        return as_statement(move), f"there is no clause {move.clause} on the table to withdraw"
    if clause.proposed_by != speaker:
        owner = cast.name(clause.proposed_by)
        note = f"only {owner}, which proposed clause {clause.number}, may withdraw it; heard as a statement"
        return as_statement(move), note
    return move, None


async def choose_speaker(
    cast: Cast,
    model: BaseChatModel | None,
    candidates: list[str],
    reason: FloorReason,
    segment: Segment,
    memory: Memory | None = None,
    draft: Draft | None = None,
    ledger: Ledger | None = None,
) -> FloorDecision:
    """Pick among ``candidates``; the chair's model is consulted only when there is a choice.

    Its prompt holds the draft (each clause's sides, from ``positions``), the public ledger
    and the last few public turns, each cut short: bounded however long the session runs.
    """
    fallback = FloorDecision(speaker=candidates[0], reason=reason)
    if model is None or len(candidates) < 2:
        return fallback
    memory = memory or Memory()
    public = (ledger or Ledger()).public()
    parties = cast.scenario.parties
    messages = [
        SystemMessage(content=render("chair_system.j2", scenario=cast.scenario, chair=cast.chair)),
        HumanMessage(
            content=render(
                "chair_floor.j2",
                phase_title=segment.phase.title,
                agenda_item=segment.agenda_item,
                candidates=[cast.delegations[c] for c in candidates],
                positions=draft_positions(draft or Draft(), public, cast),
                ledger=ledger_view(public, parties, cast.names(), (draft or Draft()).texts()),
                speech=recent_speech(memory, cast.names()),
            )
        ),
    ]
    try:
        reply = await ask_structured(model, messages, FloorChoice, text_field="reason")
    except Exception as error:  # the chair falling back is the designed behaviour
        fallback.note = f"chair model failed ({type(error).__name__}); took the earliest request"
        return fallback
    chosen = reply.value.speaker.strip().lower() if reply.value else None
    fallback.model, fallback.usage = reply.model, reply.usage
    if chosen in candidates:
        return FloorDecision(chosen, "chair", reply.model, reply.usage)
    fallback.note = f"chair model named '{chosen}', not a candidate; took the earliest request"
    return fallback
