"""Model faults injected for real: a misbehaving HTTP server behind the real OpenAI client.

Rate limits, server errors and dropped connections are retried (by the OpenAI client, with
exponential backoff and jitter, up to ModelSettings.max_retries); a call that outlasts its
timeout (a hang, or a reply trickling in) is abandoned and made again, up to as many times;
malformed output is repaired once; a seat whose calls keep failing yields and the session
still completes.
"""

from __future__ import annotations

from collections import deque

import pytest

from agents.core.events import CHAIR
from agents.delegates.model import ModelDelegate
from agents.engine.chair import choose_speaker
from agents.engine.programme import build_programme
from agents.llm.factory import ModelPool, ModelSettings
from agents.review.prices import PriceTable
from agents.sessions.replay import first_difference, normalised, replay_transcript
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from tests.fault_server import CACHED_TOKENS, PROMPT_TOKENS, FaultServer

SETTINGS = ModelSettings(timeout_seconds=1.0, max_retries=2)


@pytest.fixture
def server():
    with FaultServer(hang_seconds=3.0) as running:
        yield running


def delegate_for(server: FaultServer) -> ModelDelegate:
    pool = ModelPool(SETTINGS, environ={"OPENAI_BASE_URL": server.base_url})
    return ModelDelegate("russia", pool.get("openai:fault").model, "openai:fault")


def opening_context(catalog):
    from agents.core.draft import Draft
    from agents.core.memory import Memory
    from agents.delegates.base import TurnContext
    from agents.engine.programme import build_programme

    cast = catalog.cast("six-party-2003")
    segment = build_programme(cast.scenario)[0]
    return TurnContext(
        cast, cast.delegations["russia"], segment.phase, None, segment.allowed_moves, Draft(), Memory(), 1
    )


@pytest.mark.parametrize(
    ("faults", "expected_requests"),
    [
        (["429", "429"], ["429", "429", "ok"]),
        (["500"], ["500", "ok"]),
        (["hang"], ["hang", "ok"]),
        (["drop"], ["drop", "ok"]),
        (["trickle"], ["trickle", "ok"]),
    ],
)
async def test_transient_faults_are_retried_and_the_turn_succeeds(server, catalog, faults, expected_requests):
    server.faults.extend(faults)
    result = await delegate_for(server).take_turn(opening_context(catalog), lambda _: None)
    assert result.move.text == "We ask all sides to return to the table."
    assert not result.fallback and result.usage.input_tokens == 120 and not result.usage.estimated
    assert server.requests == expected_requests


async def test_broken_json_is_repaired_with_a_second_request(server, catalog):
    server.faults.append("broken")
    result = await delegate_for(server).take_turn(opening_context(catalog), lambda _: None)
    assert result.repaired and result.move.kind == "statement"
    assert server.requests == ["broken", "ok"]


async def test_a_reply_cut_off_at_the_limit_is_taken_as_far_as_it_went_without_asking_again(server, catalog):
    server.faults.extend(["cut", "cut_bad"])
    result = await delegate_for(server).take_turn(opening_context(catalog), lambda _: None)
    assert result.move.kind == "statement" and result.move.text == "We ask all sides to return"
    assert not result.fallback and "cut off at the reply limit" in result.note
    result = await delegate_for(server).take_turn(opening_context(catalog), lambda _: None)
    assert result.fallback and result.move.kind == "statement" and "cut off at the reply limit" in result.note
    assert server.requests == ["cut", "cut_bad"]  # neither asked again: the same limit would cut it again


async def test_broken_json_twice_becomes_a_statement(server, catalog):
    server.faults.extend(["broken", "broken"])
    result = await delegate_for(server).take_turn(opening_context(catalog), lambda _: None)
    assert result.fallback and result.move == result.move.model_copy(update={"kind": "statement"})
    assert result.move.text == "unterminated"


async def test_persistent_failure_yields_the_turn_and_the_session_completes(server, tmp_path):
    server.faults_for["Move"] = deque(["500"] * 3)  # the first move and both retries fail
    options = RunSettings(scenario="bilateral", model="openai:fault", max_turns=3, out=tmp_path)
    with ModelPool(SETTINGS, environ={"OPENAI_BASE_URL": server.base_url}) as pool:
        prepared = prepare(options, pool)
        transcript = await run_prepared(prepared)
    saved = load_transcript(tmp_path / f"{transcript.session_id}.json")
    assert saved.status == "complete"
    errors = [e for e in saved.events if e.type == "error"]
    assert errors and "Error code: 500" in errors[0].text and "yields" in errors[0].text
    first = next(e for e in saved.events if e.type == "message" and e.speaker != CHAIR)
    assert first.move.kind == "yield" and first.speaker == errors[0].speaker
    later = [e for e in saved.events if e.type == "message" and e.speaker != CHAIR][1:]
    assert later and all(e.text == "We ask all sides to return to the table." for e in later)
    assert server.requests_for("Move")[:3] == ["500", "500", "500"]


async def run_bilateral(server: FaultServer, settings: ModelSettings, folder):
    options = RunSettings(scenario="bilateral", model="openai:fault", max_turns=3, out=folder)
    with ModelPool(settings, environ={"OPENAI_BASE_URL": server.base_url}) as pool:
        transcript = await run_prepared(prepare(options, pool))
    return load_transcript(folder / f"{transcript.session_id}.json")


