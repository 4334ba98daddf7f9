"""Render a transcript as Markdown: the human-readable file written beside the JSON."""

from __future__ import annotations

from typing import assert_never

from agents.core.events import (
    CHAIR,
    DraftUpdated,
    EndedEarly,
    ErrorEvent,
    Event,
    FloorGiven,
    FloorRequested,
    MeetingRequested,
    Message,
    NewsRead,
    PhaseStarted,
    PlanMade,
    SeatChanged,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    Token,
    TurnPassed,
    VoteCast,
)
from agents.core.moves import DRAFTING_MOVES
from agents.core.outcome import Outcome
from agents.core.plans import plan_lines
from agents.core.verdict import VOTE_WORDS, condition_lines, summary_markdown, undecided_note
from agents.sessions.transcript import DelegationInfo, Transcript


def _event_lines(transcript: Transcript, names: dict[str, str]) -> list[str]:
    lines: list[str] = []
    for event in transcript.events:
        lines += _lines(event, names)
    return lines


def _lines(event: Event, names: dict[str, str]) -> list[str]:
    """The Markdown for one event; an empty list for those the file leaves out."""
    match event:
        case SessionStarted():
            # The heading and the table of delegations come from the transcript itself.
            return []
        case PhaseStarted():
            return _phase_lines(event)
        case FloorGiven():
            # Who spoke next is clear from the speeches; the floor procedure would only add noise.
            return []
        case FloorRequested():
            # Likewise: a request to speak shows in the speech that follows it.
            return []
        case MeetingRequested():
            return [f"\n*Chair:* {event.text}"]
        case Token():
            # Transcripts keep no tokens: the complete text follows in a message.
            return []
        case Message():
            return _message_lines(event, names)
        case DraftUpdated():
            return [f"\n*Draft: {event.change}.*"]
        case VoteCast():
            votes = ", ".join(f"{v.clause}: {VOTE_WORDS[v.vote]}" for v in event.votes)
            return [f"- **{_who(event, names)}** votes {votes}"]
        case PlanMade():
            return _plan_lines(event, names)
        case SessionEnded():
            # The final draft and the outcome get their own sections, from the transcript.
            return []
        case SessionPaused() | SessionResumed() | NewsRead() | EndedEarly() | TurnPassed() | SeatChanged():
            # The instructor's controls, in the chair's words (private news is marked as such).
            private = " (in private)" if event.audience is not None else ""
            return [f"\n*Chair{private}:* {event.text}"]
        case ErrorEvent():
            return [f"\n> ⚠ {_who(event, names)}: {event.text}"]
        case _:
            assert_never(event)


def _who(event: Event, names: dict[str, str]) -> str:
    seat = event.speaker or CHAIR
    return names.get(seat, seat)


def _phase_lines(event: PhaseStarted) -> list[str]:
    item = f": {event.agenda_item}" if event.agenda_item else ""
    round_ = f" (round {event.round})" if event.round and event.round > 1 else ""
    return ["", f"## {event.title}{item}{round_}", "", f"*Chair:* {event.text}"]


def _message_lines(event: Message, names: dict[str, str]) -> list[str]:
    move = event.move
    kind = (f" ({move.kind}" + (f", clause {move.clause}" if move.clause else "") + ")") if move else ""
    private = f" *(private: {' + '.join(names.get(m, m) for m in event.audience)})*" if event.audience else ""
    lines = [f"\n**{_who(event, names)}**{kind}{private}: {event.text}"]
    if move and move.clause_text and move.kind in DRAFTING_MOVES:
        lines.append(f"> {move.clause_text}")
    return lines


def _plan_lines(event: PlanMade, names: dict[str, str]) -> list[str]:
    """A delegation's private plan, marked as seen by its own seat only."""
    who = _who(event, names)
    heading = f"\n**{who}** (plan for the {event.for_phase.replace('_', ' ')}) *(private: {who})*:"
    return [heading, *plan_lines(event.plan, names)]


def _outcome_lines(outcome: Outcome, names: dict[str, str]) -> list[str]:
    """The verdict, then each clause's result with its objections and, if any, who gave no answer."""
    verdict = "Consensus reached" if outcome.consensus else "No consensus"
    note = undecided_note(outcome, names)
    lines = [f"**{verdict}** ({outcome.rule.replace('_', '-')} rule)." + (f" {note}." if note else "")]
    for clause in outcome.clauses:
        objectors = ", ".join(names.get(p, p) for p in clause.object) or "none"
        silent = ", ".join(names.get(p, p) for p in clause.no_answer)
        line = f"- Clause {clause.clause}: {clause.status} (objections: {objectors}"
        lines.append(line + (f"; no answer: {silent})" if silent else ")"))
    conditions = condition_lines(outcome, names)
    if conditions:
        lines += ["", "Conditional acceptances:", *(f"- {line}" for line in conditions)]
    if outcome.chair_summary:
        lines += ["", "### The chair's summary", "", *summary_markdown(outcome.chair_summary, names)]
    return lines


def _holders(delegation: DelegationInfo) -> str:
    """Who held the seat: its model, or each holder and the turn it took over when the seat changed hands."""
    if not delegation.held_by:
        return delegation.model
    return " → ".join(f"{h.model} (from turn {h.from_turn})" for h in delegation.held_by)


def transcript_markdown(transcript: Transcript) -> str:
    names = transcript.names()
    scenario = transcript.scenario
    lines = [
        f"# {scenario.title}",
        "",
        f"{scenario.venue}, {scenario.date}. Chair: {scenario.chair_name}.",
        f"Session `{transcript.session_id}` ({transcript.status}).",
        *(
            [f"Forked from session `{transcript.parent.session_id}` after turn {transcript.parent.turn}."]
            if transcript.parent
            else []
        ),
        "",
        "| Delegation | Head | Model |",
        "|---|---|---|",
        *[f"| {d.short_name} | {d.head} | {_holders(d)} |" for d in transcript.delegations],
    ]
    lines += _event_lines(transcript, names)
    if transcript.draft is not None:
        lines += ["", "## Final draft", ""]
        for clause in transcript.draft.clauses:
            lines.append(
                f"{clause.number}. {clause.text} *(proposed by {names.get(clause.proposed_by, clause.proposed_by)})*"
            )
    if transcript.outcome is not None:
        lines += ["", "## Outcome", "", *_outcome_lines(transcript.outcome, names)]
    usage = transcript.total_usage()
    lines += [
        "",
        f"Tokens: {usage.input_tokens} in, {usage.output_tokens} out"
        + (" (partly estimated)" if usage.estimated else "")
        + ".",
    ]
    return "\n".join(lines) + "\n"
