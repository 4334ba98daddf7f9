"""Assemble and run one session: scenario and models in, transcript out.

This is the seam the CLI (and later the UI and batch runner) share: it resolves model specs
per seat, seats a ``ModelDelegate`` in each, runs the engine, and feeds every event to the
transcript writer and to the caller's ``on_event``. The transcript is finished (written to
disk) however the run ends, even when it is interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agents.catalog import Cast, Catalog
from agents.delegates.base import Delegate
from agents.delegates.model import ModelDelegate
from agents.engine import Session, SessionConfig
from agents.engine.session import new_session_id
from agents.events import CHAIR, Event
from agents.llm.factory import ModelPool, ModelSettings, ModelSpecError, check_spec, default_spec
from agents.transcript import Transcript, TranscriptWriter, new_transcript

CHECKPOINT_FILE = "checkpoints.sqlite"


@dataclass
class RunOptions:
    scenario: str = "six-party-2003"
    model: str | None = None
    model_for: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    max_turns: int | None = None
    out: Path | None = None
    floor_policy: str = "requests-first"


def parse_model_for(pairs: list[str]) -> dict[str, str]:
    """``["dprk=openai:gpt-4o", ...]`` to a dict, checking each spec."""
    overrides = {}
    for pair in pairs:
        seat, sep, spec = pair.partition("=")
        if not sep or not seat or not spec:
            raise ModelSpecError(f"--model-for expects SEAT=SPEC, got '{pair}'")
        overrides[seat.strip()] = check_spec(spec.strip())
    return overrides


def seat_specs(cast: Cast, default: str, overrides: dict[str, str]) -> dict[str, str]:
    """The model spec for every seat (delegations and the chair)."""
    seats = [*cast.delegations, CHAIR]
    unknown = [seat for seat in overrides if seat not in seats]
    if unknown:
        raise ModelSpecError(
            f"--model-for names seats not in this scenario: {', '.join(unknown)} (seats: {', '.join(seats)})"
        )
    return {seat: overrides.get(seat, default) for seat in seats}


@dataclass
class PreparedSession:
    session: Session
    writer: TranscriptWriter


def prepare(
    options: RunOptions,
    pool: ModelPool,
    catalog: Catalog | None = None,
    seats: dict[str, Delegate] | None = None,
) -> PreparedSession:
    """Everything but running: validates inputs and builds models before any model is called.

    ``seats`` puts given delegates (a person, say) in those seats; models fill the rest.
    """
    cast = (catalog or Catalog()).cast(options.scenario)
    default = check_spec(options.model) if options.model else default_spec()[0]
    specs = seat_specs(cast, default, options.model_for)
    handles = {seat: pool.get(spec) for seat, spec in specs.items() if seat not in (seats or {})}
    delegates: dict[str, Delegate] = {
        seat: ModelDelegate(seat, handle.model, handle.label) for seat, handle in handles.items() if seat != CHAIR
    }
    delegates.update(seats or {})
    session_id = new_session_id(cast.scenario.id)
    checkpoint = options.out / CHECKPOINT_FILE if options.out else None
    config = SessionConfig(session_id, options.max_turns, options.floor_policy, checkpoint)
    session = Session(cast, delegates, chair_model=handles[CHAIR].model, config=config)
    labels = {seat: delegate.label for seat, delegate in delegates.items()}
    labels[CHAIR] = handles[CHAIR].label
    settings = {
        "model": default,
        "seed": options.seed,
        "max_turns": options.max_turns,
        "floor_policy": options.floor_policy,
    }
    writer = TranscriptWriter(new_transcript(cast, session_id, labels, settings), options.out)
    return PreparedSession(session, writer)


async def run_prepared(prepared: PreparedSession, on_event: Callable[[Event], None] | None = None) -> Transcript:
    try:
        async for event in prepared.session.run():
            prepared.writer.add(event)
            if on_event is not None:
                on_event(event)
    finally:
        prepared.writer.finish()
    return prepared.writer.transcript


async def run_session(options: RunOptions, on_event: Callable[[Event], None] | None = None) -> Transcript:
    """Run one session start to finish with its own model pool."""
    with ModelPool(ModelSettings(seed=options.seed)) as pool:
        return await run_prepared(prepare(options, pool), on_event)
