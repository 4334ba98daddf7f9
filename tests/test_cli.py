"""The ``parley`` command, run in-process through Typer's CliRunner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.cli import app
from tests.helpers import ROOT
from tests.script import one_line, parley

runner = CliRunner()


def test_run_with_the_scripted_model_writes_json_and_markdown(tmp_path):
    result = runner.invoke(app, ["run", "--model", "scripted", "--seed", "4", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.suffix for p in tmp_path.iterdir() if p.suffix in (".json", ".md"))
    assert written == [".json", ".md"]
    transcript = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert transcript["status"] == "complete"
    for heading in ("Opening statements", "Consensus call", "Closing statements", "Draft joint statement"):
        assert heading in result.output
    flowing = " ".join(result.output.split())
    assert "Chair - China: I declare open the Six-Party Talks" in flowing
    assert "Russia: Russia thanks the chair." in flowing


def test_no_model_given_says_which_it_chose_and_why(tmp_path, monkeypatch):
    from agents.llm import factory

    assert factory.default_spec({})[0] == "local"
    assert factory.default_spec({"OPENAI_API_KEY": "sk-test"})[0] == "openai:gpt-4o-mini"
    monkeypatch.setattr("agents.cli.common.default_spec", lambda: ("scripted", "because the test says so"))
    result = runner.invoke(app, ["run", "--out", str(tmp_path), "--quiet", "--max-turns", "2"])
    assert result.exit_code == 0, result.output
    assert "Model: scripted (because the test says so)" in result.output


def test_model_for_overrides_one_seat_and_rejects_unknown_seats(tmp_path):
    ok = runner.invoke(
        app, ["run", "--model", "scripted", "--model-for", "dprk=scripted", "--quiet", "--out", str(tmp_path)]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["run", "--model", "scripted", "--model-for", "france=scripted", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "france" in bad.output
    nonsense = runner.invoke(app, ["run", "--model", "gpt5", "--out", str(tmp_path)])
    assert nonsense.exit_code == 2 and "unknown model spec 'gpt5'" in nonsense.output


def test_openai_spec_without_a_key_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "--model", "openai:gpt-4o-mini", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.output


def test_scenarios_and_personas_are_listed():
    scenarios = runner.invoke(app, ["scenarios"])
    assert scenarios.exit_code == 0
    for name in ("six-party-2003", "four-party", "vladivostok", "bilateral"):
        assert name in scenarios.output
    personas = runner.invoke(app, ["personas"])
    assert personas.exit_code == 0 and "Losyukov" in personas.output


def test_validate_accepts_shipped_files_and_names_the_bad_field(tmp_path):
    good = runner.invoke(
        app, ["validate", str(ROOT / "personas" / "russia.yaml"), str(ROOT / "scenarios" / "bilateral.yaml")]
    )
    assert good.exit_code == 0 and good.output.count("ok") == 2
    bad = tmp_path / "usa.yaml"
    bad.write_text((ROOT / "personas" / "usa.yaml").read_text().replace("red_lines:", "red_line:"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert str(bad) in result.output and "red_line: Extra inputs are not permitted" in result.output


def test_validate_checks_a_transcript(tmp_path):
    runner.invoke(app, ["run", "--model", "scripted", "--quiet", "--max-turns", "3", "--out", str(tmp_path)])
    transcript = next(tmp_path.glob("*.json"))
    assert runner.invoke(app, ["validate", str(transcript)]).exit_code == 0
    data = json.loads(transcript.read_text())
    data["events"][1]["type"] = "speech"
    transcript.write_text(json.dumps(data))
    result = runner.invoke(app, ["validate", str(transcript)])
    assert result.exit_code == 1 and "events[1]" in result.output


# The installed script, as the shell sees it: a named message and exit code 2, never a traceback.


@pytest.fixture(scope="module")
def finished_session(tmp_path_factory) -> Path:
    """A short scripted session's transcript (with its recording, so it can be forked)."""
    out = tmp_path_factory.mktemp("session")
    result = parley("run", "--model", "scripted", "--seed", "1", "--max-turns", "2", "--quiet", "--out", out)
    assert result.returncode == 0, result.stderr
    return next(out.glob("*.json"))


