"""Transcripts: the versioned record of a session, built from its events and saved safely.

While a session runs, every event (tokens aside) is appended to ``<id>.events.jsonl`` (see
``agents.journal``), so a crash loses at most the event being written. At the end (or when
the run is interrupted) the full transcript is written to ``<id>.json`` through a temporary
file and an atomic rename, so a reader never sees a half-written file. The journal goes only
once the JSON is written complete; a file that cannot be written raises ``SaveError``.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.catalog import Cast
from agents.draft import Draft
from agents.events import CHAIR, Event, Outcome, SessionEnded, Token, Usage
from agents.ids import SafeId
from agents.journal import JournalEntry, JournalWriter, journal_text
from agents.llm.recording import ModelCall, Recorder
from agents.loading import TRANSCRIPT_FILE, ConfigError, describe_validation_error, parse_document
from agents.output import session_file

SCHEMA_VERSION = 1


class ScenarioInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: SafeId
    title: str
    venue: str
    date: str
    chair: SafeId
    chair_name: str
    consensus_rule: str


class DelegationInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: SafeId
    name: str
    short_name: str
    head: str
    model: str


class ParentRef(BaseModel):
    """Where a forked session branched off: its parent session and the last turn they share."""

    model_config = ConfigDict(extra="forbid")

    session_id: SafeId
    turn: int


class Transcript(BaseModel):
    """One session. ``status`` is ``complete`` only when the session reached its end.

    ``recording`` holds every model call (see ``agents.llm.recording``); ``parent`` is set on a fork.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    session_id: SafeId  # names the transcript's files: checked so that it cannot name a path
    status: Literal["running", "complete", "interrupted"] = "running"
    started: str
    finished: str | None = None
    scenario: ScenarioInfo
    chair: DelegationInfo
    delegations: list[DelegationInfo]
    settings: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list)
    draft: Draft | None = None
    outcome: Outcome | None = None
    parent: ParentRef | None = None
    recording: list[ModelCall] = Field(default_factory=list)

    def seen_by(self, seat: str | None) -> Transcript:
        """The session as ``seat`` saw it: private side meetings it did not sit in are left out.

        ``None`` is someone reviewing the whole session and gets everything. A seat's view has
        no model recording either: recorded prompts hold every delegation's private brief.
        """
        if seat is None:
            return self
        events = [event for event in self.events if event.visible_to(seat)]
        return self.model_copy(update={"events": events, "recording": []})

    def usage_by_speaker(self) -> dict[str, Usage]:
        """Tokens per delegation (and the chair), summed over its messages, votes and floor choices."""
        totals: dict[str, Usage] = {}
        for event in self.events:
            usage = getattr(event, "usage", None)
            if usage is not None:
                who = CHAIR if event.type == "floor_given" else (event.speaker or CHAIR)
                totals[who] = totals.get(who, Usage()) + usage
        return totals

    def total_usage(self) -> Usage:
        return sum(self.usage_by_speaker().values(), Usage())


def new_transcript(cast: Cast, session_id: str, labels: dict[str, str], settings: dict) -> Transcript:
    """An empty transcript for a session about to start; ``labels`` maps seat to model label."""
    scenario = cast.scenario

    def info(persona, label: str) -> DelegationInfo:
        head = f"{persona.head.name}, {persona.head.title}"
        return DelegationInfo(id=persona.id, name=persona.name, short_name=persona.short_name, head=head, model=label)

    return Transcript(
        session_id=session_id,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        scenario=ScenarioInfo(
            id=scenario.id,
            title=scenario.title,
            venue=scenario.venue,
            date=scenario.date,
            chair=cast.chair.id,
            chair_name=cast.chair.short_name,
            consensus_rule=scenario.consensus_rule,
        ),
        chair=info(cast.chair, labels.get(CHAIR, "rules")),
        delegations=[info(persona, labels[pid]) for pid, persona in cast.delegations.items()],
        settings=settings,
    )


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class SaveError(Exception):
    """A session's file could not be written (a full disk, say).

    The message names the file, the reason and what is kept: the journal so far, from which
    ``parley resume`` goes on once there is room.
    """

    def __init__(self, path: Path, error: OSError | sqlite3.Error, kept: str):
        self.path = path
        self.error = error
        super().__init__(f"cannot write {path}: {_reason(error)}. {kept}")


def _reason(error: OSError | sqlite3.Error) -> str:
    if not isinstance(error, OSError):
        return str(error)  # SQLite's own words: "database or disk is full", "disk I/O error"
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file would be larger than this process may write",
    }
    return reasons.get(error.errno or 0) or error.strerror or str(error)


