"""Transcripts are never half-written: events are journalled as they happen, the JSON is replaced atomically."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from agents.core.output import write_atomically
from agents.llm.factory import ModelPool
from agents.sessions.run import prepare, run_prepared, run_session
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript


async def test_an_interrupted_session_keeps_every_event_so_far(tmp_path):
    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", out=tmp_path), pool)
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
    # every event seen, and any the engine had emitted but the stream not yet delivered
    assert [e.type for e in transcript.events][: len(kept)] == [e.type for e in kept]


async def test_private_plans_survive_the_journal_and_the_transcript_with_their_task(tmp_path):
    from agents.sessions.journal import read_journal

    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", seed=2, max_turns=3, out=tmp_path), pool)
    journalled = []

    def keep_the_journal(event):
        if event.type == "session_ended":  # the journal is removed once the transcript is complete
            journalled.extend(read_journal(prepared.writer.journal_path).entries)

    transcript = await run_prepared(prepared, keep_the_journal)
    plans = [e.model_dump() for e in transcript.events if e.type == "plan"]
    assert len(plans) == 12  # before the openings and before the vote: no turns were left for drafting
    loaded = load_transcript(tmp_path / f"{transcript.session_id}.json")
    assert [e.model_dump() for e in loaded.events if e.type == "plan"] == plans
    from_journal = [entry for entry in journalled if entry.event.type == "plan"]
    assert [entry.event.model_dump() for entry in from_journal] == plans
    assert all(entry.task and entry.task.startswith("make_plan:") for entry in from_journal)
    assert all(e.audience == [e.speaker] for e in loaded.events if e.type == "plan")


def test_journal_lines_are_flushed_as_events_arrive(tmp_path):
    from agents.core.events import Message

    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", out=tmp_path), pool)
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


def numbered_lines(count: int, task: str = "delegate_turn:1") -> list[str]:
    from agents.core.events import Message
    from agents.sessions.journal import journal_line

    return [journal_line(Message(phase="opening", text=f"m{n}"), task, n) for n in range(1, count + 1)]


def test_a_journal_line_cut_in_the_middle_is_named_by_file_and_line(tmp_path):
    from agents.core.loading import ConfigError
    from agents.sessions.journal import read_journal

    path = tmp_path / "x.events.jsonl"
    first, second, third = numbered_lines(3)
    path.write_text(first + second[:20] + "\n" + third)
    with pytest.raises(ConfigError, match=r"x\.events\.jsonl: invalid\n  line 2: not a whole JSON line"):
        read_journal(path)
    path.write_bytes((first + third).encode())
    with pytest.raises(ConfigError, match=r"line 2: numbered 3: a line before it is missing"):
        read_journal(path)


@pytest.mark.parametrize(("cut", "task"), [(40, "delegate_turn:1"), (25, None)])
def test_a_torn_last_line_is_reported_with_its_task_if_it_got_that_far(tmp_path, cut, task):
    from agents.sessions.journal import TornLine, read_journal

    path = tmp_path / "x.events.jsonl"
    first, second = numbered_lines(2)
    path.write_text(first + second[:cut])
    contents = read_journal(path)
    assert [entry.event.text for entry in contents.entries] == ["m1"]
    assert contents.torn == TornLine(2, task, task_known=task is not None)


def full_disk_after(monkeypatch: pytest.MonkeyPatch, lines: int) -> None:
    """After ``lines`` journal lines the disk is full: one more write gets half a line down, then ENOSPC."""
    real_write = os.write
    journalled = 0

    def write(fd: int, data) -> int:
        nonlocal journalled
        if not os.readlink(f"/proc/self/fd/{fd}").endswith(".events.jsonl"):
            return real_write(fd, data)
        if journalled < lines:
            journalled += 1
            return real_write(fd, data)
        if journalled == lines:
            journalled += 1
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)


async def resumed_events(session_id: str, folder) -> list[str]:
    from agents.sessions.resume import resume_session
    from tests.test_crash_resume import comparable

    with ModelPool() as pool:
        transcript = await resume_session(session_id, folder, pool)
    assert transcript.status == "complete"
    return comparable(transcript.events)


async def uninterrupted_events(seed: int) -> list[str]:
    from agents.sessions.run import run_session
    from tests.test_crash_resume import comparable

    return comparable((await run_session(RunSettings(model="scripted", seed=seed))).events)


async def test_a_full_disk_while_journalling_keeps_whole_lines_and_the_session_resumes(tmp_path, monkeypatch):
    from agents.sessions.journal import read_journal
    from agents.sessions.writer import SaveError

    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", seed=5, out=tmp_path), pool)
        full_disk_after(monkeypatch, 50)
        with pytest.raises(SaveError) as raised:
            await run_prepared(prepared)
    writer, session_id = prepared.writer, prepared.writer.transcript.session_id
    message = str(raised.value)
    assert message.startswith(f"cannot write {writer.journal_path}: the disk is full. The journal so far is kept")
    assert f"`parley resume {session_id} --out {tmp_path}` continues the session" in message
    journal = read_journal(writer.journal_path)
    assert len(journal.entries) == 50 and journal.torn is None  # the half line was cut off again
    saved = load_transcript(writer.json_path)
    assert saved.status == "interrupted" and len(saved.events) == 50
    monkeypatch.undo()
    assert await resumed_events(session_id, tmp_path) == await uninterrupted_events(5)


async def test_a_full_disk_at_the_final_write_keeps_the_whole_journal_and_the_session_resumes(tmp_path, monkeypatch):
    from agents.sessions.writer import SaveError

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with ModelPool() as pool:
        prepared = prepare(RunSettings(model="scripted", seed=5, out=tmp_path), pool)
        monkeypatch.setattr(os, "fsync", full)  # every atomic write fsyncs before its rename
        with pytest.raises(SaveError, match="the disk is full. The journal so far is kept") as raised:
            await run_prepared(prepared)
    writer, session_id = prepared.writer, prepared.writer.transcript.session_id
    assert str(raised.value).startswith(f"cannot write {writer.markdown_path}")
    assert load_transcript(writer.json_path).status == "running"  # the header: the old file stays
    assert '"type": "session_ended"' in writer.journal_path.read_text().splitlines()[-1]
    monkeypatch.undo()
    assert await resumed_events(session_id, tmp_path) == await uninterrupted_events(5)


def test_the_cli_reports_a_full_disk_as_exit_2_without_a_traceback(tmp_path, monkeypatch, capsys):
    from agents.cli import main

    full_disk_after(monkeypatch, 30)
    code = main(["run", "--model", "scripted", "--seed", "5", "--out", str(tmp_path), "--quiet"])
    stderr = capsys.readouterr().err
    assert code == 2, stderr
    assert "error: cannot write" in stderr and "the disk is full" in stderr and "Traceback" not in stderr
    session_id = next(tmp_path.glob("*.events.jsonl")).name.removesuffix(".events.jsonl")
    assert f"`parley resume {session_id} --out {tmp_path}` continues the session" in stderr


async def test_a_version_1_transcript_still_loads_with_its_flat_settings(tmp_path):
    transcript = await run_session(RunSettings(model="scripted", seed=2, max_turns=2, out=tmp_path))
    path = tmp_path / f"{transcript.session_id}.json"
    data = json.loads(path.read_text())
    data["schema_version"] = 1
    data["settings"] = {
        "model": "scripted",
        "seed": 2,
        "max_turns": 2,
        "floor_policy": "requests-first",
        "scenario": "six-party-2003",
        "model_for": "dprk=scripted,chair=scripted",
        "persona_for": "russia=/somewhere/russia.yaml",
    }
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    loaded = load_transcript(old)
    assert loaded.schema_version == 2
    assert [e.model_dump() for e in loaded.events] == [e.model_dump() for e in transcript.events]
    assert loaded.settings.model_for == {"dprk": "scripted", "chair": "scripted"}
    assert loaded.settings.persona_for == {"russia": Path("/somewhere/russia.yaml")}
    assert loaded.settings.seed == 2 and loaded.settings.max_turns == 2


async def test_the_chairs_summary_survives_the_round_trip_and_older_transcripts_load_without_it(tmp_path):
    transcript = await run_session(RunSettings(model="scripted", seed=1, out=tmp_path))
    path = tmp_path / f"{transcript.session_id}.json"
    loaded = load_transcript(path)
    assert loaded.outcome.chair_summary == transcript.outcome.chair_summary != []
    ended = next(e for e in loaded.events if e.type == "session_ended")
    assert ended.outcome.chair_summary == transcript.outcome.chair_summary
    data = json.loads(path.read_text())
    del data["outcome"]["chair_summary"]
    for event in data["events"]:
        if event["type"] == "session_ended":
            del event["outcome"]["chair_summary"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    assert load_transcript(old).outcome.chair_summary == []