def files_outside(root: Path, out: Path) -> set[Path]:
    return {path for path in root.rglob("*") if not path.is_relative_to(out)}


def test_resume_of_a_planted_transcript_writes_nothing_outside_out(tmp_path):
    out = tmp_path / "x" / "y" / "out"  # out/../../../escaped is tmp_path/escaped
    assert parley("run", "--model", "scripted", "--max-turns", "2", "--quiet", "--out", out).returncode == 0
    header = next(out.glob("*.json"))
    planted = {**json.loads(header.read_text()), "session_id": "../../../escaped/pwn", "status": "running"}
    header.write_text(json.dumps(planted))
    before = files_outside(tmp_path, out)
    result = parley("resume", header.stem, "--out", out, "--quiet")
    assert result.returncode == 2 and "session_id: " in result.stderr
    assert files_outside(tmp_path, out) == before and not (tmp_path / "escaped").exists()


def test_resume_refuses_a_session_id_that_is_a_path_and_shows_the_rule(tmp_path):
    result = parley("resume", "../../escaped", "--out", tmp_path)
    assert result.returncode == 2
    assert "session id: '../../escaped' is not a valid id" in one_line(result.stderr)
    assert "(pattern ^[a-z0-9][a-z0-9-]*$)" in one_line(result.stderr)  # not eaten as Rich markup


@pytest.mark.parametrize("command", [["run", "--model", "scripted"], ["batch", "--model", "scripted", "-n", "1"]])
def test_out_that_is_a_file_is_refused(tmp_path, command):
    out = tmp_path / "notes.txt"
    out.write_text("mine", encoding="utf-8")
    result = parley(*command, "--out", out)
    assert result.returncode == 2 and f"--out {out}: is a file, not a folder" in one_line(result.stderr)
    assert out.read_text(encoding="utf-8") == "mine"


def unwritable_out(tmp_path: Path) -> Path:
    """A folder this process cannot create: under a read-only folder, or (root writes anywhere) in sysfs."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked / "out"
    if not Path("/sys/kernel").is_dir():
        pytest.skip("root without sysfs: no folder here that root cannot write")
    return Path("/sys/parley-test-out")


@pytest.mark.parametrize("command", [["run", "--model", "scripted"], ["batch", "--model", "scripted", "-n", "1"]])
def test_out_that_cannot_be_written_is_refused(tmp_path, command):
    out = unwritable_out(tmp_path)
    result = parley(*command, "--out", out)
    assert result.returncode == 2 and f"--out {out}: cannot create the folder" in one_line(result.stderr)


def test_a_device_is_refused_as_scenario_transcript_and_persona(tmp_path, finished_session):
    commands = [
        ["run", "--model", "scripted", "--scenario", "/dev/zero", "--out", tmp_path],
        ["review", "/dev/zero", "--judge", "none"],
        ["fork", finished_session, "--at", "1", "--persona-for", "russia=/dev/zero", "--out", tmp_path],
    ]
    for command in commands:
        result = parley(*command, timeout=60)
        assert result.returncode == 2 and "/dev/zero: invalid" in result.stderr, command
        assert "not a regular file" in result.stderr


def test_html_report_into_a_folder_is_refused_before_reviewing(tmp_path, finished_session):
    result = parley("review", finished_session, "--judge", "none", "--html", tmp_path)
    assert result.returncode == 2 and f"--html {tmp_path}: is a folder" in one_line(result.stderr)
    assert "Outcome" not in result.stdout


def test_a_scenario_nested_5000_deep_is_refused(tmp_path):
    scenario = tmp_path / "deep.yaml"
    scenario.write_text("id: deep\nagenda: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = parley("run", "--model", "scripted", "--scenario", scenario, "--out", tmp_path / "out")
    assert result.returncode == 2 and "nested more than 100 levels" in result.stderr


def test_validate_refuses_a_phase_given_twice(tmp_path):
    text = (ROOT / "scenarios" / "bilateral.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "bilateral.yaml"
    scenario.write_text(
        text.replace("  - kind: drafting\n", "  - kind: drafting\n  - kind: opening\n"), encoding="utf-8"
    )
    result = parley("validate", scenario)
    assert result.returncode == 1 and "phases[3].kind: 'opening' is already phases[0]" in one_line(result.stderr)
