"""Where a session's LangGraph checkpoints go: memory, or a SQLite file shared by every session.

Sessions that run at once in one process (the web app's, a batch's) share one connection
per file: LangGraph's ``AsyncSqliteSaver`` keys every row by session id and queues its
operations on its own lock, so they wait their turn in order. Each with a connection of its
own, they raced for SQLite's write lock instead; a writer that kept losing the race to the
others gave up after the busy timeout with "database is locked". The busy timeout (30 s)
now only covers another process writing the same file (``parley resume`` next to the web
app, say).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agents.engine.state import CHECKPOINT_TYPES

BUSY_TIMEOUT_SECONDS = 30.0


@dataclass
class _Shared:
    ready: asyncio.Future[AsyncSqliteSaver]
    users: int = 0


# One saver per (file, event loop): an aiosqlite connection belongs to the loop that opened it.
_shared: dict[tuple[Path, asyncio.AbstractEventLoop], _Shared] = {}


def serializer() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINT_TYPES)


async def _connect(path: Path) -> AsyncSqliteSaver:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    return AsyncSqliteSaver(connection, serde=serializer())


async def _close(ready: asyncio.Future[AsyncSqliteSaver]) -> None:
    try:
        saver = await ready
    except Exception:
        return  # it never opened; the sessions that waited for it saw why
    await saver.conn.close()


@asynccontextmanager
async def open_checkpointer(path: Path | None) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """A checkpointer for one session: in memory without ``path``, else the file's shared saver.

    The file's connection is opened by the first session that needs it and closed when the
    last one is done.
    """
    if path is None:
        yield InMemorySaver(serde=serializer())
        return
    key = (path.resolve(), asyncio.get_running_loop())
    shared = _shared.get(key)
    if shared is None:  # no await between the look-up and the insertion: sessions cannot both open it
        shared = _shared[key] = _Shared(asyncio.ensure_future(_connect(path)))
    shared.users += 1
    try:
        yield await asyncio.shield(shared.ready)  # one session cancelled must not cancel the others' connection
    finally:
        shared.users -= 1
        if shared.users == 0:
            del _shared[key]
            await _close(shared.ready)
