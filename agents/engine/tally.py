"""Count the consensus call: which clauses pass under the scenario's rule, and whether all do.

Silence is never consent. A delegation whose ballot failed, timed out, did not parse or left
a clause out gave ``no_answer`` on it, and a clause with any ``no_answer`` is ``undecided``:
the call cannot say what the table would have done. Otherwise every rule counts over all the
delegations at the table, not over those who answered, and no rule agrees a clause that
nobody accepted.

An acceptance may be conditional on another clause being agreed (a trade). The count takes
the largest set of conditions that can all hold together: it first assumes every condition
met, then lets an acceptance lapse into an objection when its clause is not agreed, and
repeats until nothing changes. Two delegations that each accept the other's clause on
condition of their own both see their trade go through.
"""

from __future__ import annotations

from typing import assert_never

from agents.core.draft import Clause, Draft
from agents.core.moves import CastVote
from agents.core.outcome import ClauseOutcome, ClauseStatus, ConditionCheck, Outcome
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


def count_all(
    draft: Draft, ballots: dict[str, list[CastVote]], parties: list[str], rule: ConsensusRule
) -> list[ClauseOutcome]:
    clauses = []
    for clause in draft.clauses:
        counted = count_clause(clause, ballots, parties)
        counted.status = clause_status(counted, clause.proposed_by, parties, rule)
        clauses.append(counted)
    return clauses


def lapse(ballots: dict[str, list[CastVote]], lapsed: set[tuple[str, int]]) -> dict[str, list[CastVote]]:
    """The ballots with the ``lapsed`` conditional acceptances counted as objections."""

    def counted(party: str, vote: CastVote) -> CastVote:
        if (party, vote.clause) not in lapsed:
            return vote
        return vote.model_copy(
            update={"vote": "object", "reason": f"condition not met: clause {vote.condition_clause} was not agreed"}
        )

    return {party: [counted(party, vote) for vote in votes] for party, votes in ballots.items()}


def unmet(ballots: dict[str, list[CastVote]], clauses: list[ClauseOutcome]) -> set[tuple[str, int]]:
    """The conditional acceptances whose clause was not agreed."""
    agreed = {c.clause for c in clauses if c.status == "agreed"}
    return {
        (party, vote.clause)
        for party, votes in ballots.items()
        for vote in votes
        if vote.vote == "accept" and vote.condition_clause is not None and vote.condition_clause not in agreed
    }


def settle_conditions(
    draft: Draft, ballots: dict[str, list[CastVote]], parties: list[str], rule: ConsensusRule
) -> tuple[list[ClauseOutcome], set[tuple[str, int]]]:
    """The clauses counted with every failed condition lapsed, and which acceptances lapsed.

    Lapsing only removes acceptances, so the set of lapsed ones only grows: the loop ends.
    """
    lapsed: set[tuple[str, int]] = set()
    while True:
        clauses = count_all(draft, lapse(ballots, lapsed), parties, rule)
        now_unmet = unmet(ballots, clauses)
        if now_unmet == lapsed:
            return clauses, lapsed
        lapsed = now_unmet


def condition_checks(ballots: dict[str, list[CastVote]], lapsed: set[tuple[str, int]]) -> list[ConditionCheck]:
    checks = []
    for party, votes in ballots.items():
        for vote in votes:
            if vote.vote != "accept" or (vote.condition_clause is None and not vote.condition):
                continue
            met = None if vote.condition_clause is None else (party, vote.clause) not in lapsed
            checks.append(
                ConditionCheck(
                    party=party, clause=vote.clause, on_clause=vote.condition_clause, condition=vote.condition, met=met
                )
            )
    return checks


def tally(draft: Draft, ballots: dict[str, list[CastVote]], parties: list[str], rule: ConsensusRule) -> Outcome:
    """The outcome of the call. With no clauses on the table there is nothing to agree: no consensus."""
    clauses, lapsed = settle_conditions(draft, ballots, parties, rule)
    consensus = bool(clauses) and all(c.status == "agreed" for c in clauses)
    votes = {party: ballots.get(party, []) for party in parties}
    conditions = condition_checks(votes, lapsed)
    return Outcome(consensus=consensus, rule=rule, clauses=clauses, votes=votes, conditions=conditions)
