"""The event journal ``<id>.events.jsonl``: every event of a session, one line each, as it happens.

A line is ``{"n": N, "task": T, ...the event}``. ``n`` numbers the lines from 1, so a line
that went missing shows as a gap; ``task`` is the engine step that emitted the event, so a
resume can drop the events of the steps that will run again. Both come first, so that even
a torn line still names its step.

Lines are appended straight to the file, without a buffer, and an append that fails (a
full disk) is cut off again: the journal holds whole lines only, whatever the disk does.
Only a crash of the machine itself can leave a torn last line.

Reading is strict: a line in the middle that is not a whole event (cut, edited, not UTF-8)
raises ``ConfigError`` naming the file and the line, since the events after it could not be
trusted either. A torn *last* line is reported as such; the caller decides whether its step
runs again (then the line can go) or not (then its event would be lost).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from agents.core.events import EVENT_ADAPTER, Event
from agents.core.loading import TRANSCRIPT_FILE, ConfigError, check_regular_file, describe_validation_error

# The start of a line, up to its task: readable in a torn line that got that far.
_LINE_START = re.compile(rb'^\{"n": \d+, "task": (null|"((?:[^"\\]|\\.)*)")')


@dataclass(frozen=True)
class JournalEntry:
    """One journalled event and the engine task (``node:id``) that emitted it (None: outside the graph)."""

    task: str | None
    event: Event


@dataclass(frozen=True)
class TornLine:
    """A last line cut short (no newline, not a whole entry): ``task`` if it got that far."""

    line: int
    task: str | None
    task_known: bool


@dataclass
class JournalContents:
    entries: list[JournalEntry] = field(default_factory=list)
    torn: TornLine | None = None


def journal_line(event: Event, task: str | None, number: int) -> str:
    """Line ``number`` of a journal: the line number and task first, then the event's JSON."""
    return json.dumps({"n": number, "task": task, **event.model_dump(mode="json")}) + "\n"


def journal_text(entries: list[JournalEntry]) -> str:
    """A whole journal holding ``entries``, numbered from 1."""
    return "".join(journal_line(entry.event, entry.task, n) for n, entry in enumerate(entries, start=1))


def read_journal(path: Path) -> JournalContents:
    """The journal's entries, and its torn last line if it has one; a missing journal is empty.

    Raises:
        ConfigError: a line other than a torn last one is not a whole entry, or one is missing.
    """
    try:
        check_regular_file(path, TRANSCRIPT_FILE)  # a journal is read whole: bound it as a transcript
        data = path.read_bytes()
    except FileNotFoundError:
        return JournalContents()
    except OSError as error:
        raise ConfigError(path, [f"cannot read: {error.strerror}"]) from None
    *whole, tail = data.split(b"\n")  # ``tail`` is empty when the last line is whole
    contents = JournalContents([parse_line(path, raw, n) for n, raw in enumerate(whole, start=1)])
    if tail:
        _read_tail(path, tail, len(whole) + 1, contents)
    return contents


def _read_tail(path: Path, tail: bytes, number: int, contents: JournalContents) -> None:
    """A last line without its newline: whole but for it (kept, and checked), or torn (reported)."""
    try:
        json.loads(tail.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        contents.torn = torn_line(tail, number)
        return
    contents.entries.append(parse_line(path, tail, number))


def torn_line(raw: bytes, number: int) -> TornLine:
    """What can be read of a torn line: its task, if the line got past it."""
    start = _LINE_START.match(raw)
    if start is None:
        return TornLine(number, None, task_known=False)
    return TornLine(number, json.loads(start.group(1)), task_known=True)


def parse_line(path: Path, raw: bytes, number: int) -> JournalEntry:
    """Line ``number`` as an entry; a ConfigError names the file, the line and what is wrong."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _damaged(path, number, f"not UTF-8 text (byte {error.start + 1} of the line)") from None
    except json.JSONDecodeError as error:
        raise _damaged(path, number, f"not a whole JSON line ({error.msg} at column {error.colno})") from None
    except (ValueError, RecursionError) as error:  # nested too deep, or a number too long
        raise _damaged(path, number, f"not a journal entry ({type(error).__name__})") from None
    if not isinstance(data, dict):
        raise _damaged(path, number, "not a JSON object")
    if data.get("n", number) != number:  # journals written before lines were numbered have no "n"
        raise _damaged(path, number, f"numbered {data['n']!r}: a line before it is missing or repeated")
    data.pop("n", None)
    task = data.pop("task", None)
    try:
        return JournalEntry(task, EVENT_ADAPTER.validate_python(data))
    except ValidationError as error:
        raise _damaged(path, number, f"not an event ({describe_validation_error(error)[0]})") from None


def _damaged(path: Path, number: int, problem: str) -> ConfigError:
    return ConfigError(path, [f"line {number}: {problem}"])


class JournalWriter:
    """Appends events to a journal, whole lines only; opens the file at the first append.

    ``count`` is how many lines the journal already holds (a resumed session's).
    """

    def __init__(self, path: Path, count: int = 0):
        self.path = path
        self.count = count
        self._fd: int | None = None

    def append(self, event: Event, task: str | None) -> None:
        """Add one line, or raise OSError and leave the journal as it was (a full disk, say)."""
        line = journal_line(event, task, self.count + 1).encode("utf-8")
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        end = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            _write_all(self._fd, line)
        except OSError:
            os.ftruncate(self._fd, end)  # a part of a line would read as damage; cutting frees space
            raise
        self.count += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` may write only a part (a disk nearly full): write the rest, or raise."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
