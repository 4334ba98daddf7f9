"""Stop a real `parley run` at any moment (SIGKILL, SIGINT, a full disk): `parley resume` finishes it.

The sessions use the scripted model with a pause per call (``scripted:0.02``), so that the
signal lands mid-session. The resumed transcript must equal, event for event (times and
session ids aside, and the ballots of one consensus call or the plans made before one phase
in any order: they are made at once), an uninterrupted run of the same seed: nothing lost,
nothing doubled. A resume that would lose or double an event is refused with exit 2 naming
the file and line, and changes no file.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agents.core.events import SessionStarted
from agents.llm.factory import ModelPool
from agents.sessions.journal import journal_line
from agents.sessions.run import prepare, run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from tests.helpers import ROOT

SEED = 11
VOLATILE = {"time", "session_id"}
PARLEY = Path(sys.executable).parent / "parley"


def comparable(events) -> list[str]:
    """Events as JSON without times and ids; the ballots of one call, and the plans made before one
    phase, sorted (they are made at once)."""
    lines = [(e.type, json.dumps(e.model_dump(mode="json", exclude=VOLATILE), sort_keys=True)) for e in events]
    runs = itertools.groupby(lines, key=lambda line: line[0])
    concurrent = ("vote_cast", "plan")
    return [text for kind, run in runs for text in (sorted if kind in concurrent else list)(t for _, t in run)]


@functools.cache
def reference_events(seed: int = SEED) -> tuple[str, ...]:
    """The events of an uninterrupted run of ``seed``."""
    return tuple(comparable(asyncio.run(run_session(RunSettings(model="scripted", seed=seed))).events))


def parley_env() -> dict[str, str]:
    """The installed ``parley`` script's environment: this checkout's code, no API key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def parley(*args: str, **options) -> subprocess.CompletedProcess:
    command = [str(PARLEY), *args]
    return subprocess.run(command, capture_output=True, text=True, env=parley_env(), timeout=300, **options)


