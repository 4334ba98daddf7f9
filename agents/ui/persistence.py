"""Chainlit's SQLAlchemy data layer on a SQLite file that Parley creates and upgrades itself.

Chainlit documents only a PostgreSQL schema; this is the SQLite equivalent, with the
columns Chainlit 2.x writes (``steps.autoCollapse``, ``elements.props`` and friends).
Lists and dicts are stored as JSON text: without the adapters below, thread tags fail to
bind and threads silently vanish from the history.

Every web session writes its messages here at once. The file is in WAL mode, so reading
(the history, a resumed thread) never blocks writing, and each connection waits up to
``BUSY_TIMEOUT_SECONDS`` for another's write. With SQLite's defaults (a rollback journal, 5 s),
twenty sessions lost writes to "database is locked", which Chainlit only logs.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    "id" TEXT PRIMARY KEY, "identifier" TEXT NOT NULL UNIQUE, "metadata" TEXT NOT NULL, "createdAt" TEXT
);
CREATE TABLE IF NOT EXISTS threads (
    "id" TEXT PRIMARY KEY, "createdAt" TEXT, "name" TEXT, "userId" TEXT, "userIdentifier" TEXT,
    "tags" TEXT, "metadata" TEXT,
    FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS steps (
    "id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "type" TEXT NOT NULL, "threadId" TEXT NOT NULL,
    "parentId" TEXT, "streaming" BOOLEAN NOT NULL, "waitForAnswer" BOOLEAN, "isError" BOOLEAN,
    "metadata" TEXT, "tags" TEXT, "input" TEXT, "output" TEXT, "createdAt" TEXT, "command" TEXT,
    "start" TEXT, "end" TEXT, "generation" TEXT, "showInput" TEXT, "language" TEXT, "indent" INT,
    "defaultOpen" BOOLEAN, "autoCollapse" BOOLEAN, "modes" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS elements (
    "id" TEXT PRIMARY KEY, "threadId" TEXT, "type" TEXT, "url" TEXT, "chainlitKey" TEXT, "name" TEXT NOT NULL,
    "display" TEXT, "objectKey" TEXT, "size" TEXT, "page" INT, "language" TEXT, "forId" TEXT, "mime" TEXT,
    "props" TEXT, "autoPlay" BOOLEAN, "playerConfig" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS feedbacks (
    "id" TEXT PRIMARY KEY, "forId" TEXT NOT NULL, "threadId" TEXT NOT NULL, "value" INT NOT NULL, "comment" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
);
"""
SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 30.0


def register_adapters() -> None:
    sqlite3.register_adapter(list, json.dumps)
    sqlite3.register_adapter(dict, json.dumps)


def ensure_schema(path: Path) -> Path:
    """Create the database and its tables if missing, in WAL mode; record the schema version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS) as connection:
        connection.execute("PRAGMA journal_mode = WAL")  # kept by the file: every later connection uses it
        connection.executescript(SCHEMA)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return path


def data_layer(path: Path):
    """A Chainlit SQLAlchemy data layer on ``path`` (schema created first)."""
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

    register_adapters()
    ensure_schema(path)
    return SQLAlchemyDataLayer(
        conninfo=f"sqlite+aiosqlite:///{path.resolve()}", connect_args={"timeout": BUSY_TIMEOUT_SECONDS}
    )
