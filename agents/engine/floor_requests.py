"""Requests for the floor made between turns (a person's button, say), taken in by the chair.

A request is taken into the floor at the chair's next pass. Nobody outside a side meeting can
be heard in it: such a request is held for the next pass at the table, and the chair tells the
requester so, once (a ``held`` request).
"""

from __future__ import annotations

from agents.core.catalog import Cast
from agents.core.events import FloorRequested
from agents.engine import chair
from agents.engine.floor import with_request
from agents.engine.programme import Segment
from agents.engine.state import SessionState
from agents.engine.writers import EventWriter, audience


class FloorRequests:
    """The requests waiting for the chair, and who has been told theirs waits for the table."""

    def __init__(self, cast: Cast):
        self.cast = cast
        self.waiting: list[str] = []
        self.told_held: set[str] = set()

    def add(self, party: str) -> None:
        if party in self.cast.scenario.parties and party not in self.waiting:
            self.waiting.append(party)

    def take(self, work: SessionState, segment: Segment, emit: EventWriter) -> None:
        """Move the waiting requests into this pass of the floor (or hold them, outside a meeting)."""
        requests, self.waiting = self.waiting, []
        for party in requests:
            if segment.audience is not None and party not in segment.audience:
                self.hold(work, segment, party, emit)
                continue
            self.told_held.discard(party)
            before = work.floor
            work.floor = with_request(work.floor, party)
            if work.floor != before:
                emit(FloorRequested(phase=segment.kind, turn=work.turn, speaker=party, audience=audience(segment)))

    def hold(self, work: SessionState, segment: Segment, party: str, emit: EventWriter) -> None:
        self.waiting.append(party)
        if party in self.told_held or segment.audience is None:
            return
        self.told_held.add(party)
        text = chair.floor_held_words(self.cast, party, segment.audience)
        emit(FloorRequested(phase=segment.kind, turn=work.turn, speaker=party, held=True, text=text, audience=[party]))
