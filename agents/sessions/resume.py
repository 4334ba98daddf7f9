"""Resume a session that stopped before its end: interrupted (Ctrl-C), killed, crashed, or out of disk.

What such a session leaves in ``out``: ``<id>.json`` (the header written at the start or, if
the run was interrupted, the transcript so far with status ``interrupted``), the journal
``<id>.events.jsonl`` (every event with the engine step that emitted it, kept until the
transcript is written complete) and the LangGraph checkpoints in ``checkpoints.sqlite``.

Everything is checked before anything is written, so a refused resume changes no file:

- a complete session is refused with ``NothingToResume``;
- a damaged journal (a line in the middle that is not a whole event, a missing line), a JSON
  whose events disagree with the journal, a torn last line whose step has finished (its
  event would be lost), events only the JSON holds while steps will run again (they could
  be doubled), or engine events without any checkpoint: ``ConfigError`` naming the file.

Then the events come from the most complete source (the journal; the JSON of an interrupted
run if it holds more), those of the steps that had not finished are dropped (they run again
and emit them anew), and the session runs on from its last checkpoint, or from the start if
the process died before the first one. A session whose last step had finished (killed while
its transcript was being written) is only written out. The recording of model calls keeps
only the calls made after the resume: a resumed session cannot be replayed.

A seat an instructor handed over goes on with its holder: the kept events' last
``seat_changed`` names it, and ``agents.sessions.holders`` seats it again (a model, from the
spec its label names) or, for a person, seats the settings' model and says so in the transcript.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from agents.core.events import CHAIR, Event, SeatChanged
from agents.core.ids import check_id
from agents.core.loading import ConfigError
from agents.core.output import session_file
from agents.engine import Session
from agents.engine.session import ResumePoint
from agents.llm.factory import ModelPool
from agents.sessions.holders import reseat, seat_holders
from agents.sessions.journal import JournalContents, JournalEntry, read_journal
from agents.sessions.replay import options_from
from agents.sessions.run import CHECKPOINT_FILE, EventSink, PreparedSession, prepare, run_prepared
from agents.sessions.transcript import Transcript, load_transcript
from agents.sessions.writer import TranscriptWriter

REFUSED = "resume refused: no file was changed"


class NothingToResume(Exception):
    """The session is complete: resuming it has nothing to do, and changes nothing."""


@dataclass(frozen=True)
class Restart:
    """Where the session goes on from: its last checkpoint (``point``), or the start if it has none."""

    point: ResumePoint | None

    @property
    def unfinished(self) -> frozenset[str] | None:
        """The engine steps that run again and emit their events anew; None: all of them."""
        return None if self.point is None else self.point.unfinished

    @property
    def next_turn(self) -> int:
        """The first delegate turn the resumed session takes."""
        return 1 if self.point is None else self.point.turns + 1

    def reruns(self, task: str | None) -> bool:
        return self.point is None or task in self.point.unfinished


@dataclass
class SessionFiles:
    """A session's files in ``out``, and what was read from them."""

    out: Path
    session_id: str
    header: Transcript
    journal: JournalContents

    @property
    def json_path(self) -> Path:
        return session_file(self.out, self.session_id, ".json")

    @property
    def journal_path(self) -> Path:
        return session_file(self.out, self.session_id, ".events.jsonl")


async def resume_session(session_id: str, out: Path, pool: ModelPool, on_event: EventSink | None = None) -> Transcript:
    """Continue session ``session_id`` from the files in ``out``; returns the finished transcript.

    Raises:
        NothingToResume: the session is complete.
        ConfigError: the files cannot be resumed without losing or doubling events (nothing is written).
        SaveError: a file could not be written (a full disk, say).
    """
    try:
        files = read_session(session_id, out)
        options = options_from(files.header, out)
        prepared = prepare(options, pool, session_id=session_id, write_header=False)
        restart = await restart_point(prepared.session, out / CHECKPOINT_FILE, files)
        kept = events_to_keep(files, restart)
    except ConfigError as error:
        raise ConfigError(error.path, [*error.problems, REFUSED]) from None
    holders = seat_holders(files.header, [entry.event for entry in kept])
    changed = reseat(prepared, holders, pool, options.seed, restart.next_turn)
    return await run_on(prepared, files, kept, restart, on_event, changed)


def read_session(session_id: str, out: Path) -> SessionFiles:
    """Read and cross-check the JSON and the journal; refuse a complete session."""
    json_path = session_file(out, check_session_id(session_id, out), ".json")
    header = load_transcript(json_path)
    if header.session_id != session_id:
        raise ConfigError(json_path, [f"session_id: the file holds '{header.session_id}', not '{session_id}'"])
    if header.status == "complete":
        raise NothingToResume(f"session {session_id} is complete; nothing to resume ({json_path} is unchanged)")
    journal_path = session_file(out, session_id, ".events.jsonl")
    files = SessionFiles(out, session_id, header, read_journal(journal_path))
    check_snapshot(files)
    return files


