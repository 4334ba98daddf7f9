"""Assemble and run one session: scenario and models in, transcript out.

This is the seam the CLI (and later the UI and batch runner) share: it resolves model specs
per seat, seats a ``ModelDelegate`` in each, runs the engine, and feeds every event to the
transcript writer and to the caller's ``on_event``. The transcript is finished (written to
disk) however the run ends, even when it is interrupted.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from agents.core.catalog import Cast, Catalog
from agents.core.events import CHAIR, Event
from agents.core.loading import ConfigError
from agents.core.personas import Persona, load_persona
from agents.delegates.base import Delegate
from agents.delegates.model import ModelDelegate
from agents.engine import Session, SessionConfig
from agents.engine.session import new_session_id
from agents.llm.factory import (
    ModelHandle,
    ModelPool,
    ModelSettings,
    ModelSpecError,
    check_spec,
    compact_prompts,
    default_spec,
)
from agents.llm.recording import Recorder, RecordingChatModel
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript, new_transcript
from agents.sessions.writer import TranscriptWriter

CHECKPOINT_FILE = "checkpoints.sqlite"
EventSink = Callable[[Event], None | Awaitable[None]]


def split_pairs(pairs: Iterable[str], option: str = "--model-for", value: str = "SPEC") -> dict[str, str]:
    """``["dprk=local", ...]`` to ``{"dprk": "local"}``; ``option`` and ``value`` name them in errors."""
    split = {}
    for pair in pairs:
        seat, sep, given = pair.partition("=")
        if not sep or not seat.strip() or not given.strip():
            raise ModelSpecError(f"{option} expects SEAT={value}, got '{pair}'")
        split[seat.strip()] = given.strip()
    return split


def parse_model_for(pairs: list[str]) -> dict[str, str]:
    """``["dprk=openai:gpt-4o", ...]`` to a dict, checking each spec."""
    return {seat: check_spec(spec) for seat, spec in split_pairs(pairs).items()}


def seat_specs(cast: Cast, default: str, overrides: dict[str, str]) -> dict[str, str]:
    """The model spec for every seat (delegations and the chair)."""
    seats = [*cast.delegations, CHAIR]
    unknown = [seat for seat in overrides if seat not in seats]
    if unknown:
        raise ModelSpecError(
            f"--model-for names seats not in this scenario: {', '.join(unknown)} (seats: {', '.join(seats)})"
        )
    return {seat: overrides.get(seat, default) for seat in seats}


def load_persona_overrides(persona_for: dict[str, Path]) -> dict[str, Persona]:
    """``{seat: persona file}`` to personas; a file must describe the seat it is given for."""
    overrides = {}
    for seat, path in persona_for.items():
        persona = load_persona(path)
        if persona.id != seat:
            raise ConfigError(Path(path), [f"id: '{persona.id}' is not the seat '{seat}' it is given for"])
        overrides[seat] = persona
    return overrides


def recorded(handles: dict[str, ModelHandle], recorder: Recorder) -> dict[str, ModelHandle]:
    """The same handles, each model wrapped to record its calls in ``recorder``."""
    return {
        seat: ModelHandle(RecordingChatModel(inner=handle.model, seat=seat, recorder=recorder), handle.label)
        for seat, handle in handles.items()
    }


@dataclass
class PreparedSession:
    session: Session
    writer: TranscriptWriter

    def seat_model(self, seat: str, handle: ModelHandle) -> None:
        """Put ``handle``'s model in ``seat`` before the session runs, its calls recorded like the others'."""
        handle = recorded({seat: handle}, self.writer.recorder or Recorder())[seat]
        self.session.delegates[seat] = ModelDelegate(seat, handle.model, handle.label)


class CastSource(Protocol):
    """Where ``prepare`` gets the cast: a ``Catalog``, or one that reads a cast once for many sessions."""

    def cast(self, name: str, overrides: dict[str, Persona] | None = None) -> Cast: ...


def prepare(
    options: RunSettings,
    pool: ModelPool,
    catalog: CastSource | None = None,
    seats: Mapping[str, Delegate] | None = None,
    models: Mapping[str, ModelHandle] | None = None,
    session_id: str | None = None,
    write_header: bool = True,
) -> PreparedSession:
    """Everything but running: validates inputs and builds models before any model is called.

    ``seats`` puts given delegates (a person, say) in those seats; ``models`` puts given
    models in those seats (replay and fork do); models from specs fill the rest. Every
    model's calls are recorded into the transcript.
    """
    cast = (catalog or Catalog()).cast(options.scenario, overrides=load_persona_overrides(options.persona_for))
    if options.plan_before is not None:
        cast = replace(cast, scenario=cast.scenario.model_copy(update={"plan_before": options.plan_before}))
    default = check_spec(options.model) if options.model else default_spec()[0]
    specs = seat_specs(cast, default, options.model_for)
    given = models or {}
    handles = {
        seat: given.get(seat) or pool.get(spec, seed=options.seed)
        for seat, spec in specs.items()
        if seat not in (seats or {})
    }
    recorder = Recorder()
    handles = recorded(handles, recorder)
    delegates: dict[str, Delegate] = {
        seat: ModelDelegate(seat, handle.model, handle.label, compact_prompts(handle.label))
        for seat, handle in handles.items()
        if seat != CHAIR
    }
    delegates.update(seats or {})
    session_id = session_id or new_session_id(cast.scenario.id)
    checkpoint = options.out / CHECKPOINT_FILE if options.out and options.checkpoints else None
    config = SessionConfig(
        session_id, options.max_turns, options.floor_policy, checkpoint, options.phase_turns, options.item_turns
    )
    session = Session(cast, delegates, chair_model=handles[CHAIR].model, config=config)
    labels = {seat: delegate.label for seat, delegate in delegates.items()}
    labels[CHAIR] = handles[CHAIR].label
    transcript = new_transcript(cast, session_id, labels, options.model_copy(update={"model": default}))
    writer = TranscriptWriter(transcript, options.out, recorder, write_header=write_header)
    return PreparedSession(session, writer)


def model_seat(prepared: PreparedSession, pool: ModelPool, seat: str, spec: str) -> Delegate:
    """A model to hold ``seat`` from now on (a person's seat handed back): recorded like the others."""
    handle = pool.get(check_spec(spec))
    recorder = prepared.writer.recorder
    model = RecordingChatModel(inner=handle.model, seat=seat, recorder=recorder) if recorder else handle.model
    return ModelDelegate(seat, model, handle.label)


async def run_prepared(
    prepared: PreparedSession, on_event: EventSink | None = None, resume: bool = False
) -> Transcript:
    """Run to the end (or, with ``resume``, on from the last checkpoint), recording every event.

    ``on_event`` may be a plain or an async function. The writer journals each event as the
    engine emits it (see ``Session.run``); ``on_event`` sees it when the stream delivers it.
    However the run ends, the engine is stopped (its steps cancelled) before the transcript
    is finished, so that no step goes on behind the written transcript's back.
    """
    try:
        async with aclosing(prepared.session.run(resume=resume, record=prepared.writer.add)) as events:
            async for event in events:
                if on_event is not None:
                    shown = on_event(event)
                    if inspect.isawaitable(shown):
                        await shown
    except sqlite3.Error as error:  # a checkpoint could not be written (a full disk, say)
        path = prepared.session.config.checkpoint_path or Path(CHECKPOINT_FILE)
        raise prepared.writer.save_error(path, error) from error
    finally:
        prepared.writer.finish()
    return prepared.writer.transcript


async def run_session(options: RunSettings, on_event: Callable[[Event], None] | None = None) -> Transcript:
    """Run one session start to finish with its own model pool."""
    with ModelPool(ModelSettings(seed=options.seed)) as pool:
        return await run_prepared(prepare(options, pool), on_event)
