"""The real web app for the web benchmarks: ``parley ui --model scripted`` with login, on a free port.

``web_load.py`` and ``classroom.py`` start it in a temporary folder (its database, transcripts
and log there) with one user per simulated browser, all sharing ``PASSWORD``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from agents.llm.local_server import free_port

ROOT = Path(__file__).resolve().parent.parent  # the checkout whose code the server runs
PASSWORD = "load-test-password"


def start_server(folder: Path, users: list[str], phase_turns: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start the server (log in ``folder/server.log``; ``phase_turns`` as ``parley ui --phase-turns``); its
    process and its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(
        CHAINLIT_AUTH_SECRET="parley-load-secret-" + "x" * 32,
        PARLEY_UI_USERS=",".join(f"{user}:{PASSWORD}" for user in users),
    )
    command = [sys.executable, "-m", "agents.cli", "ui", "--model", "scripted", "--port", str(port)]
    command += ["--db", str(folder / "ui.sqlite"), "--out", str(folder / "transcripts")]
    if phase_turns is not None:
        command += ["--phase-turns", str(phase_turns)]
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (closed with the server)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


async def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"parley ui exited with {process.returncode}")
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.2)  # polling a readiness probe
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)
