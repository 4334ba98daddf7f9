"""A server Parley starts (the local model's) does not outlive Parley when Parley is SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT

SERVE = ["http.server", "0", "--bind", "127.0.0.1"]  # any module that would run forever
PARENT = textwrap.dedent(
    """
    import os, subprocess, sys, time
    command = [a.replace("{pid}", str(os.getpid())) for a in sys.argv[1:]]
    child = subprocess.Popen([sys.executable, "-m", *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(child.pid, flush=True)
    time.sleep(600)  # stands for a session running until it is killed
    """
)


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited child nobody has reaped yet)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def child_after_parent_is_killed(command: list[str], patience: float) -> tuple[int, bool]:
    """Start ``command`` from a parent process, SIGKILL the parent: is the child still running after ``patience`` s?"""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, *command], stdout=subprocess.PIPE, cwd=ROOT, text=True)
    child = int(parent.stdout.readline())
    assert running(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + patience
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.1)  # polling for the child's exit, with a deadline
    return child, running(child)


@pytest.mark.parametrize(("guarded", "survives"), [(True, False), (False, True)])
def test_only_a_guarded_child_exits_when_its_parent_is_killed(guarded, survives):
    command = ["agents.llm.parent_guard", "{pid}", *SERVE] if guarded else SERVE
    # The guard looks once a second: a guarded child is gone well within 15 s, and an
    # unguarded one that is still there after 3 s would be there for good.
    child, still_running = child_after_parent_is_killed(command, patience=15 if guarded else 3)
    if still_running:
        os.kill(child, signal.SIGKILL)
    assert still_running == survives  # the unguarded control shows what the guard prevents


def test_the_local_model_server_is_started_under_the_guard():
    from agents.llm.local_server import LocalModelServer

    command = LocalModelServer().command()
    assert command[1:5] == ["-m", "agents.llm.parent_guard", str(os.getpid()), "agents.llm.llama_serve"]
