"""What the session agreed: each clause's fate at the consensus call, what was dropped, and every vote.

A clause is *agreed* when it passed under the scenario's rule, *rejected* when every delegation
answered and it did not pass, *undecided* when some delegation gave no answer on it (silence is
not consent), and *not voted* when the session ended before the consensus call.
*Dropped* wording is wording that was put forward and never reached the vote: a proposal
the chair could not add to the draft (the draft was full or the proposal had no wording),
and every clause of a session that ended without a vote. Wordings that a later amendment
replaced are not dropped: they are the clause's history (see ``evolution``).
"""

from __future__ import annotations

from agents.core.draft import Draft
from agents.core.events import DraftUpdated, Message
from agents.review.schema import ClauseResult, ClauseStatus, DroppedClause, OutcomeSummary, VoteCell
from agents.sessions.transcript import Transcript


def final_draft(transcript: Transcript) -> Draft:
    """The draft as the session left it: the transcript's, else the last update seen, else empty."""
    if transcript.draft is not None:
        return transcript.draft
    updates = [event.draft for event in transcript.events if isinstance(event, DraftUpdated)]
    return updates[-1] if updates else Draft()


def clause_statuses(transcript: Transcript) -> dict[int, ClauseStatus]:
    """Every clause of the final draft by number, with its status."""
    voted = {c.clause: c for c in transcript.outcome.clauses} if transcript.outcome else {}
    statuses: dict[int, ClauseStatus] = {}
    for number in final_draft(transcript).numbers():
        result = voted.get(number)
        statuses[number] = "not voted" if result is None else result.status
    return statuses


def outcome_summary(transcript: Transcript) -> OutcomeSummary:
    """The consensus call's result clause by clause, and what never reached it."""
    outcome = transcript.outcome
    voted = {c.clause: c for c in outcome.clauses} if outcome else {}
    statuses = clause_statuses(transcript)
    clauses = []
    for clause in final_draft(transcript).clauses:
        result = voted.get(clause.number)
        clauses.append(
            ClauseResult(
                number=clause.number,
                text=clause.text,
                proposed_by=clause.proposed_by,
                status=statuses[clause.number],
                accept=result.accept if result else [],
                object=result.object if result else [],
                abstain=result.abstain if result else [],
                no_answer=result.no_answer if result else [],
            )
        )
    return OutcomeSummary(
        voted=outcome is not None,
        consensus=bool(outcome and outcome.consensus),
        rule=outcome.rule if outcome else transcript.scenario.consensus_rule,
        clauses=clauses,
        dropped=dropped_proposals(transcript) + withdrawn_clauses(transcript) + unvoted_clauses(transcript),
        chair_summary=outcome.chair_summary if outcome else [],
    )


def dropped_proposals(transcript: Transcript) -> list[DroppedClause]:
    """Proposals made on the floor that the chair did not add to the draft."""
    added = {
        (event.speaker, event.turn)
        for event in transcript.events
        if isinstance(event, DraftUpdated) and " proposed clause " in event.change
    }
    dropped = []
    for event in transcript.events:
        if isinstance(event, Message) and event.move is not None and event.move.kind == "proposal":
            if (event.speaker, event.turn) not in added:
                wording = (event.move.clause_text or event.text).strip()
                why = "not added: the draft was full" if wording else "not added: the proposal had no wording"
                dropped.append(DroppedClause(by=event.speaker or "", turn=event.turn, text=wording, why=why))
    return dropped


def withdrawn_clauses(transcript: Transcript) -> list[DroppedClause]:
    """Clauses their proposers withdrew: off the table, so never put to the vote."""
    return [
        DroppedClause(
            by=clause.proposed_by,
            turn=clause.history[0].turn if clause.history else 0,
            text=clause.text,
            why="withdrawn by its proposer",
        )
        for clause in final_draft(transcript).withdrawn
    ]


def unvoted_clauses(transcript: Transcript) -> list[DroppedClause]:
    """Clauses of the final draft that were never put to the vote."""
    statuses = clause_statuses(transcript)
    why = "never put to the vote: the session ended first"
    return [
        DroppedClause(
            by=clause.proposed_by, turn=clause.history[0].turn if clause.history else 0, text=clause.text, why=why
        )
        for clause in final_draft(transcript).clauses
        if statuses[clause.number] == "not voted"
    ]


def vote_cells(transcript: Transcript) -> list[VoteCell]:
    """Every recorded vote, delegation by delegation in seating order, clause by clause."""
    if transcript.outcome is None:
        return []
    cells = []
    for delegation in transcript.delegations:
        for vote in transcript.outcome.votes.get(delegation.id, []):
            cells.append(VoteCell(delegation=delegation.id, clause=vote.clause, vote=vote.vote, reason=vote.reason))
    return cells
