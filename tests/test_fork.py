"""A fork keeps its parent's first turns, records its parent, and plays on under the change."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from agents.cli import app
from agents.core.events import CHAIR
from agents.llm.factory import ModelPool
from agents.sessions.fork import ForkOptions, events_through_turn, fork_transcript, same_through_turn
from agents.sessions.replay import first_difference, normalised
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import ParentRef, load_transcript
from tests.helpers import ROOT


def russia_with_other_priorities(folder):
    """The Russia persona, same names, other priorities: the scripted model then says other things."""
    data = yaml.safe_load((ROOT / "personas" / "russia.yaml").read_text(encoding="utf-8"))
    for claim in data["priorities"].values():
        claim["text"] = "Above all, a regional meeting at Vladivostok: " + claim["text"]
    path = folder / "russia.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def delegate_messages(transcript, after: int = 0):
    return [e for e in transcript.events if e.type == "message" and e.speaker != CHAIR and e.turn > after]


async def test_a_fork_at_turn_10_keeps_the_first_10_turns_and_records_its_parent(tmp_path):
    parent = await run_session(RunSettings(model="scripted", seed=3, out=tmp_path / "parent"))
    persona = russia_with_other_priorities(tmp_path)
    with ModelPool() as pool:
        options = ForkOptions(at=10, persona_for={"russia": persona}, out=tmp_path / "fork")
        fork = await fork_transcript(parent, options, pool)
    saved = load_transcript(tmp_path / "fork" / f"{fork.session_id}.json")
    assert saved.parent == ParentRef(session_id=parent.session_id, turn=10)
    markdown = (tmp_path / "fork" / f"{fork.session_id}.md").read_text()
    assert f"Forked from session `{parent.session_id}` after turn 10." in markdown
    shared = events_through_turn(saved.events, 10)
    assert [e.turn for e in shared if e.type == "message" and e.speaker != CHAIR] == list(range(1, 11))
    assert same_through_turn(parent, saved, 10)
    later = [(e.speaker, e.text) for e in delegate_messages(saved, 10) if e.speaker == "russia"]
    before = [(e.speaker, e.text) for e in delegate_messages(parent, 10) if e.speaker == "russia"]
    assert later and later != before  # Russia speaks differently after the fork
    assert "Vladivostok" in next(c for c in saved.recording if c.seat == "russia" and c.turn > 10).request[0].content


async def test_a_fork_that_changes_nothing_plays_the_parent_again(tmp_path):
    parent = await run_session(RunSettings(model="scripted", seed=5))
    with ModelPool() as pool:
        fork = await fork_transcript(parent, ForkOptions(at=7), pool)
    assert fork.parent.turn == 7
    assert first_difference(normalised(parent), normalised(fork.model_copy(update={"parent": None}))) is None


async def test_the_shared_prefix_ends_with_the_turn_and_compares_strictly(tmp_path):
    parent = await run_session(RunSettings(model="scripted", seed=3, max_turns=12))
    prefix = events_through_turn(parent.events, 4)
    assert prefix[-1].turn == 4 and prefix[-1].type in ("message", "draft_updated", "floor_requested")
    assert parent.events[len(prefix)].speaker == CHAIR or parent.events[len(prefix)].type == "floor_given"
    assert events_through_turn(parent.events, 0)[-1].type != "floor_given"
    other = parent.model_copy(deep=True)
    next(e for e in other.events if e.type == "message" and e.turn == 3).text = "Changed."
    assert same_through_turn(parent, other, 2) and not same_through_turn(parent, other, 3)


async def test_a_fork_at_turn_0_makes_its_own_opening_plans(tmp_path):
    parent = await run_session(RunSettings(model="scripted", seed=3, max_turns=4))
    data = yaml.safe_load((ROOT / "personas" / "russia.yaml").read_text(encoding="utf-8"))
    for claim in data["opening_position"]:
        claim["text"] = "A standing forum at Vladivostok comes first. " + claim["text"]
    persona = tmp_path / "russia.yaml"
    persona.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with ModelPool() as pool:
        fork = await fork_transcript(parent, ForkOptions(at=0, persona_for={"russia": persona}), pool)

    def russia_opening_plan(transcript):
        return next(e.plan for e in transcript.events if e.type == "plan" and e.speaker == "russia")

    assert "Vladivostok" in " ".join(russia_opening_plan(fork).goals)  # planned live, from the new brief
    assert "Vladivostok" not in " ".join(russia_opening_plan(parent).goals)
    assert [e.type for e in events_through_turn(fork.events, 0)] == ["session_started"]
    assert same_through_turn(parent, fork, 0)


def test_parley_fork_writes_a_transcript_with_its_parent(tmp_path):
    runner = CliRunner()
    made = runner.invoke(app, ["run", "--model", "scripted", "--seed", "2", "--quiet", "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    path = next(tmp_path.glob("*.json"))
    persona = russia_with_other_priorities(tmp_path)
    args = ["fork", str(path), "--at", "10", "--persona-for", f"russia={persona}", "--model-for", "dprk=scripted"]
    result = runner.invoke(app, [*args, "--quiet", "--out", str(tmp_path / "forks")])
    assert result.exit_code == 0, result.output
    assert "at turn 10" in result.output and "differ" not in result.output
    fork = json.loads(next((tmp_path / "forks").glob("*.json")).read_text())
    assert fork["parent"] == {"session_id": path.stem, "turn": 10}
    assert fork["settings"]["persona_for"] == {"russia": str(persona)}  # typed settings, not "seat=path" text
    assert fork["settings"]["model_for"] == {"dprk": "scripted"}


def test_parley_fork_refuses_a_turn_the_session_never_reached(tmp_path):
    runner = CliRunner()
    runner.invoke(app, ["run", "--model", "scripted", "--max-turns", "4", "--quiet", "--out", str(tmp_path)])
    path = next(tmp_path.glob("*.json"))
    result = runner.invoke(app, ["fork", str(path), "--at", "9", "--out", str(tmp_path / "forks")])
    assert result.exit_code == 2 and "turns 0 to 4" in result.output
    wrong = runner.invoke(
        app, ["fork", str(path), "--at", "2", "--persona-for", f"dprk={ROOT / 'personas' / 'usa.yaml'}"]
    )
    assert wrong.exit_code == 2 and "not the seat 'dprk'" in wrong.output