async def test_an_endless_trickle_is_cut_off_and_the_session_goes_on(server, tmp_path):
    """A reply that trickles for ever (a chunk every 0.5 s) ends at the timeout, not with the stream."""
    server.faults_for["Move"] = deque(["trickle"] * 3)  # the first move and both its retries
    saved = await run_bilateral(server, ModelSettings(timeout_seconds=2.0, max_retries=2), tmp_path / "run")
    assert saved.status == "complete"
    assert server.requests_for("Move")[:4] == ["trickle", "trickle", "trickle", "ok"]  # 1 + max_retries, then the next
    error = next(e for e in saved.events if e.type == "error")
    assert "CallTimeout: no complete reply within the 2 s timeout" in error.text and "yields" in error.text
    first = next(e for e in saved.events if e.type == "message" and e.speaker != CHAIR)
    assert first.speaker == error.speaker and first.move.kind == "yield"
    # The abandoned attempts leave one record, the last: the replay answers as the session went.
    assert [call.error_type for call in saved.recording if call.error_type] == ["CallTimeout"]
    replayed, _ = await replay_transcript(saved, tmp_path / "replay")
    assert first_difference(normalised(saved), normalised(replayed)) is None


async def test_ballots_are_bounded_by_the_timeout_too(server, tmp_path):
    server.always["Ballot"] = "trickle"
    saved = await run_bilateral(server, ModelSettings(timeout_seconds=1.0, max_retries=1), tmp_path)
    assert saved.status == "complete"
    parties = [d.id for d in saved.delegations]
    assert server.requests_for("Ballot") == ["trickle"] * 2 * len(parties)
    ballot_errors = [e for e in saved.events if e.type == "error" and e.phase == "consensus"]
    assert sorted(e.speaker for e in ballot_errors) == sorted(parties)
    assert all("CallTimeout" in e.text and "no answer" in e.text for e in ballot_errors)


async def test_plans_cut_off_by_the_timeout_leave_private_errors_and_the_session_goes_on(server, tmp_path):
    server.always["Plan"] = "trickle"
    saved = await run_bilateral(server, ModelSettings(timeout_seconds=1.0, max_retries=1), tmp_path)
    assert saved.status == "complete" and saved.outcome is not None
    parties = [d.id for d in saved.delegations]
    # before the openings and before the vote (no turns are left for drafting), each call and its retry
    assert server.requests_for("Plan") == ["trickle"] * 2 * 2 * len(parties)
    plan_errors = [e for e in saved.events if e.type == "error" and "plan" in e.text]
    assert sorted(e.speaker for e in plan_errors) == sorted(parties * 2)
    assert all("CallTimeout" in e.text and e.audience == [e.speaker] for e in plan_errors)
    assert not any(e.type == "plan" for e in saved.events)
    assert len([e for e in saved.events if e.type == "vote_cast"]) == len(parties)


async def test_the_chairs_choice_is_bounded_by_the_timeout_too(server, catalog):
    server.always["FloorChoice"] = "trickle"
    pool = ModelPool(ModelSettings(timeout_seconds=1.0, max_retries=1), environ={"OPENAI_BASE_URL": server.base_url})
    cast = catalog.cast("six-party-2003")
    segment = build_programme(cast.scenario)[1]
    decision = await choose_speaker(cast, pool.get("openai:fault").model, ["usa", "dprk"], "requests", segment)
    assert decision.speaker == "usa" and "chair model failed (CallTimeout)" in (decision.note or "")
    assert server.requests_for("FloorChoice") == ["trickle", "trickle"]


async def test_a_compatible_server_is_told_the_reply_limit_under_the_name_it_reads(server, catalog):
    """llama-cpp-python's server reads ``max_tokens``, not langchain's ``max_completion_tokens``:
    without it a small model's reply that never closes a list runs on until the context is full."""
    delegate = delegate_for(server)
    await delegate.take_turn(opening_context(catalog), lambda text: None)
    assert server.bodies and all(body.get("max_tokens") == SETTINGS.max_tokens for body in server.bodies)


async def test_cached_prompt_tokens_reported_by_the_server_are_kept_and_priced_at_their_rate(server, tmp_path):
    """OpenAI reports the prompt tokens its prefix cache served as ``prompt_tokens_details.cached_tokens``."""
    environ = {"OPENAI_BASE_URL": server.base_url}
    options = RunSettings(scenario="bilateral", model="openai:gpt-4o-mini", out=tmp_path, max_turns=2)
    with ModelPool(SETTINGS, environ=environ) as pool:
        transcript = await run_prepared(prepare(options, pool))
    calls = [call for call in transcript.recording if call.usage is not None]
    assert calls and all(call.usage.cached_input_tokens == CACHED_TOKENS for call in calls)
    usage = transcript.total_usage()
    assert usage.input_tokens == PROMPT_TOKENS * len(calls) and usage.cached_input_tokens == CACHED_TOKENS * len(calls)
    price = PriceTable().prices["openai:gpt-4o-mini"]
    fresh, cached = usage.input_tokens - usage.cached_input_tokens, usage.cached_input_tokens
    expected = (fresh * price.input + cached * price.cached_input + usage.output_tokens * price.output) / 1e6
    assert PriceTable().cost("openai:gpt-4o-mini", usage) == pytest.approx(expected)
    assert price.cached_input < price.input
