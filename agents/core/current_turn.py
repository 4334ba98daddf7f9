"""Which delegate turn the code running now acts for, without passing it through every call.

The engine sets it around each delegate's move and ballot (``during_turn``); whatever runs
inside, a model call say, can ask ``current_turn()``. The recording of model calls uses it
to tag each call with its turn, so a delegate itself needs to know nothing of recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_TURN: ContextVar[int | None] = ContextVar("parley_current_turn", default=None)


@contextmanager
def during_turn(turn: int) -> Iterator[None]:
    """Run the block as acting for delegate turn ``turn``."""
    token = _TURN.set(turn)
    try:
        yield
    finally:
        _TURN.reset(token)


def current_turn() -> int | None:
    """The delegate turn being acted for, or None outside any (the chair choosing a speaker)."""
    return _TURN.get()
