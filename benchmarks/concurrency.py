"""Benchmark 3: many sessions at once on one event loop, against one session alone.

Every seat is a fake model that waits ``--delay`` seconds (``asyncio.sleep``) per call.
Both runs go through ``parley batch``'s runner (transcripts, with their recordings, written
to a temporary folder); the batch runs all ``--sessions`` at once. Sessions are kept short with
``--max-turns``. Goal: the batch's wall time at most 1.3 times one session's.

    .venv/bin/python benchmarks/concurrency.py --sessions 32 --delay 0.2 --max-turns 6
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from common import SleepyChatModel, fixed_reply, handles

from agents.batch import BatchOptions, run_batch
from agents.llm.factory import ModelPool
from agents.sessions.settings import RunSettings


async def wall_time(sessions: int, delay: float, max_turns: int, folder: Path) -> float:
    options = BatchOptions(
        settings=RunSettings(model="scripted", max_turns=max_turns), n=sessions, out=folder, concurrency=sessions
    )

    def models(index: int):
        return handles(lambda: SleepyChatModel(reply=fixed_reply, delay=delay, chunk_chars=1_000_000))

    start = time.perf_counter()
    result = await run_batch(options, ModelPool(), models=models)
    elapsed = time.perf_counter() - start
    if result.failed:
        errors = [result.manifest.sessions[i].error for i in result.failed]
        raise SystemExit(f"sessions failed: {result.failed}: {errors[:2]}")
    return elapsed


async def main(sessions: int, delay: float, max_turns: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    await wall_time(1, 0.0, 2, root / "warm-up")
    one = await wall_time(1, delay, max_turns, root / "one")
    many = await wall_time(sessions, delay, max_turns, root / "many")
    print(
        f"Concurrency: {sessions} sessions at once vs one, fake model sleeping {delay * 1000:.0f} ms per call, "
        f"{max_turns} turns per session (goal: ratio <= 1.3)"
    )
    print(f"one session:  {one:.2f} s")
    print(f"{sessions} sessions: {many:.2f} s")
    print(f"ratio: {many / one:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the fake model sleeps per call")
    parser.add_argument("--max-turns", type=int, default=6)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.sessions, arguments.delay, arguments.max_turns))
