"""Integration: short sessions on the real embedded SmolLM2 model, in-process and over the OpenAI protocol.

These start llama-cpp-python's OpenAI-compatible server on 127.0.0.1. The model's replies are
weak; what is tested is that the session still completes with a valid transcript.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agents.core.events import CHAIR
from agents.core.paths import scenarios_dir
from agents.llm.factory import LOCAL_LABEL
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript

pytestmark = pytest.mark.model


def without_plans(folder: Path) -> str:
    """The bilateral scenario with planning off: the HTTP test is about the transport, and each
    plan costs the 135M model about 25 s on 2 cores; the in-process test plans."""
    data = yaml.safe_load((scenarios_dir() / "bilateral.yaml").read_text(encoding="utf-8"))
    data["plan_before"] = []
    path = folder / "bilateral-no-plans.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def assert_complete(transcript, tmp_path, parties):
    loaded = load_transcript(tmp_path / f"{transcript.session_id}.json")
    assert loaded.status == "complete" and loaded.outcome is not None
    spoken = [e for e in loaded.events if e.type == "message" and e.speaker != CHAIR]
    assert spoken and all(e.model == "smollm2" for e in spoken if e.move and e.move.kind != "yield")
    assert {e.speaker for e in loaded.events if e.type == "vote_cast"} == set(parties)
    assert loaded.total_usage().input_tokens > 0
    return loaded


async def test_short_session_on_the_embedded_model(tmp_path):
    # One round of plans (before the opening), not the scenario's three: each plan costs the 135M
    # model tens of seconds on 2 cores, and one round shows the embedded model plans. Two turns:
    # each delegation opens, then the consensus call.
    options = RunSettings(
        scenario="bilateral", model="local", seed=7, max_turns=2, plan_before=["opening"], out=tmp_path
    )
    transcript = await run_session(options)
    loaded = assert_complete(transcript, tmp_path, ["usa", "dprk"])
    assert all(d.model == LOCAL_LABEL for d in loaded.delegations)
    plans = [e for e in loaded.events if e.type == "plan"]
    assert plans and all(e.audience == [e.speaker] for e in plans)  # the embedded model plans too
    usage = loaded.total_usage()  # as the server counted it: reused prompt prefixes included
    assert not usage.estimated and 0 < usage.cached_input_tokens < usage.input_tokens


async def test_short_session_through_the_openai_client_over_http(tmp_path, local_server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", local_server.base_url)
    options = RunSettings(scenario=without_plans(tmp_path), model="openai:smollm2", seed=7, max_turns=3, out=tmp_path)
    transcript = await run_session(options)
    loaded = assert_complete(transcript, tmp_path, ["usa", "dprk"])
    assert all(d.model == "openai:smollm2" for d in loaded.delegations)
