"""Render a transcript as Markdown: the human-readable file written beside the JSON."""

from __future__ import annotations

from agents.core.events import CHAIR
from agents.core.outcome import Outcome
from agents.core.verdict import VOTE_WORDS, undecided_note
from agents.sessions.transcript import Transcript


def _names(transcript: Transcript) -> dict[str, str]:
    names = {d.id: d.short_name for d in transcript.delegations}
    names[CHAIR] = transcript.scenario.chair_name
    return names


def _event_lines(transcript: Transcript, names: dict[str, str]) -> list[str]:
    lines: list[str] = []
    for event in transcript.events:
        who = names.get(event.speaker or CHAIR, event.speaker or CHAIR)
        if event.type == "phase_started":
            item = f": {event.agenda_item}" if event.agenda_item else ""
            lines += [
                "",
                f"## {event.title}{item}" + (f" (round {event.round})" if event.round and event.round > 1 else ""),
                "",
            ]
            lines.append(f"*Chair:* {event.text}")
        elif event.type == "message":
            kind = (
                f" ({event.move.kind}" + (f", clause {event.move.clause}" if event.move.clause else "") + ")"
                if event.move
                else ""
            )
            private = f" *(private: {' + '.join(names.get(m, m) for m in event.audience)})*" if event.audience else ""
            lines.append(f"\n**{who}**{kind}{private}: {event.text}")
            if event.move and event.move.clause_text and event.move.kind in ("proposal", "amendment"):
                lines.append(f"> {event.move.clause_text}")
        elif event.type == "meeting_requested":
            lines.append(f"\n*Chair:* {event.text}")
        elif event.type == "draft_updated":
            lines.append(f"\n*Draft: {event.change}.*")
        elif event.type == "vote_cast":
            votes = ", ".join(f"{v.clause}: {VOTE_WORDS[v.vote]}" for v in event.votes)
            lines.append(f"- **{who}** votes {votes}")
        elif event.type == "error":
            lines.append(f"\n> ⚠ {who}: {event.text}")
    return lines


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
    return lines


def transcript_markdown(transcript: Transcript) -> str:
    names = _names(transcript)
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
        *[f"| {d.short_name} | {d.head} | {d.model} |" for d in transcript.delegations],
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
