"""The chair's summary: points of common ground and of difference, written by rule from the vote.

No model writes it, so it can never claim more than the ballots show. Common ground is each
agreed clause, with the delegations that accepted it; a difference is each clause that did
not pass, with its objectors and their reasons (or, with no objection, those who withheld
acceptance), each undecided clause with the delegations that gave no answer, and the
objections outvoted on a clause a majority carried; then each conditional acceptance that
lapsed, or that hangs on a condition in words the count cannot check. It is computed when the vote is counted,
so the closing statements can be given it, and the chair reads it out last.
"""

from __future__ import annotations

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.outcome import ClauseOutcome, Outcome, SummaryPoint
from agents.core.text import shorten
from agents.engine.state import SessionState

REASON_CHARS = 160
NO_CLAUSES = "No clause came before the consensus call, so no vote was held and no text was agreed."
NO_CALL = "No consensus call was held, so no text was agreed."


def summarise(outcome: Outcome, state: SessionState, cast: Cast) -> Outcome:
    """``outcome`` with its ``chair_summary``: the vote's points, then any the ledger adds."""
    points = chair_summary(outcome, state.draft, cast) + condition_points(outcome, cast)
    return outcome.model_copy(update={"chair_summary": points})


def condition_points(outcome: Outcome, cast: Cast) -> list[SummaryPoint]:
    """Differences the conditions leave: an acceptance that lapsed, or one subject to a condition in words.

    A condition that held needs no point of its own: its clause is common ground already.
    """
    points = []
    for check in outcome.conditions:
        who = cast.name(check.party)
        if check.met is False:
            said = (
                f"{who} accepted clause {check.clause} only if clause {check.on_clause} was agreed; it was not, "
                "so that acceptance counts as an objection."
            )
        elif check.met is None:
            condition = shorten(check.condition, REASON_CHARS)
            said = f'{who} accepted clause {check.clause} subject to a condition: "{condition}".'
        else:
            continue
        points.append(SummaryPoint(kind="difference", text=said, parties=[check.party]))
    return points


def chair_summary(outcome: Outcome, draft: Draft, cast: Cast) -> list[SummaryPoint]:
    """Common ground first, then differences, each in clause order."""
    if not outcome.clauses:
        return [SummaryPoint(kind="difference", text=NO_CLAUSES)]
    common: list[SummaryPoint] = []
    differences: list[SummaryPoint] = []
    for clause in outcome.clauses:
        text = clause_text(draft, clause.clause)
        if clause.status == "agreed":
            said = f"Clause {clause.clause} is agreed: {text}"
            common.append(SummaryPoint(kind="common_ground", text=said, parties=clause.accept))
            if clause.object:  # carried over objections (majority rule): the objections are a difference
                said = f"Clause {clause.clause} was carried over objections. {reasons(outcome, clause, cast)}"
                differences.append(SummaryPoint(kind="difference", text=said, parties=clause.object))
        else:
            differences.append(difference(outcome, clause, text, cast))
    return common + differences


def no_call_summary() -> list[SummaryPoint]:
    """The summary of a session that ended without a consensus call."""
    return [SummaryPoint(kind="difference", text=NO_CALL)]


def difference(outcome: Outcome, clause: ClauseOutcome, text: str, cast: Cast) -> SummaryPoint:
    """A clause that did not pass: undecided (who gave no answer) or rejected (who objected, and why)."""
    number = clause.clause
    if clause.status == "undecided":
        silent = ", ".join(cast.name(p) for p in clause.no_answer)
        said = f"Clause {number} remains undecided: {text} No answer came from {silent}."
        if clause.object:
            said += f" {reasons(outcome, clause, cast)}"
        return SummaryPoint(kind="difference", text=said, parties=clause.no_answer)
    if clause.object:
        said = f"Clause {number} is not agreed: {text} {reasons(outcome, clause, cast)}"
        return SummaryPoint(kind="difference", text=said, parties=clause.object)
    withheld = [p for p in cast.delegations if p not in clause.accept]
    accepted = ", ".join(cast.name(p) for p in clause.accept)
    short = f"it was accepted only by {accepted}" if accepted else "no delegation accepted it"
    rule = outcome.rule.replace("_", "-")
    said = f"Clause {number} is not agreed: {text} Nobody objected, but {short}: short of what the {rule} rule asks."
    return SummaryPoint(kind="difference", text=said, parties=withheld)


def reasons(outcome: Outcome, clause: ClauseOutcome, cast: Cast) -> str:
    """``Objections: North Korea (its reason); Japan.``: each objector with the reason it gave, if any."""
    given = []
    for party in clause.object:
        reason = next((v.reason for v in outcome.votes.get(party, []) if v.clause == clause.clause), "")
        given.append(f"{cast.name(party)} ({shorten(reason, REASON_CHARS)})" if reason else cast.name(party))
    return f"Objections: {'; '.join(given)}."


def clause_text(draft: Draft, number: int) -> str:
    """The clause's wording in quotes, ending its sentence."""
    clause = draft.clause(number)
    return f'"{clause.text}"' if clause is not None else "(its text is not on record)."
