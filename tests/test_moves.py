"""Typed moves from untidy model output: repaired once, else heard as a plain statement; never a crash."""

from __future__ import annotations

from agents.core.events import CHAIR
from agents.core.moves import Move
from agents.delegates.model import ModelDelegate
from agents.testing import FunctionChatModel, scripted_session


def replies(*answers):
    """A reply function that gives ``answers`` in order, then repeats the last."""
    queue = list(answers)

    def reply(messages, tool):
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return reply


async def take_turn(model, catalog):
    from agents.core.draft import Draft
    from agents.core.memory import Memory
    from agents.delegates.base import TurnContext
    from agents.engine.programme import build_programme

    cast = catalog.cast("six-party-2003")
    segment = build_programme(cast.scenario)[0]
    context = TurnContext(
        cast, cast.delegations["russia"], segment.phase, None, segment.allowed_moves, Draft(), Memory(), 1
    )
    streamed = []
    result = await ModelDelegate("russia", model, "test").take_turn(context, streamed.append)
    return result, "".join(streamed)


async def test_valid_move_is_taken_as_is(catalog):
    model = FunctionChatModel(reply=replies({"kind": "statement", "text": "We call for calm."}))
    result, streamed = await take_turn(model, catalog)
    assert result.move == Move(kind="statement", text="We call for calm.")
    assert not result.repaired and not result.fallback and streamed == "We call for calm."
    assert len(model.calls) == 1


async def test_broken_json_is_repaired_by_a_second_ask_that_sees_the_error(catalog):
    model = FunctionChatModel(
        reply=replies('{"kind": "statement", "text": "half', {"kind": "question", "text": "Why?"})
    )
    result, _ = await take_turn(model, catalog)
    assert result.move.kind == "question" and result.repaired and not result.fallback
    assert len(model.calls) == 2
    assert "could not be read as a Move" in model.calls[1][-1].content


async def test_wrong_kind_twice_becomes_a_statement_keeping_the_text(catalog):
    bad = {"kind": "filibuster", "text": "We shall speak for hours."}
    result, _ = await take_turn(FunctionChatModel(reply=replies(bad)), catalog)
    assert result.fallback and result.move == Move(kind="statement", text="We shall speak for hours.")
    assert "kind" in result.note


async def test_empty_output_becomes_an_empty_statement(catalog):
    result, _ = await take_turn(FunctionChatModel(reply=replies("")), catalog)
    assert result.fallback and result.move.kind == "statement" and result.move.text == ""


async def test_a_session_of_nonsense_still_finishes_with_every_phase():
    session = scripted_session(seed=1)
    nonsense = FunctionChatModel(reply=replies("}{ not json", '{"kind": 7}', "[]"))
    for delegate in session.delegates.values():
        delegate.model = nonsense
    session.chair_model = nonsense
    events = [event async for event in session.run()]
    assert events[-1].type == "session_ended"
    assert {e.phase for e in events if e.type == "phase_started"} >= {"opening", "consensus", "closing"}
    messages = [e for e in events if e.type == "message" and e.speaker != CHAIR]
    assert messages and all(m.fallback for m in messages)
    assert all(v.vote == "no_answer" for e in events if e.type == "vote_cast" for v in e.votes)
    outcome = events[-1].outcome
    assert outcome.clauses and all(c.status == "undecided" and not c.accept for c in outcome.clauses)
    assert outcome.consensus is False  # unparseable ballots are silence, and silence is not consent
    assert "undecided" in events[-1].text and "silence" in events[-1].text


async def test_a_seat_whose_model_raises_yields_and_the_session_goes_on():
    session = scripted_session(seed=1, max_turns=8)

    def down(messages, tool):
        raise ConnectionError("server went away")

    session.delegates["dprk"].model = FunctionChatModel(reply=down)
    events = [event async for event in session.run()]
    assert events[-1].type == "session_ended"
    dprk = [e for e in events if e.type == "message" and e.speaker == "dprk"]
    assert dprk and all(m.move.kind == "yield" for m in dprk)
    errors = [e for e in events if e.type == "error" and e.speaker == "dprk"]
    assert errors and "ConnectionError" in errors[0].text
