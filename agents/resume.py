"""Resume a session whose process died (killed, crashed, power cut) from its last checkpoint.

What is on disk for such a session: ``<id>.json`` (the header, written at the start, with
the settings it ran with), ``<id>.events.jsonl`` (every event, appended and flushed as it
happened) and the LangGraph checkpoints in ``checkpoints.sqlite``. Resuming rebuilds the
same session, drops the journal's events of the engine steps that had not finished (they
run again and emit them anew), and runs on to the end. The recording of model calls keeps
only the calls made after the resume: a resumed session cannot be replayed.
"""

from __future__ import annotations

from pathlib import Path

from agents.ids import check_id
from agents.llm.factory import ModelPool
from agents.loading import ConfigError
from agents.output import session_file
from agents.replay import options_from
from agents.runner import CHECKPOINT_FILE, EventSink, prepare, run_prepared
from agents.transcript import Transcript, TranscriptWriter, load_transcript


async def resume_session(session_id: str, out: Path, pool: ModelPool, on_event: EventSink | None = None) -> Transcript:
    """Continue session ``session_id`` from the files in ``out``; returns the finished transcript."""
    header_path = session_file(out, check_session_id(session_id, out), ".json")
    header = load_transcript(header_path)
    if header.session_id != session_id:
        raise ConfigError(header_path, [f"session_id: the file holds '{header.session_id}', not '{session_id}'"])
    if header.status == "complete":
        raise ConfigError(header_path, ["status: this session is complete; there is nothing to resume"])
    if not (out / CHECKPOINT_FILE).exists():
        raise ConfigError(out / CHECKPOINT_FILE, ["no checkpoints: the session cannot be resumed"])
    prepared = prepare(options_from(header, out), pool, session_id=session_id, write_header=False)
    unfinished = await prepared.session.unfinished_tasks()
    if unfinished is None:
        raise ConfigError(out / CHECKPOINT_FILE, [f"no checkpoint for session {session_id}"])
    prepared.writer.close()  # the fresh writer prepare() made; the resumed one takes over
    prepared.writer = TranscriptWriter.resume(out, header, unfinished, prepared.writer.recorder)
    return await run_prepared(prepared, on_event, resume=True)


def check_session_id(session_id: str, out: Path) -> str:
    """The session id given on the command line, if it is one; ConfigError if not (``../x`` is not)."""
    try:
        return check_id(session_id)
    except ValueError as error:
        raise ConfigError(out, [f"session id: {error}"]) from None
