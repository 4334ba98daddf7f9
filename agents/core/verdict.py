"""An outcome in words and marks, the same in the terminal, the web page, the files and the review.

One place, so that every front end says the same thing: a clause some delegation gave no
answer on is *undecided* (never agreed), and a session with undecided clauses says whose
answer is missing rather than just "no consensus".
"""

from __future__ import annotations

from collections.abc import Mapping

from agents.core.moves import VoteChoice
from agents.core.outcome import ClauseOutcome, ClauseStatus, Outcome, SummaryKind, SummaryPoint

VOTE_MARKS: dict[str, str] = {"accept": "✓", "object": "✗", "abstain": "–", "no_answer": "?"}
VOTE_WORDS: dict[str, str] = {"accept": "accept", "object": "object", "abstain": "abstain", "no_answer": "no answer"}
VOTE_LEGEND = "✓ accept, ✗ object, – abstain, ? no answer"
STATUS_STYLES: dict[ClauseStatus, str] = {"agreed": "green", "rejected": "red", "undecided": "yellow"}
CHOICES: tuple[VoteChoice, ...] = ("accept", "object", "abstain", "no_answer")
SUMMARY_KINDS: dict[SummaryKind, str] = {"common_ground": "Common ground", "difference": "Difference"}


def vote_in(clause: ClauseOutcome, party: str) -> VoteChoice:
    """What ``party`` answered on ``clause``; a party in no list gave no answer."""
    return next((choice for choice in CHOICES if party in getattr(clause, choice)), "no_answer")


def counts(clause: ClauseOutcome) -> str:
    """``accept object abstain no-answer`` counts, e.g. ``4 1 0 1``."""
    return " ".join(str(len(getattr(clause, choice))) for choice in CHOICES)


def undecided_note(outcome: Outcome, names: Mapping[str, str] | None = None) -> str:
    """Empty when every delegation answered; else how many clauses are undecided and whose answer is missing."""
    undecided = outcome.numbers("undecided")
    if not undecided:
        return ""
    silent = ", ".join((names or {}).get(party, party) for party in outcome.silent)
    return f"{len(undecided)} of {len(outcome.clauses)} clauses undecided, no answer from {silent}"


def summary_parties(point: SummaryPoint, names: Mapping[str, str] | None = None) -> str:
    """The parties behind a point of the chair's summary, by name: ``United States, China``."""
    return ", ".join((names or {}).get(party, party) for party in point.parties)


def summary_markdown(points: list[SummaryPoint], names: Mapping[str, str] | None = None) -> list[str]:
    """The chair's summary as Markdown bullets, the parties behind each point in italics."""
    lines = []
    for point in points:
        parties = summary_parties(point, names)
        lines.append(f"- **{SUMMARY_KINDS[point.kind]}**: {point.text}" + (f" *({parties})*" if parties else ""))
    return lines


def verdict(outcome: Outcome | None, names: Mapping[str, str] | None = None) -> str:
    """``consensus``, ``no consensus`` or ``no vote taken``; undecided clauses and the silent seats named."""
    if outcome is None:
        return "no vote taken"
    if outcome.consensus:
        return "consensus"
    note = undecided_note(outcome, names)
    return f"no consensus: {note}" if note else "no consensus"


def condition_lines(outcome: Outcome, names: Mapping[str, str] | None = None) -> list[str]:
    """Each conditional acceptance and what became of it at the count, one line each."""
    lines = []
    for check in outcome.conditions:
        who = (names or {}).get(check.party, check.party)
        words = f' ("{check.condition}")' if check.condition else ""
        if check.on_clause is None:
            result = f"accepted clause {check.clause} on a condition in words{words}: the count cannot check it"
        elif check.met:
            result = f"accepted clause {check.clause} if clause {check.on_clause} was agreed{words}: met"
        else:
            result = (
                f"accepted clause {check.clause} if clause {check.on_clause} was agreed{words}: "
                "not met, counted as an objection"
            )
        lines.append(f"{who} {result}")
    return lines
