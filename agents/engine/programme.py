"""The order of business: a scenario's phases expanded into segments the chair works through.

A segment is one pass of the floor (every party once, or every member of a private side
meeting), the tabling of the draft, or the consensus call. The chair's position in a session
is an index into this list; a side meeting granted on request is held between two segments
and is not in the list (see ``meeting_segment``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from agents.core.moves import MOVE_KINDS
from agents.core.scenarios import AgendaItem, Phase, Scenario

SPEECH_ONLY = ("statement", "question", "yield")
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    "opening": SPEECH_ONLY,
    "discussion": ("statement", "question", "support", "objection", "yield"),
    "drafting": ("proposal", "amendment", "withdraw", "support", "objection", "statement", "yield"),
    "amendments": ("amendment", "withdraw", "support", "objection", "statement", "question", "yield"),
    "consensus": (),
    "closing": SPEECH_ONLY,
    "side_meeting": SPEECH_ONLY,
}
assert all(kind in MOVE_KINDS for kinds in ALLOWED_MOVES.values() for kind in kinds)


class MeetingCall(BaseModel):
    """A private side meeting: who sits in it, on what, and who asked for it (None: the scenario)."""

    members: tuple[str, ...]
    topic: str = ""
    requested_by: str | None = None


@dataclass(frozen=True)
class Segment:
    """One step of the programme. ``first_of_phase`` marks where a phase header is announced.

    ``meeting`` is set for a private side meeting: only its members take the floor, and only
    they see what is said.
    """

    phase_index: int
    phase: Phase
    agenda_item: AgendaItem | None
    round: int
    first_of_phase: bool
    meeting: MeetingCall | None = None

    @property
    def audience(self) -> tuple[str, ...] | None:
        """The seats that may see what is said in this segment; None: everyone."""
        return self.meeting.members if self.meeting else None

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
        passes: list[tuple[AgendaItem | None, int]]
        if phase.kind == "discussion":
            passes = [(item, r) for item in scenario.agenda for r in range(1, phase.rounds + 1)]
        elif phase.kind == "amendments":
            passes = [(None, r) for r in range(1, phase.rounds + 1)]
        else:
            passes = [(None, 1)]
        for number, (item, round_number) in enumerate(passes):
            segments.append(Segment(index, phase, item, round_number, first_of_phase=number == 0))
        for meeting in scenario.side_meetings:
            if meeting.after == phase.kind:
                call = MeetingCall(members=tuple(meeting.members), topic=meeting.topic)
                segments += meeting_segments(call, index, meeting.rounds)
    return segments


def meeting_segments(call: MeetingCall, phase_index: int, rounds: int = 1) -> list[Segment]:
    """The passes of the floor of one side meeting, held after phase ``phase_index``."""
    phase = Phase(kind="side_meeting", rounds=rounds)
    return [Segment(phase_index, phase, None, r, first_of_phase=r == 1, meeting=call) for r in range(1, rounds + 1)]


def meeting_segment(call: MeetingCall) -> Segment:
    """The segment of a side meeting granted on request: one pass of the floor among its members."""
    return meeting_segments(call, phase_index=-1)[0]
