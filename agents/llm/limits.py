"""One rate limiter and one cap on concurrent calls, shared by every remote model of a pool.

A batch runs many sessions at once; without a shared limit each session's models would
hit the API on their own. ``CallLimits`` holds langchain's ``InMemoryRateLimiter`` (requests
per second, checked before each call) and a semaphore that ``CappedChatOpenAI`` holds for
the whole of each call, streaming included. ``CappedChatOpenAI`` also bounds the time of each
call as a whole (``agents.llm.deadline``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_openai import ChatOpenAI
from pydantic import Field

from agents.llm.deadline import bounded, bounded_call


@dataclass
class CallLimits:
    """What the remote models of one pool share. Either part may be absent."""

    rate_limiter: InMemoryRateLimiter | None = None
    slots: asyncio.Semaphore | None = None

    @classmethod
    def create(cls, requests_per_second: float | None, max_concurrent_calls: int | None) -> CallLimits:
        limiter = None
        if requests_per_second:
            limiter = InMemoryRateLimiter(
                requests_per_second=requests_per_second, check_every_n_seconds=0.05, max_bucket_size=1
            )
        slots = asyncio.Semaphore(max_concurrent_calls) if max_concurrent_calls else None
        return cls(limiter, slots)


class CappedChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` that holds one of the shared ``call_slots`` for each async call, and gives
    each call ``call_timeout`` seconds in all, streaming included (see ``agents.llm.deadline``)."""

    call_slots: Any = Field(default=None, exclude=True, repr=False)
    call_timeout: float | None = Field(default=None, exclude=True)

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        async with self._slot():
            async for chunk in self._bounded(super()._astream(*args, **kwargs)):
                yield chunk

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        async with self._slot():
            if self.call_timeout is None:
                return await super()._agenerate(*args, **kwargs)
            return await bounded_call(super()._agenerate(*args, **kwargs), self.call_timeout, self.max_retries or 0)

    def _bounded(self, stream: AsyncIterator[ChatGenerationChunk]) -> AsyncIterator[ChatGenerationChunk]:
        if self.call_timeout is None:
            return stream
        return bounded(stream, self.call_timeout, self.max_retries or 0)

    def _slot(self) -> AbstractAsyncContextManager[object]:
        return self.call_slots if self.call_slots is not None else nullcontext()
