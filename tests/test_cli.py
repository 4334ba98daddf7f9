"""The ``parley`` command, run in-process through Typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from agents.cli import app
from tests.conftest import ROOT

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
    monkeypatch.setattr("agents.cli.commands.default_spec", lambda: ("scripted", "because the test says so"))
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
