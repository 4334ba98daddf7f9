"""``parley batch``: fifty sessions at once, an aggregate, and a batch that resumes after a kill."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.batch import BatchOptions, run_batch, wilson_interval
from agents.batch.manifest import MANIFEST_FILE, BatchMismatch
from agents.cli import app
from agents.llm.factory import ModelPool
from agents.sessions.settings import RunSettings
from tests.helpers import ROOT

runner = CliRunner()


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_FILE).read_text())


def test_fifty_scripted_sessions_finish_with_an_aggregate(tmp_path):
    args = ["batch", "--scenario", "six-party-2003", "-n", "50", "--concurrency", "8", "--model", "scripted"]
    result = runner.invoke(app, [*args, "--max-turns", "3", "--seed-base", "100", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "aggregate.csv").open()))
    assert len(rows) == 50 and [int(r["seed"]) for r in rows] == list(range(100, 150))
    assert {r["status"] for r in rows} == {"complete"} and all(int(r["turns"]) == 3 for r in rows)
    assert len({r["session_id"] for r in rows}) == 50
    for row in rows[:3]:
        transcript = json.loads((tmp_path / f"{row['session_id']}.json").read_text())
        assert transcript["settings"]["seed"] == int(row["seed"]) and transcript["recording"]
        assert int(row["clauses_total"]) == len(transcript["outcome"]["clauses"])
    assert "Consensus:" in result.output and "95% Wilson interval" in result.output
    assert "sessions" in result.output and "50/50" in result.output  # the progress bar's last state
    assert "russia" in result.output and (tmp_path / "summary.html").read_text().count("<tr>") == 6 + 1 + 50 + 1
    assert {e["status"] for e in manifest(tmp_path)["sessions"].values()} == {"complete"}
    assert not list(tmp_path.glob("*.events.jsonl")) and not (tmp_path / "checkpoints.sqlite").exists()


def test_the_wilson_interval_matches_known_values():
    low, high = wilson_interval(8, 10)
    assert round(low, 3) == 0.490 and round(high, 3) == 0.943
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(50, 50)
    assert high == 1.0 and 0.92 < low < 0.94


def batch_of(n: int, max_turns: int, out: Path) -> BatchOptions:
    return BatchOptions(settings=RunSettings(model="scripted", max_turns=max_turns), n=n, out=out)


async def test_a_rerun_skips_finished_sessions_and_other_settings_are_refused(tmp_path):
    with ModelPool() as pool:
        first = await run_batch(batch_of(4, max_turns=2, out=tmp_path), pool)
        assert first.ran == [0, 1, 2, 3] and first.failed == []
        again = await run_batch(batch_of(6, max_turns=2, out=tmp_path), pool)
        assert again.skipped == [0, 1, 2, 3] and again.ran == [4, 5]
        with pytest.raises(BatchMismatch, match="max_turns"):
            await run_batch(batch_of(6, max_turns=3, out=tmp_path), pool)


# Twenty sessions, two at a time: the kill lands after three are complete, with most still to
# run (the resume runs them in-process, which is where the time goes), as it did with fifty.
KILLED_BATCH = 20


def test_a_killed_batch_resumes_without_redoing_finished_sessions(tmp_path):
    parley = Path(sys.executable).parent / "parley"
    command = [str(parley), "batch", "-n", str(KILLED_BATCH), "--concurrency", "2", "--model", "scripted"]
    command += ["--max-turns", "12", "--out", str(tmp_path)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        finished = wait_for_complete_sessions(tmp_path, at_least=3, process=process)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    before = manifest(tmp_path)["sessions"]
    # Finished means a complete transcript on disk: the kill may land after a transcript was
    # written and before the manifest said so, and such a session is finished too.
    done = {i: e["session_id"] for i, e in before.items() if e["session_id"] and is_complete(tmp_path, e["session_id"])}
    assert len(done) >= finished >= 3 and len(done) < KILLED_BATCH  # killed part-way
    stamps = {i: (tmp_path / f"{sid}.json").stat().st_mtime_ns for i, sid in done.items()}

    result = runner.invoke(app, command[1:])
    assert result.exit_code == 0, result.output
    after = manifest(tmp_path)["sessions"]
    assert {e["status"] for e in after.values()} == {"complete"} and len(after) == KILLED_BATCH
    for index, session_id in done.items():  # not redone: same session, same file
        assert after[index]["session_id"] == session_id
        assert (tmp_path / f"{session_id}.json").stat().st_mtime_ns == stamps[index]
    assert f"Skipped {len(done)} finished session(s); ran {KILLED_BATCH - len(done)}" in result.output
    assert len(list(tmp_path.glob("six-party-2003-*.json"))) == KILLED_BATCH and not list(
        tmp_path.glob("*.events.jsonl")
    )


def is_complete(folder: Path, session_id: str) -> bool:
    path = folder / f"{session_id}.json"
    return path.exists() and json.loads(path.read_text())["status"] == "complete"


def wait_for_complete_sessions(folder: Path, at_least: int, process: subprocess.Popen) -> int:
    """Poll the manifest until ``at_least`` sessions are complete (or the process ends, or 60 s pass)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            count = sum(e["status"] == "complete" for e in manifest(folder)["sessions"].values())
        except (FileNotFoundError, json.JSONDecodeError):
            count = 0
        if count >= at_least:
            return count
        time.sleep(0.02)  # polling the manifest, not waiting out a race
    raise AssertionError(f"the batch did not complete {at_least} sessions while running (exit {process.poll()})")
