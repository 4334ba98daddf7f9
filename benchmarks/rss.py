"""Resident memory of a process and its descendants, sampled from /proc while a benchmark runs."""

from __future__ import annotations

import asyncio
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc/<pid>/task/*/children)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` and its descendants, in MiB (0 for processes that are gone)."""
    total = 0
    for process in descendants(pid):
        try:
            lines = Path(f"/proc/{process}/status").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in lines if line.startswith("VmRSS:"))
    return total / 1024


class MemorySampler:
    """``async with MemorySampler(pid) as m``: ``m.start``, ``m.peak``, ``m.end``, and ``m.mark()``-ed values."""

    def __init__(self, pid: int, every: float = 0.1):
        self.pid = pid
        self.every = every
        self.start = self.peak = self.end = 0.0
        self.marks: list[float] = []
        self._task: asyncio.Task | None = None

    def sample(self) -> float:
        value = rss_mib(self.pid)
        self.peak = max(self.peak, value)
        return value

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)  # the sampling period, not a wait for anything

    def mark(self) -> None:
        self.marks.append(self.sample())

    async def __aenter__(self) -> MemorySampler:
        self.start = self.sample()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc) -> None:
        if self._task:
            self._task.cancel()
        self.end = self.sample()
