"""``parley review`` and ``parley compare`` in-process, bad transcripts and price tables included."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.cli import app
from agents.core.loading import ConfigError
from agents.core.usage import Usage
from agents.review.prices import PriceTable, load_prices
from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings

runner = CliRunner()


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> list[Path]:
    """Two scripted six-party sessions with different seeds (so they differ)."""
    out = tmp_path_factory.mktemp("review-cli")
    paths = []
    for seed in (0, 1):
        transcript = asyncio.run(run_session(RunSettings(model="scripted", seed=seed, out=out)))
        paths.append(out / f"{transcript.session_id}.json")
    return paths


def test_review_prints_the_summary_and_writes_an_html_report(sessions, tmp_path):
    report = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["review", str(sessions[0]), "--html", str(report)])
    assert result.exit_code == 0, result.output
    for heading in ("Outcome by clause", "Timeline", "Speaking share", "Gini of turns", "Votes", "Scores (judge"):
        assert heading in result.output
    assert f"Report: {report}" in " ".join(result.output.split())
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_review_json_is_the_computed_review_and_stdout_holds_only_json(sessions, tmp_path):
    report = tmp_path / "r.html"
    result = runner.invoke(app, ["review", str(sessions[0]), "--json", "--judge", "none", "--html", str(report)])
    assert result.exit_code == 0, result.stderr
    review = json.loads(result.stdout)
    raw = json.loads(sessions[0].read_text())
    assert review["session_id"] == raw["session_id"] and review["scores"] is None
    assert sum(row["turns"] for row in review["speaking"]["rows"]) == sum(
        e["type"] == "message" and e["speaker"] != "chair" for e in raw["events"]
    )
    assert "Report:" in result.stderr and report.exists()


def test_a_truncated_transcript_is_refused_with_the_file_and_the_problem_named(sessions, tmp_path):
    text = sessions[0].read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    result = runner.invoke(app, ["review", str(cut)])
    assert result.exit_code == 2
    assert "cut.json" in result.output and "invalid JSON at line" in result.output


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("session_id"), "session_id: Field required"),
        (lambda d: d["events"][3].update(type="shout"), "events[3]"),
        (lambda d: d["outcome"].update(consensus="perhaps"), "outcome.consensus"),
        (lambda d: d.update(schema_version=0), "schema_version: found 0, this Parley reads versions 1 and 2"),
        (lambda d: d.pop("schema_version"), "schema_version: found None, this Parley reads versions 1 and 2"),
    ],
)
def test_a_malformed_or_older_transcript_is_refused_naming_what_is_wrong(sessions, tmp_path, change, words):
    data = json.loads(sessions[0].read_text())
    change(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = runner.invoke(app, ["review", str(bad)])
    assert result.exit_code == 2
    assert words in " ".join(result.output.split())


def test_a_missing_transcript_and_an_unknown_judge_are_user_errors(sessions, tmp_path):
    missing = runner.invoke(app, ["review", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "file not found" in missing.output
    judge = runner.invoke(app, ["review", str(sessions[0]), "--judge", "gpt5"])
    assert judge.exit_code == 2 and "unknown model spec 'gpt5'" in judge.output


def test_a_price_file_sets_the_cost(sessions, tmp_path):
    prices = tmp_path / "prices.yaml"
    prices.write_text("scripted: {input: 1000000, output: 0}\n")  # a dollar per input token
    result = runner.invoke(app, ["review", str(sessions[0]), "--json", "--judge", "none", "--prices", str(prices)])
    assert result.exit_code == 0, result.output
    costs = json.loads(result.stdout)["costs"]
    assert costs["total_cost"] == pytest.approx(costs["total"]["input_tokens"]) and costs["total_cost"] > 0


def test_a_bad_price_file_names_the_field(sessions, tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"openai:gpt-4o": {"input": 1.0, "outptu": 2.0}}))
    result = runner.invoke(app, ["review", str(sessions[0]), "--prices", str(prices)])
    assert result.exit_code == 2
    flowing = " ".join(result.output.split())
    assert "openai:gpt-4o.outptu" in flowing and "openai:gpt-4o.output: Field required" in flowing


def test_prices_match_the_longest_prefix_and_leave_unknown_models_unpriced(tmp_path):
    table = PriceTable()
    assert table.match("openai:gpt-4o-mini")[0] == "openai:gpt-4o-mini"
    assert table.match("openai:gpt-4o-2024-08-06")[0] == "openai:gpt-4o"
    assert table.match("local:SmolLM2-135M-Instruct")[0] == "local"
    assert table.match("openai:my-own-model") is None
    million = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert table.cost("openai:gpt-4o-mini", million) == pytest.approx(0.75)
    assert table.cost("scripted (deterministic)", million) == 0
    assert table.cost("openai:my-own-model", million) is None
    own = tmp_path / "p.json"
    own.write_text(json.dumps({"openai:my-own-model": {"input": 1, "output": 3}}))
    assert load_prices(own).cost("openai:my-own-model", million) == pytest.approx(4)
    own.write_text("[1, 2]")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_prices(own)


def test_compare_shows_both_sessions_and_marks_differences(sessions, tmp_path):
    report = tmp_path / "compare.html"
    result = runner.invoke(app, ["compare", str(sessions[0]), str(sessions[1]), "--html", str(report)])
    assert result.exit_code == 0, result.output
    for heading in ("Outcome", "Votes", "Speaking share", "Scores", "Clause texts"):
        assert heading in result.output
    assert "≠" in result.output and "differences" in result.output
    assert '<tr class="differs">' in report.read_text(encoding="utf-8")


def test_compare_json_counts_no_difference_between_a_session_and_itself(sessions):
    result = runner.invoke(app, ["compare", str(sessions[0]), str(sessions[0]), "--json", "--judge", "none"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)
    assert not any(row["differs"] for section in comparison["sections"] for row in section["rows"])
    assert not any(pair["differs"] for pair in comparison["clauses"])
