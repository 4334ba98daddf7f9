"""Trades: an acceptance conditional on another clause, checked by the count, and moves that carry a condition."""

from __future__ import annotations

from agents.core.draft import Draft
from agents.core.moves import Ballot, CastVote, ClauseVote, normalise_ballot
from agents.engine.tally import tally

PARTIES = ["usa", "dprk", "prc"]


def two_clauses() -> Draft:
    return Draft().add("Clause one.", "usa", 1, "proposed").add("Clause two.", "dprk", 2, "proposed")


def accept(clause: int, on: int | None = None, words: str = "") -> CastVote:
    return CastVote(clause=clause, vote="accept", condition_clause=on, condition=words)


def test_a_condition_that_holds_leaves_the_acceptance_standing():
    ballots = {
        "usa": [accept(1), accept(2, on=1)],
        "dprk": [accept(1), accept(2)],
        "prc": [accept(1), accept(2)],
    }
    outcome = tally(two_clauses(), ballots, PARTIES, "no_objection")
    assert outcome.consensus
    (check,) = outcome.conditions
    assert (check.party, check.clause, check.on_clause, check.met) == ("usa", 2, 1, True)


def test_a_failed_condition_lapses_into_an_objection_and_blocks_the_clause():
    ballots = {
        "usa": [CastVote(clause=1, vote="accept"), accept(2, on=1)],
        "dprk": [CastVote(clause=1, vote="object", reason="no"), accept(2)],
        "prc": [accept(1), accept(2)],
    }
    outcome = tally(two_clauses(), ballots, PARTIES, "no_objection")
    statuses = {c.clause: c.status for c in outcome.clauses}
    assert statuses == {1: "rejected", 2: "rejected"}
    assert outcome.clauses[1].object == ["usa"]
    assert outcome.conditions[0].met is False
    assert outcome.votes["usa"][1].vote == "accept"  # what the delegation said is kept as it said it


def test_two_delegations_trading_clauses_both_get_their_trade():
    ballots = {
        "usa": [accept(1), accept(2, on=1)],
        "dprk": [accept(1, on=2), accept(2)],
        "prc": [accept(1), accept(2)],
    }
    outcome = tally(two_clauses(), ballots, PARTIES, "no_objection")
    assert outcome.consensus and all(check.met for check in outcome.conditions)


def test_a_chain_of_conditions_falls_together():
    draft = two_clauses().add("Clause three.", "prc", 3, "proposed")
    ballots = {
        "usa": [accept(1), accept(2, on=3), accept(3)],
        "dprk": [accept(1), accept(2), CastVote(clause=3, vote="object")],
        "prc": [accept(1, on=2), accept(2), accept(3)],
    }
    outcome = tally(draft, ballots, PARTIES, "no_objection")
    statuses = {c.clause: c.status for c in outcome.clauses}
    assert statuses == {1: "rejected", 2: "rejected", 3: "rejected"}
    assert sorted((c.party, c.met) for c in outcome.conditions) == [("prc", False), ("usa", False)]


def test_a_condition_in_words_only_is_reported_open_and_the_acceptance_stands():
    ballots = {party: [accept(1), accept(2)] for party in PARTIES}
    ballots["prc"] = [accept(1, words="if the United States gives a written assurance"), accept(2)]
    outcome = tally(two_clauses(), ballots, PARTIES, "no_objection")
    assert outcome.consensus
    (check,) = outcome.conditions
    assert check.met is None and "written assurance" in check.condition


def test_a_condition_on_the_clause_itself_or_on_a_non_acceptance_is_not_recorded():
    ballot = Ballot(
        votes=[
            ClauseVote(clause=1, vote="accept", condition_clause=1),
            ClauseVote(clause=2, vote="object", condition_clause=1, condition="whatever"),
        ]
    )
    first, second = normalise_ballot(ballot, [1, 2])
    assert first.condition_clause is None
    assert second.condition_clause is None and second.condition == ""


def test_a_condition_on_a_clause_not_on_the_table_never_holds():
    ballots = {party: [accept(1), accept(2)] for party in PARTIES}
    ballots["usa"] = [accept(1, on=9), accept(2)]
    outcome = tally(two_clauses(), ballots, PARTIES, "no_objection")
    assert {c.clause: c.status for c in outcome.clauses}[1] == "rejected"


def test_a_scripted_session_trades_and_the_record_says_which_conditions_held():
    import asyncio

    from agents.core.verdict import condition_lines
    from agents.testing import scripted_session

    found = []
    for seed in range(6):
        session = scripted_session(seed=seed)
        events = asyncio.run(_drain(session))
        outcome = events[-1].outcome
        conditional_moves = [e for e in events if getattr(e, "move", None) and e.move.conditional_on]
        found += [(seed, len(outcome.conditions), len(conditional_moves))]
        for check in outcome.conditions:
            agreed = {c.clause for c in outcome.clauses if c.status == "agreed"}
            assert check.met == (check.on_clause in agreed)
        assert len(condition_lines(outcome, session.cast.names())) == len(outcome.conditions)
    assert any(conditions for _, conditions, _ in found), found
    assert any(moves for _, _, moves in found), found


async def _drain(session) -> list:
    return [event async for event in session.run()]


def test_the_chairs_summary_names_a_lapsed_and_an_open_condition(catalog):
    from agents.engine.state import SessionState
    from agents.engine.summary import summarise

    cast = catalog.cast("six-party-2003")
    ballots = {
        "usa": [CastVote(clause=1, vote="accept"), accept(2, on=1)],
        "dprk": [CastVote(clause=1, vote="object", reason="no"), accept(2, words="if sanctions are lifted")],
        "prc": [accept(1), accept(2)],
    }
    outcome = summarise(tally(two_clauses(), ballots, PARTIES, "no_objection"), SessionState(draft=two_clauses()), cast)
    texts = [point.text for point in outcome.chair_summary if point.kind == "difference"]
    assert any("only if clause 1 was agreed; it was not" in text for text in texts)
    assert any('subject to a condition: "if sanctions are lifted"' in text for text in texts)
