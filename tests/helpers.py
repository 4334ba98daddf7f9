"""Plain helpers the tests import (fixtures stay in ``conftest.py``, which tests never import)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from agents.llm.local_server import free_port

ROOT = Path(__file__).resolve().parents[1]
PARLEY = Path(sys.executable).parent / "parley"  # the installed console script


@contextmanager
def running_ui(
    folder: Path,
    users: str,
    probe: str = "/",
    seconds: float = 90,
    db: Path | None = None,
    stop: signal.Signals = signal.SIGTERM,
    model: str = "scripted",
    phase_turns: int | None = None,
) -> Iterator[str]:
    """The installed ``parley ui`` (``model``, login on for ``users``; none: no login) on a free port; yields its URL.

    ``phase_turns`` caps the delegate turns in each phase of a session at one seat (``--phase-turns``):
    a short session goes through every phase as the full one does.

    ``CI`` is dropped from its environment: with ``CI=true`` Chainlit overwrites OPENAI_API_KEY.
    ``ROOT`` comes first on its ``PYTHONPATH``: the server runs this checkout's code, even when
    the installed script belongs to another checkout's editable install.
    Its log is ``folder/server.log``; its database ``db`` (default ``folder/ui.sqlite``). At the
    end it gets the ``stop`` signal (``SIGINT`` is Ctrl-C) and is waited for.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if users:
        env.update(CHAINLIT_AUTH_SECRET="parley-test-secret-" + "x" * 32, PARLEY_UI_USERS=users)
    else:  # no login: nothing from the caller's environment may turn it on
        for name in ("CHAINLIT_AUTH_SECRET", "PARLEY_UI_USERS", "PARLEY_UI_USERS_FILE"):
            env.pop(name, None)
    command = [str(PARLEY), "ui", "--model", model, "--port", str(port)]
    command += ["--db", str(db or folder / "ui.sqlite"), "--out", str(folder / "transcripts")]
    if phase_turns is not None:
        command += ["--phase-turns", str(phase_turns)]
    url = f"http://127.0.0.1:{port}"
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(url + probe, process, seconds)
            yield url
        finally:
            process.send_signal(stop)
            process.wait(timeout=20)


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float) -> None:
    """Poll ``url`` (a readiness probe) until it answers 200; fail if the server exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"parley ui exited with {process.returncode}"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)  # polling a readiness probe, not waiting out a race
    raise TimeoutError(f"{url} did not answer")
