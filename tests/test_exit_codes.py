"""Every documented exit code, as the shell sees it: the installed ``parley`` script in a subprocess.

Typer's CliRunner reads the code from ``typer.Exit`` itself, so in-process tests never noticed
a ``main()`` that dropped it and made the script exit 0 on every failure. These run the
console script as a user's shell does (with PYTHONPATH kept, so it imports this checkout).
Each case names the documentation line it checks (docs/*.md).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from agents.sessions.run import run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript
from tests.helpers import ROOT

PARLEY = Path(sys.executable).parent / "parley"

# The documentation lines the cases cover (page, section: the words of the line).
RUN_CODES = "docs/cli.md, Exit codes: '0 done, 1 validate found a bad file, 2 bad input ..., 130 interrupted'"
REVIEW_CODES = "docs/review.md, Bad input: 'refused with exit code 2 and the file and field named'"
BATCH_CODES = "docs/batches.md, Exit codes: '0 all complete, 1 some session failed, 2 bad input, 130 interrupted'"
REPLAY_CODES = "docs/replay-and-fork.md, Exit codes: '0 when the replay is identical, 1 when it differs'"


def parley_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def parley(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PARLEY), *args], cwd=cwd, env=env or parley_env(), capture_output=True, text=True, timeout=300
    )


@dataclass(frozen=True)
class Files:
    """What the cases run on, made once for the module."""

    transcript: Path  # a complete scripted session of `bilateral`
    doctored: Path  # the same with one speech changed: its replay differs
    not_json: Path  # a truncated transcript
    empty: Path
    bad_scenario: Path  # `date` not quoted: YAML reads a date, not a string
    bad_prices: Path
    broken_home: Path  # a PARLEY_HOME whose closing template fails: every session in it errors


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Files:
    folder = tmp_path_factory.mktemp("inputs")
    options = RunSettings(scenario="bilateral", model="scripted", seed=3, max_turns=2, out=folder / "runs")
    transcript = asyncio.run(run_session(options))
    original = folder / "runs" / f"{transcript.session_id}.json"
    return Files(
        transcript=original,
        doctored=doctor(original, folder / "doctored.json"),
        not_json=write(folder / "truncated.json", original.read_text()[:200]),
        empty=write(folder / "empty.yaml", ""),
        bad_scenario=write(
            folder / "bad-scenario.yaml",
            (ROOT / "scenarios" / "bilateral.yaml").read_text().replace('"2003-05-20"', "2003-05-20"),
        ),
        bad_prices=write(folder / "prices.yaml", "openai:x: {input: cheap}\n"),
        broken_home=broken_home(folder / "home"),
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def doctor(original: Path, path: Path) -> Path:
    """The transcript with its first delegate speech rewritten, which a replay cannot reproduce."""
    data = json.loads(original.read_text())
    speech = next(e for e in data["events"] if e["type"] == "message" and e["speaker"] != "chair")
    speech["text"] = "Words nobody said."
    return write(path, json.dumps(data))


def broken_home(home: Path) -> Path:
    """Parley's data folders with a closing template that names an undefined variable."""
    for name in ("prompts", "personas", "scenarios"):
        shutil.copytree(ROOT / name, home / name)
    close = home / "prompts" / "chair_says" / "close.j2"
    close.write_text(close.read_text() + "{{ no_such_variable }}\n", encoding="utf-8")
    return home


@dataclass(frozen=True)
class Case:
    covers: str  # the documentation line
    args: Callable[[Files, Path], list[str]]  # from the inputs and an empty output folder
    code: int
    says: str  # in stdout or stderr
    home: bool = False  # run with PARLEY_HOME set to the broken data folders
    check: Callable[[Path], None] | None = None  # more to check in the output folder


def sessions_failed(out: Path) -> None:
    """docs/batches.md: 'some session failed (the others are kept; run again to retry it)'."""
    entries = json.loads((out / "batch.json").read_text())["sessions"].values()
    assert [entry["status"] for entry in entries] == ["failed", "failed"]
    assert all("no_such_variable" in entry["error"] for entry in entries)


