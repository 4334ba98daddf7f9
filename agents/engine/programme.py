"""The order of business: a scenario's phases expanded into segments the chair works through.

A segment is one pass of the floor (every party once), the tabling of the draft, or the
consensus call. The chair's position in a session is an index into this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.moves import MOVE_KINDS
from agents.scenarios import AgendaItem, Phase, Scenario

SPEECH_ONLY = ("statement", "question", "yield")
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    "opening": SPEECH_ONLY,
    "discussion": ("statement", "question", "support", "objection", "yield"),
    "drafting": ("proposal", "amendment", "support", "objection", "statement", "yield"),
    "amendments": ("amendment", "support", "objection", "statement", "question", "yield"),
    "consensus": (),
    "closing": SPEECH_ONLY,
}
assert all(kind in MOVE_KINDS for kinds in ALLOWED_MOVES.values() for kind in kinds)


@dataclass(frozen=True)
class Segment:
    """One step of the programme. ``first_of_phase`` marks where a phase header is announced."""

    phase_index: int
    phase: Phase
    agenda_item: AgendaItem | None
    round: int
    first_of_phase: bool

    @property
    def kind(self) -> str:
        return self.phase.kind

    @property
    def is_vote(self) -> bool:
        return self.phase.kind == "consensus"

    @property
    def allowed_moves(self) -> tuple[str, ...]:
        return ALLOWED_MOVES[self.phase.kind]


def build_programme(scenario: Scenario) -> list[Segment]:
    """Expand the scenario's phases: discussion runs ``rounds`` passes per agenda item."""
    segments: list[Segment] = []
    for index, phase in enumerate(scenario.phases):
        if phase.kind == "discussion":
            passes = [(item, r) for item in scenario.agenda for r in range(1, phase.rounds + 1)]
        elif phase.kind == "amendments":
            passes = [(None, r) for r in range(1, phase.rounds + 1)]
        else:
            passes = [(None, 1)]
        for number, (item, round_number) in enumerate(passes):
            segments.append(Segment(index, phase, item, round_number, first_of_phase=number == 0))
    return segments
