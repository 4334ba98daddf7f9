"""Turn-taking: nobody is silenced, nobody speaks twice while another waits, no livelock, no invalid speaker."""

from __future__ import annotations

import pytest

from agents.engine.chair import choose_speaker
from agents.engine.floor import FloorState, RequestsFirst, RoundRobin, after_turn, rotate, with_request
from agents.engine.programme import build_programme
from agents.testing import FunctionChatModel

PARTIES = ["usa", "dprk", "rok", "prc", "japan", "russia"]


def run_pass(policy, floor: FloorState, always_ask: set[str]) -> list[str]:
    """Play one pass of the floor to its end, every speaker in ``always_ask`` asking again."""
    spoken = []
    for _ in range(100):
        candidates, _reason = policy.candidates(floor)
        if not candidates:
            return spoken
        speaker = candidates[0]
        spoken.append(speaker)
        floor = after_turn(floor, speaker, wants_floor=speaker in always_ask)
    raise AssertionError("the pass never ended")


@pytest.mark.parametrize("policy", [RequestsFirst(), RoundRobin()])
def test_every_party_speaks_and_the_pass_ends_even_if_all_ask_again(policy):
    spoken = run_pass(policy, FloorState(pending=tuple(PARTIES)), always_ask=set(PARTIES))
    assert set(spoken) == set(PARTIES)
    assert len(spoken) <= 2 * len(PARTIES)


def test_requests_jump_the_queue_but_follow_ups_wait_for_everyone():
    floor = with_request(FloorState(pending=tuple(PARTIES)), "russia")
    spoken = run_pass(RequestsFirst(), floor, always_ask={"russia"})
    assert spoken[0] == "russia"
    assert spoken[1:6] == ["usa", "dprk", "rok", "prc", "japan"]
    assert spoken[6:] == ["russia"]  # one follow-up, after all others


def test_a_request_after_a_follow_up_is_ignored():
    floor = FloorState(pending=(), requests=(), followed_up=("dprk",))
    assert with_request(floor, "dprk") == floor


def test_rotation_moves_the_first_speaker():
    assert rotate(PARTIES, 0)[0] == "usa"
    assert rotate(PARTIES, 1)[0] == "dprk"
    assert rotate(PARTIES, 7)[0] == "dprk"
    assert sorted(rotate(PARTIES, 3)) == sorted(PARTIES)


@pytest.mark.parametrize(
    ("answer", "expected", "reason"),
    [
        ({"speaker": "japan"}, "japan", "chair"),
        ({"speaker": "France"}, "russia", "request"),
        ({"speaker": ""}, "russia", "request"),
        ("the delegate from nowhere", "russia", "request"),
        ({"who": 3}, "russia", "request"),
    ],
)
async def test_chair_model_never_names_an_invalid_speaker(catalog, answer, expected, reason):
    cast = catalog.cast("six-party-2003")
    segment = next(s for s in build_programme(cast.scenario) if s.kind == "discussion")
    model = FunctionChatModel(reply=lambda messages, tool: answer)
    decision = await choose_speaker(cast, model, ["russia", "japan"], "request", segment)
    assert decision.speaker == expected and decision.reason == reason
    assert (decision.note is None) == (reason == "chair")


async def test_chair_model_failure_falls_back_to_the_earliest_request(catalog):
    cast = catalog.cast("six-party-2003")
    segment = next(s for s in build_programme(cast.scenario) if s.kind == "discussion")

    def broken(messages, tool):
        raise TimeoutError("model did not answer")

    decision = await choose_speaker(cast, FunctionChatModel(reply=broken), ["prc", "rok"], "request", segment)
    assert decision.speaker == "prc" and "TimeoutError" in decision.note


async def test_chair_model_is_not_asked_when_there_is_no_choice(catalog):
    cast = catalog.cast("six-party-2003")
    segment = next(s for s in build_programme(cast.scenario) if s.kind == "discussion")
    model = FunctionChatModel(reply=lambda messages, tool: {"speaker": "usa"})
    decision = await choose_speaker(cast, model, ["rok"], "order", segment)
    assert decision.speaker == "rok" and model.calls == []
