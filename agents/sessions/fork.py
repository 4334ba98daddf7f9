"""Fork a session at a turn: keep its first turns as they were, and play on under a change.

A fork replays its parent's recorded calls up to the end of delegate turn ``at`` (a
``ForkChatModel`` in every seat), then each seat's live model takes over: another model
(``model_for``), another persona (``persona_for``), or the same ones with nothing changed,
in which case a deterministic model plays the parent's session again. The new transcript
records its ``parent`` (session id and turn) and its own recording, so it can itself be
replayed or forked.

Forks are made from the recording, not from the LangGraph checkpoints: a transcript is
enough, and it works where the checkpoint database is gone or was never written. The cost
is running the engine through the first turns again, with no model, in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.core.catalog import Catalog
from agents.core.events import CHAIR, Event
from agents.llm.factory import LOCAL_LABEL, SCRIPTED_LABEL, ModelHandle, ModelPool, ModelSpecError
from agents.llm.playback import ForkChatModel, ReplayChatModel, Tape
from agents.llm.recording import TurnClock
from agents.sessions.replay import ReplayError, options_from, seat_labels
from agents.sessions.run import PreparedSession, prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import ParentRef, Transcript


@dataclass(kw_only=True)
class ForkOptions:
    """Where to fork and what to change in the parent's ``RunSettings``. ``max_turns`` None keeps its cap."""

    at: int
    model_for: dict[str, str] = field(default_factory=dict)
    persona_for: dict[str, Path] = field(default_factory=dict)
    max_turns: int | None = None
    out: Path | None = None


def delegate_turns(transcript: Transcript) -> int:
    """How many delegate turns the session had."""
    return max((e.turn for e in transcript.events if e.type == "message" and e.speaker != CHAIR), default=0)


def events_through_turn(events: list[Event], turn: int) -> list[Event]:
    """The events up to the end of delegate turn ``turn``: what a fork at ``turn`` shares with its parent.

    That is everything before the chair acts after that turn. For turn 0, everything before
    the delegations first plan (a fork makes its own plans after its turn) or the chair first
    gives the floor.
    """
    if turn == 0:
        after = (i for i, e in enumerate(events) if e.type == "floor_given" or _planning(e))
        return events[: next(after, len(events))]
    end, speaker = None, None
    for index, event in enumerate(events):
        if end is None:
            if event.type == "message" and event.turn == turn and event.speaker != CHAIR:
                end, speaker = index + 1, event.speaker
        elif event.turn == turn and event.speaker == speaker and event.type in ("draft_updated", "floor_requested"):
            end = index + 1
        else:
            break
    return events[: end or 0]


def _planning(event: Event) -> bool:
    """A plan, or the private error of a plan that failed."""
    return event.type == "plan" or (event.type == "error" and event.audience == [event.speaker])


def same_through_turn(parent: Transcript, fork: Transcript, turn: int) -> bool:
    """Whether the two sessions' events agree up to the end of ``turn``, times and session ids aside."""

    def kept(transcript: Transcript) -> list[str]:
        events = events_through_turn(transcript.events, turn)
        return [event.model_dump_json(exclude={"time", "session_id"}) for event in events]

    return kept(parent) == kept(fork)


def spec_for_label(label: str) -> str | None:
    """The model spec behind a transcript's model label, where the label tells."""
    if label == LOCAL_LABEL:
        return "local"
    if label == SCRIPTED_LABEL:
        return "scripted"
    return label if label.startswith("openai:") else None


def live_handle(seat: str, label: str, options: ForkOptions, pool: ModelPool, seed: int | None) -> ModelHandle:
    """The model that plays ``seat`` after the fork point, and its label."""
    spec = options.model_for.get(seat) or spec_for_label(label)
    if spec is None:
        raise ForkError(f"cannot tell which model played {seat} ('{label}'): give --model-for {seat}=SPEC")
    handle = pool.get(spec, seed=seed)
    return handle if seat in options.model_for else ModelHandle(handle.model, label)


class ForkError(ReplayError):
    """A fork that cannot be made: no recording, a turn out of range, an unknown seat."""


def check_fork(parent: Transcript, options: ForkOptions) -> None:
    if not parent.recording:
        raise ForkError(f"transcript {parent.session_id} has no recording of its model calls to fork from")
    turns = delegate_turns(parent)
    if not 0 <= options.at <= turns:
        raise ForkError(f"--at {options.at}: the session has turns 0 to {turns}")
    seats = seat_labels(parent)
    unknown = [seat for seat in options.model_for if seat not in seats]
    if unknown:
        raise ModelSpecError(f"--model-for names seats not in this session: {', '.join(unknown)}")


def fork_settings(parent: Transcript, options: ForkOptions) -> RunSettings:
    """The parent's settings with the fork's changes: what the fork's transcript records."""
    inherited = options_from(parent, options.out)
    changes: dict[str, Any] = {
        "model_for": {**inherited.model_for, **options.model_for},
        "persona_for": {**inherited.persona_for, **options.persona_for},
    }
    if options.max_turns is not None:
        changes["max_turns"] = options.max_turns
    return inherited.model_copy(update=changes)


def prepare_fork(
    parent: Transcript, options: ForkOptions, pool: ModelPool, catalog: Catalog | None = None
) -> PreparedSession:
    """The fork, ready to run: every seat replays up to turn ``options.at``, then plays live."""
    check_fork(parent, options)
    run_options = fork_settings(parent, options)
    tape, clock = Tape(parent.recording), TurnClock()
    handles = {}
    for seat, label in seat_labels(parent).items():
        live = live_handle(seat, label, options, pool, run_options.seed)
        replay = ReplayChatModel(tape=tape, seat=seat)
        model = ForkChatModel(
            inner=live.model, replay=replay, tape=tape, seat=seat, through_turn=options.at, clock=clock
        )
        handles[seat] = ModelHandle(model, live.label)
    prepared = prepare(run_options, pool, catalog, models=handles)
    prepared.writer.transcript.parent = ParentRef(session_id=parent.session_id, turn=options.at)
    return prepared


async def fork_transcript(
    parent: Transcript, options: ForkOptions, pool: ModelPool, on_event: Callable[[Event], Any] | None = None
) -> Transcript:
    """Run the fork to its end and return its transcript (written to ``options.out`` if given)."""
    return await run_prepared(prepare_fork(parent, options, pool), on_event)
