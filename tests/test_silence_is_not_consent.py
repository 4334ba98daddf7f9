"""Silence is not consent: when the ballots fail, the consensus call agrees nothing, end to end.

A real HTTP server that answers every model call with HTTP 500 stands in for a dead model
server. The installed ``parley`` script runs a session against it, ``parley review --json``
reads the transcript, and a batch's aggregate leaves such sessions out of the consensus rate
and counts them as undecided.

Exit code: a session that completes is exit 0 whatever its outcome, undecided clauses
included; only a failure to run (bad arguments, a broken setup) is not.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agents.batch import BatchOptions, run_batch
from agents.batch.aggregate import load_sessions, summarise
from agents.batch.manifest import load_manifest
from agents.batch.report import summary_html, summary_lines
from agents.llm.factory import ModelPool
from agents.sessions.settings import RunSettings
from tests.fault_server import FaultServer
from tests.helpers import ROOT

PARLEY = Path(sys.executable).parent / "parley"
SIX = ["usa", "dprk", "prc", "rok", "japan", "russia"]


def parley(*args: str, base_url: str) -> subprocess.CompletedProcess:
    """The installed script, as a user runs it; PYTHONPATH is kept, real OpenAI settings are not."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    env.update(OPENAI_BASE_URL=base_url, COLUMNS="200")
    return subprocess.run([str(PARLEY), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def dead_server():
    with FaultServer(default="500") as server:
        yield server


@pytest.fixture(scope="module")
def failed_run(dead_server, tmp_path_factory):
    """``parley run`` with every model call failing: turns yield, every ballot fails."""
    out = tmp_path_factory.mktemp("failed-run")
    args = ["run", "--scenario", "six-party-2003", "--model", "openai:x", "--max-turns", "2"]
    result = parley(*args, "--max-retries", "0", "--timeout", "2", "--out", str(out), base_url=dead_server.base_url)
    transcripts = list(out.glob("six-party-2003-*.json"))
    assert len(transcripts) == 1, result.stdout + result.stderr
    return result, transcripts[0]


def test_a_run_whose_ballots_all_fail_says_no_consensus_and_exits_0(failed_run):
    result, _ = failed_run
    assert result.returncode == 0, result.stderr  # the session completed; its outcome is not an error
    out = result.stdout
    assert "Consensus reached" not in out and not re.search(r"(?<!NO )CONSENSUS", out)
    assert re.search(r"NO CONSENSUS \(no-objection\): 4 of 4 clauses undecided, no answer from", out)
    assert re.search(r"complete, no consensus: 4 of 4 clauses undecided, no answer from United States", out)
    assert "ballot: OpenAIAPIError: Error code: 500" in out
    assert "recorded as no answer" in out


def test_the_printed_outcome_marks_every_clause_undecided_with_six_no_answers(failed_run):
    result, _ = failed_run
    rows = [line for line in result.stdout.splitlines() if re.match(r"^\W*[1-4]\W+(agreed|rejected|undecided)\W", line)]
    assert len(rows) == 4 and all("undecided" in row and "0 0 0 6" in row for row in rows)
    assert not any("agreed" in row for row in rows)
    votes = [line for line in result.stdout.splitlines() if " votes 1:" in line]
    assert len(votes) == 6 and all(line.rstrip().endswith("1:? 2:? 3:? 4:?") for line in votes)


def test_the_transcript_records_no_answer_and_the_chair_says_so(failed_run):
    _, path = failed_run
    raw = json.loads(path.read_text())
    outcome = raw["outcome"]
    assert outcome["consensus"] is False
    for clause in outcome["clauses"]:
        assert clause["status"] == "undecided" and clause["agreed"] is False
        assert sorted(clause["no_answer"]) == sorted(SIX) and not clause["accept"] and not clause["abstain"]
    assert {v["vote"] for votes in outcome["votes"].values() for v in votes} == {"no_answer"}
    assert "remain undecided" in outcome["summary"] and "silence for consent" in outcome["summary"]
    assert "undecided" in path.with_suffix(".md").read_text()


def test_review_json_shows_no_answer_and_undecided(failed_run, dead_server):
    _, path = failed_run
    result = parley("review", str(path), "--json", "--judge", "none", base_url=dead_server.base_url)
    assert result.returncode == 0, result.stderr
    review = json.loads(result.stdout)
    clauses = review["outcome"]["clauses"]
    assert len(clauses) == 4 and {c["status"] for c in clauses} == {"undecided"}
    assert all(sorted(c["no_answer"]) == sorted(SIX) and not c["accept"] for c in clauses)
    assert review["outcome"]["consensus"] is False
    assert {v["vote"] for v in review["votes"]} == {"no_answer"}


def test_review_tables_count_undecided_clauses_and_mark_no_answer(failed_run, dead_server):
    _, path = failed_run
    result = parley("review", str(path), "--judge", "none", base_url=dead_server.base_url)
    assert result.returncode == 0, result.stderr
    assert "0 agreed, 0 rejected, 4 undecided" in result.stdout
    assert "? no answer" in result.stdout


async def test_a_batch_leaves_sessions_with_failed_ballots_out_of_the_consensus_rate(dead_server, tmp_path):
    """A healthy batch, and a batch (run by the installed script) with one seat's model server dead."""
    healthy, broken = tmp_path / "healthy", tmp_path / "broken"
    with ModelPool() as pool:
        first = await run_batch(
            BatchOptions(settings=RunSettings(scenario="bilateral", model="scripted", max_turns=2), n=3, out=healthy),
            pool,
        )
    args = ["batch", "--scenario", "bilateral", "-n", "2", "--model", "scripted", "--model-for", "dprk=openai:x"]
    result = parley(*args, "--max-turns", "2", "--out", str(broken), base_url=dead_server.base_url)
    assert result.returncode == 0, result.stderr
    assert "2 undecided (some delegation gave no answer)" in result.stdout
    assert "Consensus: 0/0 = 0.0%" in result.stdout
    assert "over the 0 sessions where every delegation answered every clause" in result.stdout
    rows = list(csv.DictReader((broken / "aggregate.csv").open()))
    assert [r["answered"] for r in rows] == ["False", "False"] and all(r["consensus"] == "False" for r in rows)
    assert all(r["clauses_undecided"] == r["clauses_total"] != "0" for r in rows)

    good = load_sessions(healthy, first.manifest)
    bad = load_sessions(broken, load_manifest(broken))
    summary = summarise(good + bad)
    agreed = sum(row.consensus for row, _ in good)
    assert all(row.answered for row, _ in good)
    assert (summary.sessions, summary.answered, summary.undecided, summary.consensus) == (5, 3, 2, agreed)
    assert summary.consensus_rate == agreed / 3  # over the sessions where everyone answered, not over 5
    assert summary.votes["dprk"]["no_answer"] == sum(row.clauses_total for row, _ in bad)
    lines = summary_lines(summary)
    assert "2 undecided" in lines[0] and f"Consensus: {agreed}/3 = " in lines[1] and "over the 3 sessions" in lines[2]
    page = summary_html("batch", summary, [row for row, _ in good + bad])
    assert "<th>undecided</th>" in page and "<th>no answer</th>" in page and "<td>undecided</td>" in page
