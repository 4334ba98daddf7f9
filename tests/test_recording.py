"""Every model call of a session is recorded in its transcript; remote calls share one limit."""

from __future__ import annotations

import asyncio
from collections import Counter

from langchain_core.messages import HumanMessage

from agents.core.current_turn import during_turn
from agents.core.events import CHAIR
from agents.llm.factory import ModelPool, ModelSettings
from agents.llm.recording import Recorder, RecordingChatModel
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.testing import FunctionChatModel


async def run_scripted(tmp_path, **options):
    with ModelPool() as pool:
        return await run_prepared(prepare(RunSettings(model="scripted", out=tmp_path, **options), pool))


async def test_every_move_and_ballot_is_recorded_with_its_seat_turn_request_and_usage(tmp_path):
    transcript = await run_scripted(tmp_path, seed=2, max_turns=8)
    calls = transcript.recording
    moves = [e for e in transcript.events if e.type == "message" and e.speaker != CHAIR]
    plans = [e for e in transcript.events if e.type == "plan"]
    assert len(plans) == 12  # before the openings and before the vote (no turns were left for drafting)
    assert Counter(call.kind for call in calls) == Counter(Move=len(moves), Plan=len(plans), Ballot=6)
    assert [(c.seat, c.turn) for c in calls if c.kind == "Move"] == [(e.speaker, e.turn) for e in moves]
    assert {c.turn for c in calls if c.kind == "Ballot"} == {8}
    assert sorted((c.seat, c.turn) for c in calls if c.kind == "Plan") == sorted((e.speaker, e.turn) for e in plans)
    first = next(call for call in calls if call.kind == "Move")
    assert first.request[0].role == "system" and "Delegation id: usa" in first.request[0].content
    assert first.usage is not None and first.usage.input_tokens > 0 and first.model_name == "scripted"
    assert moves[0].move.text in first.arguments  # the raw reply, as streamed
    reloaded = (tmp_path / f"{transcript.session_id}.json").read_text()
    assert '"recording"' in reloaded and '"parent": null' in reloaded


async def test_a_call_that_raises_is_recorded_with_its_error():
    def broken(messages, tool):
        raise ConnectionError("the line went dead")

    recorder = Recorder()
    model = RecordingChatModel(inner=FunctionChatModel(reply=broken), seat="dprk", recorder=recorder)
    with during_turn(3):
        try:
            await model.bind_tools([{"name": "Move"}]).ainvoke([HumanMessage(content="Your move.")])
        except ConnectionError:
            pass
    (call,) = recorder.calls
    assert (call.seat, call.kind, call.turn) == ("dprk", "Move", 3)
    assert (call.error_type, call.error) == ("ConnectionError", "the line went dead")


async def test_calls_without_a_turn_belong_to_the_latest_turn_and_plain_calls_are_recorded_too():
    recorder = Recorder()
    model = RecordingChatModel(inner=FunctionChatModel(reply=lambda m, t: "ok"), seat="chair", recorder=recorder)
    with during_turn(5):
        await model.ainvoke("first")
    await model.ainvoke("second")  # the chair's kind of call: no turn of its own
    assert [(c.turn, c.kind) for c in recorder.calls] == [(5, "text"), (5, "text")]
    assert model.model_name == "function"


def test_openai_models_of_a_pool_share_one_rate_limiter_and_one_cap():
    settings = ModelSettings(requests_per_second=2.0, max_concurrent_calls=3)
    pool = ModelPool(settings, environ={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    first, second = pool.get("openai:a").model, pool.get("openai:b", seed=4).model
    assert first.rate_limiter is not None and first.rate_limiter is second.rate_limiter
    assert first.call_slots is second.call_slots and second.seed == 4
    plain = ModelPool(environ={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}).get("openai:a").model
    assert plain.rate_limiter is None and plain.call_slots is None


async def test_the_cap_holds_concurrent_calls_to_the_limit(monkeypatch):
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGenerationChunk
    from langchain_openai import ChatOpenAI

    active, peak = 0, 0

    async def fake_stream(self, messages, stop=None, run_manager=None, **kwargs):
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        for _ in range(5):  # give every other call the chance to start
            await asyncio.sleep(0)
        active -= 1
        yield ChatGenerationChunk(message=AIMessageChunk(content="ok"))

    monkeypatch.setattr(ChatOpenAI, "_astream", fake_stream)
    environ = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    for cap, expected in ((2, 2), (None, 6)):
        peak = 0
        pool = ModelPool(ModelSettings(max_concurrent_calls=cap), environ=environ)
        models = [pool.get("openai:m").model for _ in range(6)]

        async def call(model):
            return [chunk async for chunk in model.astream("hi")]

        await asyncio.gather(*(call(model) for model in models))
        assert peak == expected


async def test_the_local_models_of_a_pool_take_one_call_at_a_time(monkeypatch):
    """The embedded server answers one request at a time: the seats' calls queue in Parley, before
    their time limit starts, not at the server, where queued ballots ran out of time."""
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGenerationChunk
    from langchain_openai import ChatOpenAI

    active, peak = 0, 0

    async def fake_stream(self, messages, stop=None, run_manager=None, **kwargs):
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        for _ in range(5):
            await asyncio.sleep(0)
        active -= 1
        yield ChatGenerationChunk(message=AIMessageChunk(content="ok"))

    class Server:  # a started server, as far as the pool can tell
        base_url = "http://127.0.0.1:9/v1"

    monkeypatch.setattr(ChatOpenAI, "_astream", fake_stream)
    pool = ModelPool(_server=Server())
    models = [pool.get("local").model for _ in range(6)]
    assert all(model.call_slots is models[0].call_slots for model in models)
    assert models[0].max_tokens == 160 and models[0].extra_body["max_tokens"] == 160  # the embedded model's cap

    async def call(model):
        return [chunk async for chunk in model.astream("hi")]

    await asyncio.gather(*(call(model) for model in models))
    assert peak == 1


async def test_the_wrapper_binds_tools_on_the_answering_model_once_not_on_every_call():
    bound = []

    class CountingModel(FunctionChatModel):
        def bind_tools(self, tools, *, tool_choice=None, **kwargs):
            bound.append(tool_choice)
            return super().bind_tools(tools, tool_choice=tool_choice, **kwargs)

    recorder = Recorder()
    model = RecordingChatModel(inner=CountingModel(reply=lambda m, t: {"kind": "yield"}), seat="rok", recorder=recorder)
    for _ in range(3):
        await model.bind_tools([{"name": "Move"}], tool_choice="Move").ainvoke([HumanMessage(content="Your move.")])
    assert bound == ["Move"]
    assert [call.kind for call in recorder.calls] == ["Move", "Move", "Move"]
