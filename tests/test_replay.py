"""A session replays from its recording, with no model, into the same transcript (volatile fields aside)."""

from __future__ import annotations

import json
from collections import defaultdict

from typer.testing import CliRunner

from agents.cli import app
from agents.llm.factory import ModelHandle, ModelPool
from agents.sessions.replay import first_difference, normalised, replay_transcript
from agents.sessions.run import prepare, run_prepared, run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript, load_transcript
from agents.testing import FunctionChatModel

SEATS = ("usa", "dprk", "rok", "prc", "japan", "russia")


def normalised_file(path) -> str:
    return normalised(load_transcript(path))


async def test_a_scripted_session_replays_byte_for_byte(tmp_path):
    original = await run_session(RunSettings(model="scripted", seed=3, out=tmp_path / "original"))
    replayed, divergences = await replay_transcript(
        load_transcript(tmp_path / "original" / f"{original.session_id}.json"), tmp_path / "replay"
    )
    assert divergences == [] and replayed.session_id != original.session_id
    left = normalised_file(tmp_path / "original" / f"{original.session_id}.json")
    right = normalised_file(tmp_path / "replay" / f"{replayed.session_id}.json")
    assert left.encode() == right.encode()
    assert len(replayed.recording) == len(original.recording) > 50


async def test_a_session_with_a_chair_proposal_replays_the_same(tmp_path):
    original = await run_session(RunSettings(model="scripted", seed=2, out=tmp_path / "original"))
    proposals = [call for call in original.recording if call.kind == "ChairProposal"]
    assert proposals and all(call.seat == "chair" for call in proposals)
    assert any(e.type == "draft_updated" and e.speaker == "chair" and e.phase == "amendments" for e in original.events)
    replayed, divergences = await replay_transcript(original, tmp_path / "replay")
    assert divergences == []
    assert first_difference(normalised(original), normalised(replayed)) is None
    assert replayed.outcome.chair_summary == original.outcome.chair_summary != []


def troublesome_models() -> dict[str, ModelHandle]:
    """Seats that repair, fall back, fail once, ask for the floor; a chair that picks among them."""
    asked: dict[str, int] = defaultdict(int)

    def seat_reply(seat: str):
        def reply(messages, tool):
            asked[seat] += 1
            count = asked[seat]
            if tool == "Ballot":
                return {"votes": [{"clause": 1, "vote": "object" if seat == "dprk" else "accept"}]}
            if seat == "russia":
                return "this is not JSON at all"  # fallback, twice per turn
            if seat == "dprk" and count == 2:
                return '{"kind": "statement", "text": "half'  # repaired by the second ask
            if seat == "japan" and count == 3:
                raise ConnectionError("the line went dead")
            return {"kind": "statement", "text": f"{seat} speaks, call {count}.", "request_floor": count % 2 == 0}

        return reply

    def chair_reply(messages, tool):
        asked["chair"] += 1
        return {"speaker": "nobody"} if asked["chair"] % 3 == 0 else {"speaker": "usa"}

    handles = {
        seat: ModelHandle(FunctionChatModel(reply=seat_reply(seat), model_name=f"fn-{seat}"), "fn") for seat in SEATS
    }
    handles["chair"] = ModelHandle(FunctionChatModel(reply=chair_reply), "fn-chair")
    return handles


async def test_repairs_fallbacks_failures_and_floor_choices_replay_the_same(tmp_path):
    with ModelPool() as pool:
        options = RunSettings(model="scripted", seed=1, max_turns=24, out=tmp_path / "original")
        original = await run_prepared(prepare(options, pool, models=troublesome_models()))
    kinds = {call.kind for call in original.recording}
    errors = [e.text for e in original.events if e.type == "error"]
    assert kinds == {"Move", "Ballot", "FloorChoice", "Plan"}
    assert any("ConnectionError" in text for text in errors) and any("did not parse" in text for text in errors)
    assert any(e.type == "message" and e.repaired for e in original.events)
    replayed, divergences = await replay_transcript(original, tmp_path / "replay")
    assert divergences == []
    assert first_difference(normalised(original), normalised(replayed)) is None


async def test_a_tampered_recording_replays_into_a_different_transcript(tmp_path):
    original = await run_session(RunSettings(model="scripted", seed=3, max_turns=6))
    data = json.loads(original.model_dump_json())
    call = next(c for c in data["recording"] if c["kind"] == "Move" and c["turn"] == 4)
    call["arguments"] = json.dumps({"kind": "statement", "text": "Something nobody said."})
    replayed, _ = await replay_transcript(Transcript.model_validate(data))
    difference = first_difference(normalised(original), normalised(replayed))
    assert difference is not None and "Something nobody said." in difference


async def test_volatile_fields_are_all_that_normalising_hides(tmp_path):
    original = await run_session(RunSettings(model="scripted", seed=3, max_turns=4))
    changed = original.model_copy(update={"session_id": "x", "started": "then", "finished": "later"}, deep=True)
    for event in changed.events:
        event.time = "never"
    assert normalised(changed) == normalised(original)
    changed.events[3].turn += 1
    assert normalised(changed) != normalised(original)


def test_parley_replay_says_the_replay_is_identical(tmp_path):
    runner = CliRunner()
    made = runner.invoke(app, ["run", "--model", "scripted", "--max-turns", "5", "--quiet", "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    path = next(tmp_path.glob("*.json"))
    result = runner.invoke(app, ["replay", str(path), "--out", str(tmp_path / "replays")])
    assert result.exit_code == 0, result.output
    assert "Identical to the original" in result.output
    assert len(list((tmp_path / "replays").glob("*.json"))) == 1


def test_a_transcript_without_a_recording_cannot_be_replayed(tmp_path):
    runner = CliRunner()
    runner.invoke(app, ["run", "--model", "scripted", "--max-turns", "2", "--quiet", "--out", str(tmp_path)])
    path = next(tmp_path.glob("*.json"))
    data = json.loads(path.read_text())
    data["recording"] = []
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["replay", str(path), "--out", str(tmp_path / "replays")])
    assert result.exit_code == 2 and "no recording" in result.output
