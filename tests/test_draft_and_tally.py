"""The draft's bookkeeping and the consensus count under each rule."""

from __future__ import annotations

import pytest

from agents.draft import Draft, apply_move
from agents.engine.tally import tally
from agents.moves import Ballot, CastVote, ClauseVote, Move, normalise_ballot


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


def test_ballots_are_normalised_to_one_vote_per_clause():
    ballot = Ballot(votes=[ClauseVote(clause=2, vote="object", reason="No."), ClauseVote(clause=7, vote="accept")])
    votes = normalise_ballot(ballot, [1, 2])
    assert [(v.clause, v.vote) for v in votes] == [(1, "abstain"), (2, "object")]


def ballots(rows: dict[str, list[str]]) -> dict[str, list[CastVote]]:
    return {party: [CastVote(clause=i + 1, vote=v) for i, v in enumerate(votes)] for party, votes in rows.items()}


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
    assert outcome.consensus == all(agreed)


def test_nothing_on_the_table_is_no_consensus():
    assert tally(Draft(), {}, ["a", "b"], "no_objection").consensus is False
