"""Count the consensus call: which clauses pass under the scenario's rule, and whether all do.

Silence is never consent. A delegation whose ballot failed, timed out, did not parse or left
a clause out gave ``no_answer`` on it, and a clause with any ``no_answer`` is ``undecided``:
the call cannot say what the table would have done. Otherwise every rule counts over all the
delegations at the table, not over those who answered, and no rule agrees a clause that
nobody accepted.
"""

from __future__ import annotations

from typing import assert_never

from agents.core.draft import Clause, Draft
from agents.core.moves import CastVote
from agents.core.outcome import ClauseOutcome, ClauseStatus, Outcome
from agents.core.scenarios import ConsensusRule


def clause_passes(clause: ClauseOutcome, proposer: str, parties: list[str], rule: ConsensusRule) -> bool:
    """Whether the answered votes on ``clause`` carry it under ``rule``.

    ``no_objection``: nobody objects, and at least one delegation other than the proposer
    accepts (a proposer's own acceptance alone is not agreement). ``unanimous``: every
    delegation accepts. ``majority``: more than half of all delegations accept.
    """
    accepted = len(clause.accept)
    match rule:
        case "no_objection":
            return not clause.object and any(party != proposer for party in clause.accept)
        case "unanimous":
            return accepted > 0 and accepted == len(parties)
        case "majority":
            return accepted > 0 and 2 * accepted > len(parties)
        case _:
            assert_never(rule)


def clause_status(clause: ClauseOutcome, proposer: str, parties: list[str], rule: ConsensusRule) -> ClauseStatus:
    """``undecided`` when anyone gave no answer; else ``agreed`` or ``rejected`` by the rule."""
    if clause.no_answer:
        return "undecided"
    return "agreed" if clause_passes(clause, proposer, parties, rule) else "rejected"


def count_clause(clause: Clause, ballots: dict[str, list[CastVote]], parties: list[str]) -> ClauseOutcome:
    """Who accepted, objected, abstained or gave no answer on ``clause``; a missing ballot is no answer."""
    counted = ClauseOutcome(clause=clause.number, status="undecided")
    for party in parties:
        choice = next((v.vote for v in ballots.get(party, []) if v.clause == clause.number), "no_answer")
        getattr(counted, choice).append(party)
    return counted


def tally(draft: Draft, ballots: dict[str, list[CastVote]], parties: list[str], rule: ConsensusRule) -> Outcome:
    """The outcome of the call. With no clauses on the table there is nothing to agree: no consensus."""
    clauses = []
    for clause in draft.clauses:
        counted = count_clause(clause, ballots, parties)
        counted.status = clause_status(counted, clause.proposed_by, parties, rule)
        clauses.append(counted)
    consensus = bool(clauses) and all(c.status == "agreed" for c in clauses)
    votes = {party: ballots.get(party, []) for party in parties}
    return Outcome(consensus=consensus, rule=rule, clauses=clauses, votes=votes)
