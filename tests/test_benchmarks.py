"""Each benchmark script runs at a tiny size and prints its figures. Timings are not checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.bench

TINY = {
    "overhead.py": (
        ["--turns", "8"],
        ["median ms/turn", "Parley (in-memory checkpoints)", "AutoGen SelectorGroupChat"],
    ),
    "tokens.py": (
        ["--turns", "12", "--total-turns", "8"],
        ["turn 10", "Parley turn 10 / turn", "AutoGen", "Prefix reuse, all seats:"],
    ),
    "concurrency.py": (["--sessions", "3", "--delay", "0.01", "--max-turns", "2"], ["one session:", "ratio:"]),
    "fanout.py": (["--delay", "0.01"], ["one call:", "6 ballots:", "ratio:"]),
    "embedded.py": (
        ["--model", "scripted", "--demo", "--max-turns", "2"],
        ["wall: ", "model calls: ", "prompt tokens: evaluated ", "tokens per second:", "peak memory"],
    ),
    # The real web server and three Socket.IO clients; these lines are checks, not timings. Two
    # turns a phase: every phase, the private meeting and the ballots, in fewer turns.
    "web_load.py": (
        ["--sessions", "3", "--phase-turns", "2"],
        ["sessions finished: 3/3", "leaks: 0", "problems: 0", "server RSS:"],
    ),
}


@pytest.mark.parametrize("script", sorted(TINY))
def test_benchmark_runs_tiny_and_prints_its_figures(script):
    arguments, expected = TINY[script]
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for text in expected:
        assert text in result.stdout, result.stdout
    assert "Traceback" not in result.stderr


def test_classroom_plays_one_room_of_three_people_and_finds_nothing_wrong():
    # The real web server, a host, three people, an observer; the last line is the checks' verdict.
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "classroom.py"), "--rooms", "1", "--people", "3"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "rooms finished: 1/1, leaks: 0, problems: 0", result.stdout
    assert "private texts checked: " in result.stdout and "server RSS:" in result.stdout
    assert "Traceback" not in result.stderr


def test_autogen_rows_say_not_installed_when_autogen_is_absent():
    # Hide AutoGen from the script whether or not the bench extra is installed.
    hide = "import sys; sys.modules['autogen_agentchat'] = None; sys.argv = ['overhead.py', '--turns', '6']; "
    run = hide + "sys.path.insert(0, 'benchmarks'); import runpy; "
    run += "runpy.run_path('benchmarks/overhead.py', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "AutoGen RoundRobinGroupChat" in result.stdout and "not installed" in result.stdout
