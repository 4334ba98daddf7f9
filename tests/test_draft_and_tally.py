"""The draft's bookkeeping and the consensus count under each rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agents.core.draft import Draft, apply_move
from agents.core.moves import Ballot, CastVote, ClauseVote, Move, normalise_ballot
from agents.core.outcome import ClauseOutcome
from agents.engine.tally import tally


def test_proposals_number_clauses_and_amendments_keep_history():
    draft = Draft()
    draft, change = apply_move(draft, Move(kind="proposal", text="We propose.", clause_text="Clause one."), "usa", 1, 8)
    assert change == "usa proposed clause 1"
    draft, change = apply_move(draft, Move(kind="objection", clause=1), "dprk", 2, 8)
    assert draft.clause(1).objectors == ["dprk"]
    draft, change = apply_move(draft, Move(kind="amendment", clause=1, clause_text="Clause one, amended."), "prc", 3, 8)
    clause = draft.clause(1)
    assert clause.text == "Clause one, amended." and clause.amended_by == ["prc"]
    assert [r.action for r in clause.history] == ["proposed", "amended"]
    assert clause.objectors == [] and clause.supporters == ["prc"]


@pytest.mark.parametrize(
    "move",
    [
        Move(kind="amendment", clause=9, clause_text="No such clause."),
        Move(kind="support", clause=None),
        Move(kind="proposal", text="", clause_text=""),
        Move(kind="statement", text="Just talk.", clause=1),
    ],
)
def test_moves_that_cannot_touch_the_draft_leave_it_alone(move):
    draft = Draft().add("Existing clause.", "chair", 0, "tabled")
    assert apply_move(draft, move, "usa", 1, 8) == (draft, None)


def test_a_full_draft_takes_no_more_proposals():
    draft = Draft().add("One.", "chair", 0, "tabled")
    assert apply_move(draft, Move(kind="proposal", clause_text="Two."), "usa", 1, max_clauses=1) == (draft, None)


def test_ballots_are_normalised_to_one_vote_per_clause_and_a_left_out_clause_is_no_answer():
    ballot = Ballot(votes=[ClauseVote(clause=2, vote="object", reason="No."), ClauseVote(clause=7, vote="accept")])
    votes = normalise_ballot(ballot, [1, 2, 3])
    assert [(v.clause, v.vote) for v in votes] == [(1, "no_answer"), (2, "object"), (3, "no_answer")]


def test_an_explicit_abstention_is_kept_and_no_ballot_is_no_answer_everywhere():
    ballot = Ballot(votes=[ClauseVote(clause=1, vote="abstain", reason="No position.")])
    assert [v.vote for v in normalise_ballot(ballot, [1])] == ["abstain"]
    missing = normalise_ballot(None, [1, 2], "no ballot came")
    assert [(v.vote, v.reason) for v in missing] == [("no_answer", "no ballot came")] * 2


def test_a_delegate_cannot_claim_no_answer_on_its_ballot():
    with pytest.raises(ValidationError):
        ClauseVote(clause=1, vote="no_answer")


def ballots(rows: dict[str, list[str]]) -> dict[str, list[CastVote]]:
    return {party: [CastVote(clause=i + 1, vote=v) for i, v in enumerate(votes)] for party, votes in rows.items()}


def statuses(draft: Draft, rows: dict[str, list[str]], parties: list[str], rule: str) -> list[str]:
    return [clause.status for clause in tally(draft, ballots(rows), parties, rule).clauses]


RULES = ["no_objection", "unanimous", "majority"]


@pytest.mark.parametrize(
    ("rule", "agreed"),
    [("no_objection", [True, False, True]), ("unanimous", [True, False, False]), ("majority", [True, True, False])],
)
def test_each_rule_counts_votes_its_own_way(rule, agreed):
    draft = Draft().add("A.", "x", 0, "tabled").add("B.", "x", 0, "tabled").add("C.", "x", 0, "tabled")
    cast = ballots(
        {
            "a": ["accept", "accept", "accept"],
            "b": ["accept", "object", "abstain"],
            "c": ["accept", "accept", "abstain"],
        }
    )
    outcome = tally(draft, cast, ["a", "b", "c"], rule)
    assert [c.agreed for c in outcome.clauses] == agreed
    assert [c.status for c in outcome.clauses] == ["agreed" if a else "rejected" for a in agreed]
    assert outcome.consensus == all(agreed)


def test_under_no_objection_the_proposers_own_acceptance_is_not_agreement():
    draft = Draft().add("Ours.", "a", 1, "proposed").add("Also ours.", "a", 2, "proposed")
    rows = {"a": ["accept", "accept"], "b": ["abstain", "accept"], "c": ["abstain", "abstain"]}
    assert statuses(draft, rows, ["a", "b", "c"], "no_objection") == ["rejected", "agreed"]


@pytest.mark.parametrize("rule", RULES)
def test_no_rule_agrees_a_clause_that_nobody_accepted(rule):
    draft = Draft().add("Tabled by the chair.", "chair-prc", 0, "tabled")
    rows = {"a": ["abstain"], "b": ["abstain"], "c": ["abstain"]}
    outcome = tally(draft, ballots(rows), ["a", "b", "c"], rule)
    assert outcome.clauses[0].status == "rejected" and not outcome.clauses[0].agreed
    assert outcome.consensus is False


@pytest.mark.parametrize("rule", RULES)
def test_any_no_answer_leaves_a_clause_undecided_and_the_call_without_consensus(rule):
    draft = Draft().add("A.", "chair-prc", 0, "tabled").add("B.", "chair-prc", 0, "tabled")
    rows = {
        "a": ["accept", "accept"],
        "b": ["accept", "accept"],
        "c": ["accept", "accept"],
        "d": ["no_answer", "accept"],
    }
    outcome = tally(draft, ballots(rows), ["a", "b", "c", "d"], rule)
    assert [c.status for c in outcome.clauses] == ["undecided", "agreed"]
    assert outcome.clauses[0].no_answer == ["d"] and outcome.clauses[0].accept == ["a", "b", "c"]
    assert outcome.clauses[0].agreed is False and outcome.consensus is False
    assert outcome.silent == ["d"] and outcome.answered is False


@pytest.mark.parametrize("rule", RULES)
def test_a_delegation_with_no_ballot_at_all_gives_no_answer(rule):
    draft = Draft().add("A.", "chair-prc", 0, "tabled")
    outcome = tally(draft, ballots({"a": ["accept"], "b": ["accept"]}), ["a", "b", "c"], rule)
    assert outcome.clauses[0].status == "undecided" and outcome.clauses[0].no_answer == ["c"]


def test_a_call_where_every_ballot_failed_agrees_nothing():
    draft = Draft().add("A.", "chair-prc", 0, "tabled").add("B.", "chair-prc", 0, "tabled")
    failed = {party: normalise_ballot(None, draft.numbers(), "no ballot came") for party in "abcdef"}
    outcome = tally(draft, failed, list("abcdef"), "no_objection")
    assert [c.status for c in outcome.clauses] == ["undecided", "undecided"]
    assert all(len(c.no_answer) == 6 and not c.accept and not c.abstain for c in outcome.clauses)
    assert outcome.consensus is False


def test_majority_counts_over_all_delegations_not_over_those_taking_a_position():
    draft = Draft().add("A.", "chair-prc", 0, "tabled")
    two_of_four = {"a": ["accept"], "b": ["accept"], "c": ["abstain"], "d": ["abstain"]}
    assert statuses(draft, two_of_four, list("abcd"), "majority") == ["rejected"]
    three_of_four = {**two_of_four, "c": ["accept"]}
    assert statuses(draft, three_of_four, list("abcd"), "majority") == ["agreed"]


def test_unanimous_needs_every_delegation_to_accept_and_an_abstention_blocks():
    draft = Draft().add("A.", "chair-prc", 0, "tabled")
    rows = {"a": ["accept"], "b": ["accept"], "c": ["abstain"]}
    assert statuses(draft, rows, ["a", "b", "c"], "unanimous") == ["rejected"]
    assert statuses(draft, {**rows, "c": ["accept"]}, ["a", "b", "c"], "unanimous") == ["agreed"]


def test_an_old_clause_outcome_without_status_loads_from_its_agreed_flag():
    old = {"clause": 1, "agreed": True, "accept": ["a"], "object": [], "abstain": ["b"]}
    assert ClauseOutcome.model_validate(old).status == "agreed"
    assert ClauseOutcome.model_validate({**old, "agreed": False}).status == "rejected"
    new = ClauseOutcome(clause=1, status="undecided", no_answer=["b"])
    dumped = new.model_dump()
    assert dumped["agreed"] is False and ClauseOutcome.model_validate(dumped) == new


def test_nothing_on_the_table_is_no_consensus():
    assert tally(Draft(), {}, ["a", "b"], "no_objection").consensus is False
