"""Transcripts: the versioned record of a session, built from its events and saved safely.

While a session runs, every event (tokens aside) is appended to ``<id>.events.jsonl`` and
flushed, so a crash loses at most the event being written. At the end (or when the run is
interrupted) the full transcript is written to ``<id>.json`` through a temporary file and an
atomic rename, so a reader never sees a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.catalog import Cast
from agents.draft import Draft
from agents.events import CHAIR, EVENT_ADAPTER, Event, Outcome, SessionEnded, Token, Usage
from agents.ids import SafeId
from agents.llm.recording import ModelCall, Recorder
from agents.loading import TRANSCRIPT_FILE, ConfigError, describe_validation_error, parse_document, read_text
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


class TranscriptWriter:
    """Collects a session's events into a Transcript and keeps it safe on disk (if ``folder``).

    With a ``recorder``, its model calls are stored in the transcript when it is finished.
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
        self._journal = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            if write_header:  # at once, so that a killed session can be resumed from it
                write_atomically(self.json_path, self.transcript.model_dump_json(indent=2))
            self._journal = open(self.journal_path, "a", encoding="utf-8")  # noqa: SIM115

    def close(self) -> None:
        """Close the journal without finishing the transcript."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    @classmethod
    def resume(
        cls, folder: Path, header: Transcript, drop_tasks: set[str], recorder: Recorder | None = None
    ) -> TranscriptWriter:
        """Pick up a session that stopped without finishing: its ``header`` and its journal.

        A torn last journal line (the process died mid-write) is ignored, and so are the events
        of ``drop_tasks``, the engine steps that will run again and emit them anew.
        """
        journal = session_file(folder, header.session_id, ".events.jsonl")
        kept = [(task, event) for task, event in read_journal(journal) if task not in drop_tasks]
        write_atomically(journal, "".join(journal_line(event, task) for task, event in kept))
        transcript = header.model_copy(update={"events": [event for _, event in kept], "status": "running"})
        return cls(transcript, folder, recorder, write_header=False)

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
        if isinstance(event, Token):
            return
        self.transcript.events.append(event)
        if isinstance(event, SessionEnded):
            self.transcript.draft = event.draft
            self.transcript.outcome = event.outcome
            self.transcript.status = "complete"
        if self._journal is not None:
            self._journal.write(journal_line(event, event.task))
            self._journal.flush()

    def finish(self) -> Transcript:
        """Stamp the end, and write JSON and Markdown (if writing to a folder). Safe to call twice."""
        from agents.render import transcript_markdown

        if self.transcript.status == "running":
            self.transcript.status = "interrupted"
        self.transcript.finished = datetime.now(UTC).isoformat(timespec="seconds")
        if self.recorder is not None:
            self.transcript.recording = self.recorder.calls
        if self.folder is not None:
            write_atomically(self.json_path, self.transcript.model_dump_json(indent=2))
            write_atomically(self.markdown_path, transcript_markdown(self.transcript))
            self.close()
            self.journal_path.unlink(missing_ok=True)
        return self.transcript


def journal_line(event: Event, task: str | None) -> str:
    """One journal line: the event's JSON with the engine task that emitted it."""
    return json.dumps({**event.model_dump(mode="json"), "task": task}) + "\n"


def read_journal(path: Path) -> list[tuple[str | None, Event]]:
    """The journal's events with their tasks; stops at a torn (unparseable) line."""
    if not path.exists():
        return []
    entries = []
    for line in read_text(path, TRANSCRIPT_FILE).splitlines():
        entry = _journal_entry(line)
        if entry is None:
            break  # the process died while writing this line
        entries.append(entry)
    return entries


def _journal_entry(line: str) -> tuple[str | None, Event] | None:
    """One journal line's task and event, or None for a line that is not one (torn, or tampered with)."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            return None
        return data.pop("task", None), EVENT_ADAPTER.validate_python(data)
    except (ValueError, RecursionError):  # JSONDecodeError and ValidationError are ValueErrors
        return None


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
