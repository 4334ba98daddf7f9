"""Count the consensus call: which clauses pass under the scenario's rule, and whether all do."""

from __future__ import annotations

from agents.draft import Draft
from agents.events import ClauseOutcome, Outcome
from agents.moves import CastVote


def clause_passes(accept: int, object_: int, voters: int, rule: str) -> bool:
    """``no_objection``: nobody objects. ``unanimous``: everyone accepts. ``majority``: over half accept."""
    if rule == "unanimous":
        return accept == voters
    if rule == "majority":
        return 2 * accept > voters
    return object_ == 0


def tally(draft: Draft, ballots: dict[str, list[CastVote]], parties: list[str], rule: str) -> Outcome:
    """The outcome of the call. With no clauses on the table there is nothing to agree: no consensus."""
    clauses = []
    for clause in draft.clauses:
        outcome = ClauseOutcome(clause=clause.number, agreed=False)
        for party in parties:
            choice = next((v.vote for v in ballots.get(party, []) if v.clause == clause.number), "abstain")
            getattr(outcome, "object" if choice == "object" else choice).append(party)
        outcome.agreed = clause_passes(len(outcome.accept), len(outcome.object), len(parties), rule)
        clauses.append(outcome)
    consensus = bool(clauses) and all(c.agreed for c in clauses)
    votes = {party: ballots.get(party, []) for party in parties}
    return Outcome(consensus=consensus, rule=rule, clauses=clauses, votes=votes)
