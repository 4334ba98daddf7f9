"""Who holds each seat when a stopped session is resumed.

An instructor may have handed a seat over (``Session.hand_seat``): the kept events' last
``seat_changed`` for a seat names its holder, else the transcript's first one does. A resume
seats that holder again where it can: a model, built again from the spec its label names
(``spec_of_label``). A person cannot be seated by ``parley resume``, nor a model whose label no
backend gives: the seat keeps the model the session's settings give it, and the transcript
says so with a ``seat_changed`` event of its own, so that it never credits a holder with turns
it did not take.
"""

from __future__ import annotations

from collections.abc import Iterable

from agents.core.events import Event, SeatChanged
from agents.engine.controls import seat_changed
from agents.llm.factory import ModelPool, ModelSpecError, spec_of_label
from agents.sessions.run import PreparedSession
from agents.sessions.transcript import Transcript


def seat_holders(header: Transcript, events: Iterable[Event]) -> dict[str, str]:
    """Each seat's holder after ``events``: the last handover's, else the one the session started with."""
    holders = {delegation.id: delegation.model for delegation in header.delegations}
    for event in events:
        if isinstance(event, SeatChanged) and event.speaker in holders:
            holders[event.speaker] = event.current
    return holders


def reseat(
    prepared: PreparedSession, holders: dict[str, str], pool: ModelPool, seed: int | None, from_turn: int
) -> list[SeatChanged]:
    """Seat each holder again where it can; a ``seat_changed`` for every seat whose holder could not be."""
    changed = []
    for seat, holder in holders.items():
        if prepared.session.delegates[seat].label == holder:
            continue
        if not seat_again(prepared, seat, holder, pool, seed):
            changed.append(stand_in(prepared, seat, holder, from_turn))
    return changed


def seat_again(prepared: PreparedSession, seat: str, holder: str, pool: ModelPool, seed: int | None) -> bool:
    """Seat the model ``holder`` names; False if it names none that can be built here."""
    spec = spec_of_label(holder)
    if spec is None:
        return False
    try:
        handle = pool.get(spec, seed=seed)
    except ModelSpecError:  # openai:<name> without OPENAI_API_KEY, say
        return False
    prepared.seat_model(seat, handle)
    return True


def stand_in(prepared: PreparedSession, seat: str, holder: str, from_turn: int) -> SeatChanged:
    """The handover to the settings' model that takes the seat of a holder that could not be seated again."""
    current = prepared.session.delegates[seat].label
    why = f": the session was resumed without {holder}"
    return seat_changed(prepared.session.cast, seat, holder, current, from_turn, why)
