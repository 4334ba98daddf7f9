"""Keep a running session's transcript safe on disk, whatever stops it.

While a session runs, every event (tokens aside) is appended to ``<id>.events.jsonl`` (see
``agents.sessions.journal``), so a crash loses at most the event being written. At the end (or
when the run is interrupted) the full transcript is written to ``<id>.json`` through a temporary
file and an atomic rename, so a reader never sees a half-written file. The journal goes only
once the JSON is written complete; a file that cannot be written raises ``SaveError``.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from agents.core.events import Event, SeatChanged, SessionEnded, Token
from agents.core.output import session_file, write_atomically
from agents.llm.recording import Recorder
from agents.sessions.journal import JournalEntry, JournalWriter, journal_text
from agents.sessions.markdown import transcript_markdown
from agents.sessions.transcript import Transcript


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
    keeps it, for ``parley resume`` (see ``agents.sessions.resume``).
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
        """Pick up a stopped session with the events it keeps (``agents.sessions.resume`` chose them).

        Saves that state first: the JSON becomes the running header again and the journal
        holds ``kept``, renumbered. A kill may land between the two writes, so the JSON (which
        holds the events so far if the run was interrupted) is reset only while the journal
        holds everything the JSON held: after the journal grows, before it drops events.
        """
        reset: dict[str, object] = {"events": [], "status": "running", "finished": None, "draft": None, "outcome": None}
        # Handovers are noted again from the kept events: one whose event was dropped did not happen.
        reset["delegations"] = [d.model_copy(update={"held_by": []}) for d in header.delegations]
        writer = cls(header.model_copy(update=reset | {"recording": []}), folder, recorder, write_header=False)
        writes = [writer._write_json, lambda: writer._rewrite_journal(kept)]
        for write in writes if len(kept) <= journal_length else reversed(writes):
            write()
        for entry in kept:
            writer._record(entry.event)
        return writer

    def _file(self, suffix: str) -> Path:
        return session_file(self.folder or Path("."), self.transcript.session_id, suffix)

    @property
    def json_path(self) -> Path:
        return self._file(".json")

    @property
    def journal_path(self) -> Path:
        return self._file(".events.jsonl")

    @property
    def markdown_path(self) -> Path:
        return self._file(".md")

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
        if isinstance(event, SeatChanged):
            for delegation in self.transcript.delegations:
                if delegation.id == event.speaker:
                    delegation.hand_over(event.previous, event.current, event.from_turn)
        if isinstance(event, SessionEnded):
            self.transcript.draft = event.draft
            self.transcript.outcome = event.outcome
            self.transcript.status = "complete"

    def finish(self) -> Transcript:
        """Stamp the end, and write Markdown and JSON (if writing to a folder). Safe to call twice.

        The JSON comes last, so a complete JSON means every file is written; only then does
        the journal go. Raises SaveError if a file cannot be written; the journal stays.
        """
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
