"""A time limit on the whole of a model call, streaming included, and what its retries look like.

The OpenAI client's ``timeout`` is httpx's: it limits each wait for the next bytes, so a server
that trickles a chunk every half second could hold a call for ever. ``bounded`` limits the
whole stream instead: past its deadline the call is abandoned (its connection closed) and
``CallTimeout`` is raised. Streamed text cannot be taken back, so the model cannot retry such
a call itself: ``ask_structured`` starts the reply again, up to the error's ``retries``.

Retries leave no trace in a session's recording, as the client's own retries never did: the
recorder drops the attempt that ran out of time when its retry begins (``retrying``). A replay
then meets only the last attempt, and answers as the original session did.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_RETRYING: ContextVar[bool] = ContextVar("parley_retrying_after_timeout", default=False)


class CallTimeout(TimeoutError):
    """A model call with no complete reply within ``seconds``; it may be made again ``retries`` times."""

    def __init__(self, seconds: float, retries: int = 0):
        super().__init__(f"no complete reply within the {seconds:g} s timeout")
        self.seconds = seconds
        self.retries = retries

    def __reduce__(self):  # the arguments are not the message: say how to rebuild it
        return type(self), (self.seconds, self.retries)


async def bounded(stream: AsyncIterator[T], seconds: float, retries: int = 0) -> AsyncIterator[T]:
    """``stream``'s items, as long as the last arrives within ``seconds`` of the first request.

    The deadline is checked only while waiting for the next item (never across a ``yield``),
    so that it cancels the wait on the model and not whatever the consumer does between items.
    """
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        while True:
            try:
                async with asyncio.timeout_at(deadline) as limit:
                    item = await anext(stream)
            except StopAsyncIteration:
                return
            except TimeoutError:
                if limit.expired():
                    raise CallTimeout(seconds, retries) from None
                raise
            yield item
    finally:
        await _close(stream)


async def bounded_call(call: Awaitable[T], seconds: float, retries: int = 0) -> T:
    """``await call`` within ``seconds``, else ``CallTimeout``."""
    try:
        async with asyncio.timeout(seconds) as limit:
            return await call
    except TimeoutError:
        if limit.expired():
            raise CallTimeout(seconds, retries) from None
        raise


async def _close(stream: AsyncIterator[object]) -> None:
    close = getattr(stream, "aclose", None)
    if close is not None:
        await close()  # closes the HTTP response: the server sees the client give up


@contextmanager
def retrying(retry: bool) -> Iterator[None]:
    """Mark the model calls made inside as a retry (or not) of one that ran out of time."""
    token = _RETRYING.set(retry)
    try:
        yield
    finally:
        _RETRYING.reset(token)


def is_retry() -> bool:
    """Whether the call being made now retries one that ran out of time."""
    return _RETRYING.get()