def sessions_complete(out: Path) -> None:
    transcripts = [load_transcript(path) for path in out.glob("*.json") if path.name != "batch.json"]
    assert transcripts and all(t.status == "complete" for t in transcripts)


RUN = ["run", "--scenario", "bilateral", "--max-turns", "2", "--quiet"]
BATCH = ["batch", "--scenario", "bilateral", "-n", "2", "--max-turns", "2", "--model", "scripted"]

CASES = {
    "run-done": Case(
        RUN_CODES, lambda f, out: [*RUN, "--model", "scripted", "--out", str(out)], 0, "complete",
        check=sessions_complete,
    ),
    "run-unknown-scenario": Case(
        RUN_CODES, lambda f, out: ["run", "--scenario", "atlantis", "--model", "scripted", "--out", str(out)], 2,
        "atlantis",
    ),
    "run-bad-spec": Case(
        RUN_CODES, lambda f, out: [*RUN, "--model", "gpt5", "--out", str(out)], 2, "unknown model spec"
    ),
    "run-bad-file": Case(
        RUN_CODES, lambda f, out: ["run", "--scenario", str(f.bad_scenario), "--model", "scripted", "--out", str(out)],
        2, "date",
    ),
    "run-bad-option": Case(RUN_CODES, lambda f, out: ["run", "--max-turns", "0", "--out", str(out)], 2, "max-turns"),
    "validate-ok": Case(RUN_CODES, lambda f, out: ["validate", str(ROOT / "personas" / "russia.yaml")], 0, "ok"),
    "validate-bad": Case(RUN_CODES, lambda f, out: ["validate", str(f.empty)], 1, "bad"),
    "validate-transcript": Case(RUN_CODES, lambda f, out: ["validate", str(f.not_json)], 1, "invalid JSON"),
    "resume-unknown": Case(RUN_CODES, lambda f, out: ["resume", "nosuch", "--out", str(out)], 2, "nosuch"),
    "resume-complete": Case(
        RUN_CODES, lambda f, out: ["resume", f.transcript.stem, "--out", str(f.transcript.parent)], 2,
        "nothing to resume",
    ),
    "ui-bad-spec": Case(RUN_CODES, lambda f, out: ["ui", "--model", "gpt5"], 2, "unknown model spec"),
    "review-done": Case(REVIEW_CODES, lambda f, out: ["review", str(f.transcript), "--judge", "none"], 0, "bilateral"),
    "review-not-json": Case(REVIEW_CODES, lambda f, out: ["review", str(f.not_json), "--judge", "none"], 2, "JSON"),
    "review-bad-prices": Case(
        REVIEW_CODES, lambda f, out: ["review", str(f.transcript), "--judge", "none", "--prices", str(f.bad_prices)],
        2, "prices.yaml",
    ),
    "review-bad-judge": Case(REVIEW_CODES, lambda f, out: ["review", str(f.transcript), "--judge", "gpt5"], 2, "gpt5"),
    "review-unknown-seat": Case(
        REVIEW_CODES, lambda f, out: ["review", str(f.transcript), "--judge", "none", "--as", "france"], 2, "france"
    ),
    "compare-done": Case(
        REVIEW_CODES, lambda f, out: ["compare", str(f.transcript), str(f.doctored), "--judge", "none"], 0, "≠"
    ),
    "compare-not-json": Case(
        REVIEW_CODES, lambda f, out: ["compare", str(f.transcript), str(f.not_json), "--judge", "none"], 2, "JSON"
    ),
    "batch-done": Case(
        BATCH_CODES, lambda f, out: [*BATCH, "--out", str(out)], 0, "aggregate.csv", check=sessions_complete
    ),
    "batch-failed-session": Case(
        BATCH_CODES, lambda f, out: [*BATCH, "--out", str(out)], 1, "did not complete", home=True,
        check=sessions_failed,
    ),
    "batch-unknown-scenario": Case(
        BATCH_CODES, lambda f, out: ["batch", "--scenario", "atlantis", "--model", "scripted", "--out", str(out)], 2,
        "atlantis",
    ),
    "batch-bad-spec": Case(BATCH_CODES, lambda f, out: ["batch", "--model", "gpt5", "--out", str(out)], 2, "gpt5"),
    "replay-identical": Case(
        REPLAY_CODES, lambda f, out: ["replay", str(f.transcript), "--out", str(out)], 0, "Identical"
    ),
    "replay-differs": Case(REPLAY_CODES, lambda f, out: ["replay", str(f.doctored), "--out", str(out)], 1, "differs"),
    "replay-not-json": Case(RUN_CODES, lambda f, out: ["replay", str(f.not_json), "--out", str(out)], 2, "JSON"),
    "fork-done": Case(
        RUN_CODES, lambda f, out: ["fork", str(f.transcript), "--at", "1", "--quiet", "--out", str(out)], 0, "Fork"
    ),
    "fork-bad-spec": Case(
        RUN_CODES,
        lambda f, out: ["fork", str(f.transcript), "--at", "1", "--model-for", "usa=gpt5", "--out", str(out)], 2,
        "gpt5",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_the_shell_gets_the_documented_exit_code(files, tmp_path, name):
    case = CASES[name]
    env = parley_env(PARLEY_HOME=str(files.broken_home)) if case.home else None
    result = parley(case.args(files, tmp_path / "out"), cwd=tmp_path, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == case.code, f"{name} ({case.covers}):\n{output[-3000:]}"
    assert case.says in output, f"{name}: expected {case.says!r} in:\n{output[-3000:]}"
    assert "Traceback" not in output
    if case.check is not None:
        case.check(tmp_path / "out")


def journal_lines(out: Path) -> int:
    return sum(path.read_text().count("\n") for path in out.glob("*.events.jsonl"))


def wait_for_journal(process: subprocess.Popen, out: Path, lines: int, seconds: float = 120) -> None:
    """Poll until the journals hold ``lines`` events (the run is paced); fail if it ends first."""
    deadline = time.monotonic() + seconds
    while journal_lines(out) < lines:
        assert process.poll() is None, "the session ended before it could be interrupted"
        assert time.monotonic() < deadline, "the session never reached the interrupt point"
        time.sleep(0.01)


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    # A test runner may itself run with SIGINT ignored, which children inherit; restore the default
    # so that Python installs its KeyboardInterrupt handler in the child.
    return subprocess.Popen(
        [str(PARLEY), *args],
        cwd=cwd,
        env=parley_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize(
    ("command", "covers"),
    [
        (["run", "--scenario", "bilateral", "--model", "scripted:0.05", "--quiet"], RUN_CODES),
        (["batch", "--scenario", "bilateral", "-n", "2", "--model", "scripted:0.05"], BATCH_CODES),
    ],
    ids=["run", "batch"],
)
def test_ctrl_c_exits_130_and_keeps_the_transcript_so_far(tmp_path, command, covers):
    out = tmp_path / "out"
    process = start([*command, "--out", str(out)], tmp_path)
    wait_for_journal(process, out, 5)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, f"({covers})\n{stdout[-2000:]}\n{stderr[-2000:]}"
    assert "interrupted" in stderr and "Traceback" not in stderr
    transcripts = [load_transcript(path) for path in out.glob("*.json") if path.name != "batch.json"]
    assert transcripts and all(t.status == "interrupted" for t in transcripts)
    assert sum(len(t.events) for t in transcripts) >= 5


def test_resume_of_a_killed_session_exits_0(tmp_path):
    """The command line: 'parley resume SESSION_ID: continue a killed or crashed session' (exit code 0, done)."""
    out = tmp_path / "out"
    process = start(
        ["run", "--scenario", "bilateral", "--model", "scripted:0.02", "--quiet", "--out", str(out)], tmp_path
    )
    wait_for_journal(process, out, 5)
    process.kill()
    process.communicate()
    session_id = next(out.glob("*.events.jsonl")).name.removesuffix(".events.jsonl")
    result = parley(["resume", session_id, "--out", str(out), "--quiet"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert load_transcript(out / f"{session_id}.json").status == "complete"
