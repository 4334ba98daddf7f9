"""Kill a real `parley run` with SIGKILL at several points; `parley resume` finishes it with nothing lost or doubled.

The session uses the scripted model with a pause per call (``scripted:0.02``), so that the
kill lands mid-session. The resumed transcript must equal, event for event (times and
session ids aside), an uninterrupted run of the same seed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from agents.runner import RunOptions, run_session
from agents.transcript import load_transcript
from tests.conftest import ROOT

SEED = 11
VOLATILE = {"time", "session_id"}


def comparable(events) -> list[str]:
    return [json.dumps(e.model_dump(mode="json", exclude=VOLATILE), sort_keys=True) for e in events]


async def reference_events():
    transcript = await run_session(RunOptions(model="scripted", seed=SEED))
    return comparable(transcript.events)


def start_run(out) -> subprocess.Popen:
    command = [sys.executable, "-m", "agents.cli", "run", "--model", "scripted:0.02", "--seed", str(SEED)]
    command += ["--out", str(out), "--quiet"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def journal_lines(out) -> int:
    journals = list(out.glob("*.events.jsonl"))
    return journals[0].read_text().count("\n") if journals else 0


def kill_after(process: subprocess.Popen, out, lines: int, seconds: float = 120) -> None:
    """SIGKILL the run once its journal holds ``lines`` events (polled; the run is paced)."""
    deadline = time.monotonic() + seconds
    while journal_lines(out) < lines:
        assert process.poll() is None, "the run ended before the kill point"
        assert time.monotonic() < deadline, "the run never reached the kill point"
        time.sleep(0.01)  # polling the journal, not waiting out a race
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def kill_point(expected: list[str], where: str) -> int:
    """How many journalled events to wait for: early, a third in, two thirds in, mid-vote."""
    if where == "mid_vote":
        return next(i for i, line in enumerate(expected) if '"vote_cast"' in line) + 2
    return {"early": 3, "third": len(expected) // 3, "two_thirds": 2 * len(expected) // 3}[where]


RESUME = ["resume"]
RUN_RESUME = ["run", "--resume"]  # the same, spelt as an option of `parley run`


@pytest.mark.parametrize(
    ("where", "command"), [("early", RESUME), ("third", RUN_RESUME), ("two_thirds", RESUME), ("mid_vote", RUN_RESUME)]
)
async def test_a_killed_session_resumes_with_every_event_once(tmp_path, where, command):
    expected = await reference_events()
    kill_at = kill_point(expected, where)
    process = start_run(tmp_path)
    kill_after(process, tmp_path, kill_at)
    session_id = next(tmp_path.glob("*.events.jsonl")).name.removesuffix(".events.jsonl")
    assert load_transcript(tmp_path / f"{session_id}.json").status == "running"

    resumed = subprocess.run(
        [sys.executable, "-m", "agents.cli", *command, session_id, "--out", str(tmp_path), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("OPENAI")},
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    transcript = load_transcript(tmp_path / f"{session_id}.json")
    assert transcript.status == "complete"
    assert comparable(transcript.events) == expected
    assert not (tmp_path / f"{session_id}.events.jsonl").exists()


def test_a_torn_last_journal_line_is_ignored(tmp_path):
    from agents.events import Message
    from agents.transcript import journal_line, read_journal

    path = tmp_path / "x.events.jsonl"
    path.write_text(journal_line(Message(phase="opening", text="whole"), "delegate_turn:1") + '{"type": "mess')
    entries = read_journal(path)
    assert [(task, event.text) for task, event in entries] == [("delegate_turn:1", "whole")]


def test_resuming_a_complete_session_is_refused(tmp_path):
    from typer.testing import CliRunner

    from agents.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["run", "--model", "scripted", "--quiet", "--out", str(tmp_path)]).exit_code == 0
    session_id = next(tmp_path.glob("*.json")).stem
    for command in (RESUME, RUN_RESUME):
        result = runner.invoke(app, [*command, session_id, "--out", str(tmp_path)])
        assert result.exit_code == 2 and "nothing to resume" in result.output