def start_run(out: Path, pace: str = "0.02") -> subprocess.Popen:
    command = [str(PARLEY), "run", "--model", f"scripted:{pace}", "--seed", str(SEED), "--out", str(out), "--quiet"]
    # A test runner may itself run with SIGINT ignored (a background job), which children inherit;
    # a person at a terminal has the default, so the run gets it back.
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=parley_env(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def journal_lines(out: Path) -> int:
    journals = list(out.glob("*.events.jsonl"))
    return journals[0].read_bytes().count(b"\n") if journals else 0


def signal_after(process: subprocess.Popen, out: Path, lines: int, signum: int, seconds: float = 120) -> str:
    """Send ``signum`` once the run's journal holds ``lines`` events (polled; the run is paced); its stderr."""
    deadline = time.monotonic() + seconds
    while journal_lines(out) < lines:
        assert process.poll() is None, "the run ended before the signal point"
        assert time.monotonic() < deadline, "the run never reached the signal point"
        time.sleep(0.01)  # polling the journal, not waiting out a race
    process.send_signal(signum)
    return process.communicate(timeout=120)[1]


def kill_point(expected: tuple[str, ...], where: str) -> int:
    """How many journalled events to wait for: early, a third in, two thirds in, mid-vote."""
    if where == "mid_vote":
        return next(i for i, line in enumerate(expected) if '"vote_cast"' in line) + 2
    return {"early": 2, "third": len(expected) // 3, "two_thirds": 2 * len(expected) // 3}[where]


def files_on_disk(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and modification time, to show that nothing changed."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.iterdir())}


def session_in(out: Path) -> str:
    return next(out.glob("*.events.jsonl")).name.removesuffix(".events.jsonl")


def assert_resumed_completely(out: Path, session_id: str, command: list[str] = ["resume"]) -> None:  # noqa: B006
    """`parley resume` finishes the session as an uninterrupted run would; resuming again changes nothing."""
    resumed = parley(*command, session_id, "--out", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    transcript = load_transcript(out / f"{session_id}.json")
    assert transcript.status == "complete" and transcript.outcome is not None
    assert comparable(transcript.events) == list(reference_events())
    assert not (out / f"{session_id}.events.jsonl").exists()
    before = files_on_disk(out)
    again = parley("resume", session_id, "--out", str(out))
    assert again.returncode == 2 and "complete; nothing to resume" in again.stderr
    assert files_on_disk(out) == before


RESUME = ["resume"]


@pytest.mark.parametrize(
    ("where", "command"), [("early", RESUME), ("third", RESUME), ("two_thirds", RESUME), ("mid_vote", RESUME)]
)
def test_a_killed_session_resumes_with_every_event_once(tmp_path, where, command):
    process = start_run(tmp_path)
    signal_after(process, tmp_path, kill_point(reference_events(), where), signal.SIGKILL)
    session_id = session_in(tmp_path)
    assert load_transcript(tmp_path / f"{session_id}.json").status == "running"
    assert_resumed_completely(tmp_path, session_id, command)


@pytest.mark.parametrize("where", ["early", "two_thirds"])
def test_an_interrupted_session_resumes_to_the_transcript_of_an_uninterrupted_run(tmp_path, where):
    process = start_run(tmp_path, pace="0.05")
    stderr = signal_after(process, tmp_path, kill_point(reference_events(), where), signal.SIGINT)
    assert process.returncode == 130, stderr
    session_id = session_in(tmp_path)
    assert f"parley resume {session_id} --out {tmp_path}" in " ".join(stderr.split())
    saved = load_transcript(tmp_path / f"{session_id}.json")
    assert saved.status == "interrupted" and len(saved.events) == journal_lines(tmp_path) > 0
    assert_resumed_completely(tmp_path, session_id)


async def killed_after_the_last_event(out: Path) -> str:
    """What a kill between journalling session_ended and writing the transcript leaves (that
    moment lasts milliseconds: a signal cannot be aimed at it): the running header, the
    whole journal and the last checkpoint. The session's id."""
    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", seed=SEED, out=out), pool)
        async for _ in prepared.session.run(record=prepared.writer.add):
            pass
        prepared.writer.close()  # and no finish(): the process is gone
    return prepared.writer.transcript.session_id


@pytest.fixture(scope="module")
def killed_at_the_end(tmp_path_factory) -> tuple[Path, str]:
    """One session killed after its last event (built once: tests take a copy)."""
    folder = tmp_path_factory.mktemp("killed")
    return folder, asyncio.run(killed_after_the_last_event(folder))


@pytest.fixture
def killed(killed_at_the_end, tmp_path) -> str:
    """A copy of that session's files in ``tmp_path``; its session id."""
    folder, session_id = killed_at_the_end
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    return session_id


def test_a_session_killed_after_its_last_event_resumes_as_complete(tmp_path, killed):
    session_id = killed
    assert load_transcript(tmp_path / f"{session_id}.json").status == "running"
    assert '"type": "session_ended"' in (tmp_path / f"{session_id}.events.jsonl").read_text().splitlines()[-1]
    assert_resumed_completely(tmp_path, session_id)


def test_a_session_killed_before_its_first_checkpoint_starts_over(tmp_path):
    """The header is written, the first journal line torn, no checkpoint yet: the session runs from the start."""
    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", seed=SEED, out=tmp_path), pool)
    session_id = prepared.writer.transcript.session_id
    started = SessionStarted(phase="session", session_id=session_id, scenario_id="x", title="t", parties=[])
    prepared.writer.journal_path.write_text(journal_line(started, None, 1)[:40])
    assert not (tmp_path / "checkpoints.sqlite").exists()
    assert_resumed_completely(tmp_path, session_id)


def test_events_only_the_json_holds_are_used_when_no_step_runs_again(tmp_path, killed):
    """An interrupted JSON from a Parley that removed the journal: the JSON is the most complete source."""
    session_id = killed
    journal = tmp_path / f"{session_id}.events.jsonl"
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    header = json.loads((tmp_path / f"{session_id}.json").read_text())
    header.update(status="interrupted", events=[{k: v for k, v in e.items() if k not in ("n", "task")} for e in events])
    (tmp_path / f"{session_id}.json").write_text(json.dumps(header))
    journal.unlink()
    assert_resumed_completely(tmp_path, session_id)


def cut_short(lines: list[bytes], n: int) -> None:
    lines[n - 1] = lines[n - 1][: len(lines[n - 1]) // 2]


def not_utf8(lines: list[bytes], n: int) -> None:
    lines[n - 1] = lines[n - 1].replace(b'"phase"', b'"ph\xffse"', 1)


def deleted(lines: list[bytes], n: int) -> None:
    del lines[n - 1]


def torn_last_line(lines: list[bytes], n: int) -> None:
    """A torn line after the last one, from a step that has finished: it will not be written again."""
    lines.append(b'{"n": %d, "task": null, "type": "mess' % (len(lines) + 1))


def last_lines_gone(lines: list[bytes], n: int) -> None:
    del lines[n - 1 :]


@pytest.mark.parametrize(
    ("damage", "line", "says"),
    [
        (cut_short, 60, "line 60: not a whole JSON line"),
        (not_utf8, 60, "line 60: not UTF-8 text"),
        (deleted, 60, "line 60: numbered 61"),
        (torn_last_line, 0, "cut short, and the step that wrote it has finished"),
        (last_lines_gone, 100, "events are missing"),
    ],
)
def test_a_damaged_journal_is_refused_and_nothing_changes(tmp_path, killed, damage, line, says):
    journal = tmp_path / f"{killed}.events.jsonl"
    lines = journal.read_bytes().split(b"\n")[:-1]
    damage(lines, line)
    journal.write_bytes(b"\n".join(lines) + (b"" if damage is torn_last_line else b"\n"))
    before = files_on_disk(tmp_path)
    refused = parley("resume", killed, "--out", str(tmp_path))
    assert refused.returncode == 2, refused.stderr
    assert f"{journal}: invalid" in refused.stderr and says in refused.stderr
    assert "no file was changed" in refused.stderr and "Traceback" not in refused.stderr
    assert files_on_disk(tmp_path) == before


def test_resuming_a_complete_session_says_so_and_changes_nothing(tmp_path):
    session_id = asyncio.run(run_session(RunSettings(model="scripted", out=tmp_path))).session_id
    before = files_on_disk(tmp_path)
    for _ in range(2):
        result = parley(*RESUME, session_id, "--out", str(tmp_path))
        assert result.returncode == 2 and "complete; nothing to resume" in result.stderr
    assert files_on_disk(tmp_path) == before


def test_a_full_disk_stops_the_run_with_a_named_error_and_the_session_resumes(tmp_path):
    """The run may write no file past 600 kB (an unprivileged stand-in for a full disk): the
    checkpoints reach it first. Exit 2 naming the file; the journal so far is kept."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))

    run = parley("run", "--model", "scripted", "--seed", str(SEED), "--out", str(tmp_path), preexec_fn=small_files)
    message = " ".join(run.stderr.split())
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr[-2000:]
    session_id = session_in(tmp_path)
    assert "error: cannot write" in message and "The journal so far is kept" in message
    assert f"`parley resume {session_id} --out {tmp_path}` continues the session" in message
    assert_resumed_completely(tmp_path, session_id)