class TranscriptWriter:
    """Collects a session's events into a Transcript and keeps it safe on disk (if ``folder``).

    With a ``recorder``, its model calls are stored in the transcript when it is finished.
    The journal is kept until the transcript is written complete: an interrupted session
    keeps it, for ``parley resume`` (see ``agents.resume``).
    """

    def __init__(
        self,
        transcript: Transcript,
        folder: Path | None = None,
        recorder: Recorder | None = None,
        write_header: bool = True,
    ):
        self.transcript = transcript
        self.folder = folder
        self.recorder = recorder
        self._journal: JournalWriter | None = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            if write_header:  # at once, so that a killed session can be resumed from it
                self._write_json(kept="Nothing of the session was saved.")
            self._journal = JournalWriter(self.journal_path)

    def close(self) -> None:
        """Close the journal without finishing the transcript."""
        if self._journal is not None:
            self._journal.close()

    @classmethod
    def resume(
        cls,
        folder: Path,
        header: Transcript,
        kept: list[JournalEntry],
        journal_length: int,
        recorder: Recorder | None = None,
    ) -> TranscriptWriter:
        """Pick up a stopped session with the events it keeps (``agents.resume`` chose them).

        Saves that state first: the JSON becomes the running header again and the journal
        holds ``kept``, renumbered. A kill may land between the two writes, so the JSON (which
        holds the events so far if the run was interrupted) is reset only while the journal
        holds everything the JSON held: after the journal grows, before it drops events.
        """
        reset = {"events": [], "status": "running", "finished": None, "draft": None, "outcome": None}
        writer = cls(header.model_copy(update=reset | {"recording": []}), folder, recorder, write_header=False)
        writes = [writer._write_json, lambda: writer._rewrite_journal(kept)]
        for write in writes if len(kept) <= journal_length else reversed(writes):
            write()
        for entry in kept:
            writer._record(entry.event)
        return writer

    @property
    def json_path(self) -> Path:
        return session_file(self.folder or Path("."), self.transcript.session_id, ".json")

    @property
    def journal_path(self) -> Path:
        return session_file(self.folder or Path("."), self.transcript.session_id, ".events.jsonl")

    @property
    def markdown_path(self) -> Path:
        return session_file(self.folder or Path("."), self.transcript.session_id, ".md")

    def add(self, event: Event) -> None:
        """Journal ``event``, then keep it: the transcript never holds an event the journal lacks."""
        if isinstance(event, Token):
            return
        if self._journal is not None:
            with self._saving(self.journal_path):
                self._journal.append(event, event.task)
        self._record(event)

    def _record(self, event: Event) -> None:
        self.transcript.events.append(event)
        if isinstance(event, SessionEnded):
            self.transcript.draft = event.draft
            self.transcript.outcome = event.outcome
            self.transcript.status = "complete"

    def finish(self) -> Transcript:
        """Stamp the end, and write Markdown and JSON (if writing to a folder). Safe to call twice.

        The JSON comes last, so a complete JSON means every file is written; only then does
        the journal go. Raises SaveError if a file cannot be written; the journal stays.
        """
        from agents.render import transcript_markdown

        if self.transcript.status == "running":
            self.transcript.status = "interrupted"
        self.transcript.finished = datetime.now(UTC).isoformat(timespec="seconds")
        if self.recorder is not None:
            self.transcript.recording = self.recorder.calls
        if self.folder is not None:
            self.close()
            with self._saving(self.markdown_path):
                write_atomically(self.markdown_path, transcript_markdown(self.transcript))
            self._write_json()
            if self.transcript.status == "complete":
                self.journal_path.unlink(missing_ok=True)
        return self.transcript

    def _write_json(self, kept: str | None = None) -> None:
        """Write the transcript as it stands (at the start: the header) to its JSON file."""
        with self._saving(self.json_path, kept):
            write_atomically(self.json_path, self.transcript.model_dump_json(indent=2))

    def _rewrite_journal(self, entries: list[JournalEntry]) -> None:
        with self._saving(self.journal_path):
            write_atomically(self.journal_path, journal_text(entries))
        self._journal = JournalWriter(self.journal_path, count=len(entries))

    @contextmanager
    def _saving(self, path: Path, kept: str | None = None) -> Iterator[None]:
        """Turn a failed write (OSError) into a SaveError that says what is kept and how to go on."""
        try:
            yield
        except OSError as error:
            raise SaveError(path, error, kept or self._journal_kept()) from error

    def save_error(self, path: Path, error: OSError | sqlite3.Error) -> SaveError:
        """The SaveError for another file of the session (its checkpoints) that could not be written."""
        return SaveError(path, error, self._journal_kept())

    def _journal_kept(self) -> str:
        count = len(self.transcript.events)
        return (
            f"The journal so far is kept ({self.journal_path}, {count} events): once there is room, "
            f"`parley resume {self.transcript.session_id} --out {self.folder}` continues the session."
        )


def load_transcript(path: Path | str) -> Transcript:
    """Read a transcript file; a bad or foreign file raises ConfigError naming what is wrong."""
    path = Path(path)
    data = parse_document(path, TRANSCRIPT_FILE)
    if not isinstance(data, dict):
        raise ConfigError(path, ["(top level): expected a transcript object"])
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ConfigError(path, [f"schema_version: found {version!r}, this Parley reads version {SCHEMA_VERSION}"])
    try:
        return Transcript.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, describe_validation_error(error)) from None
