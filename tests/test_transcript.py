"""Transcripts are never half-written: events are journalled as they happen, the JSON is replaced atomically."""

from __future__ import annotations

import json

import pytest

from agents.llm.factory import ModelPool
from agents.runner import RunOptions, prepare, run_prepared
from agents.transcript import load_transcript, write_atomically


async def test_an_interrupted_session_keeps_every_event_so_far(tmp_path):
    with ModelPool() as pool:
        prepared = prepare(RunOptions(model="scripted", out=tmp_path), pool)
    seen = []

    def stop_at_the_consensus_call(event):
        seen.append(event)
        if event.type == "phase_started" and event.phase == "consensus":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await run_prepared(prepared, stop_at_the_consensus_call)
    transcript = load_transcript(tmp_path / f"{prepared.writer.transcript.session_id}.json")
    assert transcript.status == "interrupted" and transcript.outcome is None
    kept = [e for e in seen if e.type != "token"]
    assert [e.type for e in transcript.events] == [e.type for e in kept]


def test_journal_lines_are_flushed_as_events_arrive(tmp_path):
    from agents.events import Message

    with ModelPool() as pool:
        prepared = prepare(RunOptions(model="scripted", out=tmp_path), pool)
    prepared.writer.add(Message(phase="opening", speaker="usa", text="We open."))
    lines = prepared.writer.journal_path.read_text().splitlines()
    assert json.loads(lines[-1])["text"] == "We open."


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "t.json"
    path.write_text("old")

    class Boom(str):
        def __str__(self):  # pragma: no cover - not reached
            return "x"

    with pytest.raises(TypeError):
        write_atomically(path, 12345)  # type: ignore[arg-type]
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]
