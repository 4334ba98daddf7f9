"""A person's answer time that the instructor can stretch or cut short.

``HumanDelegate`` waits for its prompter through a ``TurnClock``: ``extend`` adds seconds to
the running answer, ``pass_turn`` ends the wait at once (the chair passed the turn). A seat
that supports both is a ``TimedSeat``; the engine's controls look for that and nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Protocol, TypeVar, runtime_checkable

_Answer = TypeVar("_Answer")


@runtime_checkable
class TimedSeat(Protocol):
    """A seat whose running answer can be given more time or passed; each returns False when nothing is running."""

    def extend_time(self, seconds: float) -> bool: ...

    def pass_turn(self) -> bool: ...


class TurnClock:
    """One answer's deadline; ``passed`` once the chair cut it short."""

    def __init__(self, seconds: float):
        self.deadline = asyncio.get_running_loop().time() + seconds
        self.passed = False
        self._changed = asyncio.Event()

    def extend(self, seconds: float) -> None:
        self.deadline += seconds
        self._changed.set()

    def pass_turn(self) -> None:
        self.passed = True
        self._changed.set()

    async def wait(self, asking: Awaitable[_Answer | None]) -> _Answer | None:
        """The answer, or None once the deadline passes or the turn is passed (the asking is cancelled)."""
        task = asyncio.ensure_future(asking)
        try:
            while not self.passed and (remaining := self.deadline - asyncio.get_running_loop().time()) > 0:
                changed = asyncio.ensure_future(self._changed.wait())
                done, _ = await asyncio.wait({task, changed}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                changed.cancel()
                if task in done:
                    return task.result()
                self._changed.clear()
            return None
        finally:
            task.cancel()
