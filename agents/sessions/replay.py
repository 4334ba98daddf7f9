"""Replay a session from its transcript's recording, without any model, and compare transcripts.

``replay_transcript`` seats a ``ReplayChatModel`` in every seat (the chair's included), each
answering from the recorded calls of that seat, and runs the session again with the
original settings. The engine, prompts and parsing run for real; only the models are
replaced. The result is the same transcript apart from the fields listed in ``VOLATILE``.

Volatile, and so normalised before comparing:

- ``session_id`` (also in the ``session_started`` event), ``started``, ``finished``, and
  every event's ``time``;
- the order of events emitted concurrently by the vote (``vote_cast`` events, and the
  ballots' ``error`` events, in the consensus phase) and by the delegations' private plans
  (``plan`` events, and their ``error`` events): they arrive in the order the calls finish,
  which depends on the model's latency; ``normalised`` orders each such run by speaker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents.core.catalog import Catalog
from agents.core.events import CHAIR, Event
from agents.llm.factory import ModelHandle, ModelPool
from agents.llm.playback import ReplayChatModel, Tape
from agents.sessions.run import PreparedSession, prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript

VOLATILE = ("session_id", "started", "finished", "events[].time", "events[session_started].session_id")


class ReplayError(ValueError):
    """A transcript that cannot be replayed (no recording, or no settings to rebuild it from)."""


def options_from(transcript: Transcript, out: Path | None) -> RunSettings:
    """The settings the session ran with, written to ``out`` this time."""
    settings = transcript.settings
    if settings.model is None:  # a transcript written without one: the scripted model was the only offline one
        settings = settings.model_copy(update={"model": "scripted"})
    return settings.where(out)


def seat_labels(transcript: Transcript) -> dict[str, str]:
    """Which model played each seat, as the transcript names it."""
    labels = {delegation.id: delegation.model for delegation in transcript.delegations}
    labels[CHAIR] = transcript.chair.model
    return labels


def replay_handles(transcript: Transcript, tape: Tape) -> dict[str, ModelHandle]:
    """A replaying model for every seat, labelled as the original was."""
    return {
        seat: ModelHandle(ReplayChatModel(tape=tape, seat=seat), label)
        for seat, label in seat_labels(transcript).items()
    }


def prepare_replay(
    transcript: Transcript, out: Path | None, catalog: Catalog | None = None
) -> tuple[PreparedSession, Tape]:
    """The session ready to replay, and the tape it plays from (its ``divergences`` say where prompts differed)."""
    if not transcript.recording:
        raise ReplayError(f"transcript {transcript.session_id} has no recording of its model calls to replay")
    tape = Tape(transcript.recording)
    prepared = prepare(options_from(transcript, out), ModelPool(), catalog, models=replay_handles(transcript, tape))
    prepared.writer.transcript.parent = transcript.parent
    return prepared, tape


async def replay_transcript(
    transcript: Transcript, out: Path | None = None, on_event: Callable[[Event], Any] | None = None
) -> tuple[Transcript, list[str]]:
    """Run the session again from its recording. Returns the new transcript and where prompts diverged."""
    prepared, tape = prepare_replay(transcript, out)
    replayed = await run_prepared(prepared, on_event)
    return replayed, tape.divergences


def normalised(transcript: Transcript) -> str:
    """The transcript as JSON with the volatile fields blanked and concurrent vote events ordered."""
    data = json.loads(transcript.model_dump_json())
    data["session_id"] = data["started"] = data["finished"] = None
    for event in data["events"]:
        event["time"] = None
        if event["type"] == "session_started":
            event["session_id"] = None
    data["events"] = _order_vote_runs(data["events"])
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)


def _order_vote_runs(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered: list[dict[str, Any]] = []
    run: list[dict[str, Any]] = []
    for event in events:
        if _concurrent(event):
            run.append(event)
            continue
        ordered += sorted(run, key=lambda e: (e["speaker"], e["type"]))
        run = []
        ordered.append(event)
    return ordered + sorted(run, key=lambda e: (e["speaker"], e["type"]))


def _concurrent(event: dict[str, Any]) -> bool:
    """Whether the event is one of a run emitted at once: a ballot, a plan, or a delegation's error beside them."""
    if event["type"] == "plan":
        return True
    voting = event["phase"] == "consensus" and event["type"] in ("vote_cast", "error")
    planning = event["type"] == "error" and event["audience"] == [event["speaker"]]  # a plan's error is private
    return (voting or planning) and event["speaker"] != CHAIR


def first_difference(left: str, right: str) -> str | None:
    """None if the two normalised texts are equal, else the first differing line of each."""
    if left == right:
        return None
    for number, (a, b) in enumerate(zip(left.splitlines(), right.splitlines(), strict=False), start=1):
        if a != b:
            return f"line {number}: {a.strip()!r} != {b.strip()!r}"
    return "one is a prefix of the other"