def check_snapshot(files: SessionFiles) -> None:
    """The events an interrupted run wrote into its JSON must be the journal's first ones."""
    for index, (saved, entry) in enumerate(zip(files.header.events, files.journal.entries, strict=False)):
        if saved.model_dump(mode="json") != entry.event.model_dump(mode="json"):
            problem = f"events[{index}]: differs from line {index + 1} of {files.journal_path}"
            raise ConfigError(files.json_path, [problem])


async def restart_point(session: Session, checkpoints: Path, files: SessionFiles) -> Restart:
    """Where the session goes on from: its last checkpoint, or the start if it died before the first."""
    try:
        point = await session.resume_point() if checkpoints.exists() else None
    except sqlite3.Error as error:
        raise ConfigError(checkpoints, [f"cannot be read: {error}"]) from None
    if point is not None:
        return Restart(point)
    stepped = [entry for entry in files.journal.entries if entry.task is not None]
    if stepped:  # the engine ran, but its checkpoints are gone: the session cannot go on from them
        problem = f"no checkpoint for session {files.session_id}, but its journal holds {len(stepped)} engine events"
        raise ConfigError(checkpoints, [problem])
    return Restart(None)


def events_to_keep(files: SessionFiles, restart: Restart) -> list[JournalEntry]:
    """The saved events the resumed transcript starts with; refuses if that would lose or double one."""
    entries = files.journal.entries
    only_in_json = files.header.events[len(entries) :]
    if only_in_json:  # they cover a torn last line too
        kept = entries + untracked(files, only_in_json, restart)
    else:
        check_torn_line(files, restart)
        kept = [entry for entry in entries if not restart.reruns(entry.task)]
    check_against_checkpoint(files, restart.point, kept)
    return kept


def check_against_checkpoint(files: SessionFiles, point: ResumePoint | None, kept: list[JournalEntry]) -> None:
    """The kept events must hold what the checkpoint says happened: the start, each turn taken, the end.

    This catches a journal that is gone, or was cut at a line's end, while the checkpoints went on.
    """
    if point is None:
        return
    types = [entry.event.type for entry in kept]
    turns = sum(1 for entry in kept if entry.event.type == "message" and entry.event.speaker != CHAIR)
    missing = []
    if types[:1] != ["session_started"]:
        missing.append("session_started")
    if turns < point.turns:
        missing.append(f"{point.turns - turns} of the {point.turns} delegate turns the checkpoints hold")
    if point.ended and "session_ended" not in types:
        missing.append("session_ended")
    if missing:
        raise ConfigError(files.journal_path, [f"events are missing: {'; '.join(missing)}"])


def check_torn_line(files: SessionFiles, restart: Restart) -> None:
    """A torn last line may go only if the step that was writing it runs again (and writes it anew)."""
    torn = files.journal.torn
    if torn is None or restart.unfinished is None or (torn.task_known and torn.task in restart.unfinished):
        return
    problem = f"line {torn.line}: cut short, and the step that wrote it has finished: its event would be lost"
    raise ConfigError(files.journal_path, [problem])


def untracked(files: SessionFiles, events: list[Event], restart: Restart) -> list[JournalEntry]:
    """Events only the JSON holds (its journal is gone or shorter): usable only if no step runs again.

    The JSON does not say which step emitted an event, so the events of a step that runs
    again could not be dropped.
    """
    if restart.unfinished != frozenset():
        problem = (
            f"events: {len(events)} events here are not in the journal {files.journal_path}, and steps of "
            "the session will run again; which of those events they emitted cannot be told"
        )
        raise ConfigError(files.json_path, [problem])
    return [JournalEntry(None, event) for event in events]


async def run_on(
    prepared: PreparedSession,
    files: SessionFiles,
    kept: list[JournalEntry],
    restart: Restart,
    on_event: EventSink | None,
    changed: list[SeatChanged],
) -> Transcript:
    """Save the kept events as the session's state, then run the session on to its end.

    ``changed`` are the seats whose holder could not be seated again (``agents.sessions.holders``):
    said in the transcript as handovers, or, for a session that starts over, as its first holders.
    """
    header = files.header
    if restart.point is None:
        header = first_holders(header, changed)
    recorder = prepared.writer.recorder
    prepared.writer.close()  # the fresh writer prepare() made; the resumed one takes over
    prepared.writer = TranscriptWriter.resume(files.out, header, kept, len(files.journal.entries), recorder)
    if restart.point is not None:
        for event in changed:
            prepared.writer.add(event)
    return await run_prepared(prepared, on_event, resume=restart.point is not None)


def first_holders(header: Transcript, changed: list[SeatChanged]) -> Transcript:
    """The header of a session that starts over: each seat's first holder is the one that plays it now."""
    current = {event.speaker: event.current for event in changed}
    delegations = [d.model_copy(update={"model": current.get(d.id, d.model)}) for d in header.delegations]
    return header.model_copy(update={"delegations": delegations})


def check_session_id(session_id: str, out: Path) -> str:
    """The session id given on the command line, if it is one; ConfigError if not (``../x`` is not)."""
    try:
        return check_id(session_id)
    except ValueError as error:
        raise ConfigError(out, [f"session id: {error}"]) from None
