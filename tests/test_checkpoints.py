"""Sessions running at once checkpoint into one SQLite file without "database is locked"."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from agents.core.catalog import Catalog
from agents.engine.checkpoints import _shared, open_checkpointer
from agents.llm.factory import ModelPool
from agents.sessions.run import CHECKPOINT_FILE, prepare, run_prepared
from agents.sessions.settings import RunSettings


async def test_sessions_in_one_process_share_the_files_connection(tmp_path):
    path = tmp_path / CHECKPOINT_FILE
    async with open_checkpointer(path) as first, open_checkpointer(path) as second:
        async with open_checkpointer(tmp_path / "other.sqlite") as other:
            assert first is second and other is not first
        connection = first.conn
    assert not _shared  # the last session out closes the connection
    with pytest.raises(ValueError, match="no active connection"):
        await connection.execute("SELECT 1")
    async with open_checkpointer(path) as again:
        assert again is not first


async def test_many_sessions_at_once_all_complete_with_their_checkpoints(tmp_path):
    # Each with its own connection, some of these lost the race for SQLite's write lock.
    pool, catalog = ModelPool(), Catalog()
    prepared = [prepare(RunSettings(model="scripted", seed=i, out=tmp_path), pool, catalog) for i in range(24)]
    transcripts = await asyncio.gather(*(run_prepared(p) for p in prepared))
    assert [t.status for t in transcripts] == ["complete"] * 24
    with sqlite3.connect(tmp_path / CHECKPOINT_FILE) as db:
        kept = {row[0] for row in db.execute("SELECT DISTINCT thread_id FROM checkpoints")}
    assert kept == {t.session_id for t in transcripts}
