"""Scenario files: who sits at the table, who chairs, what is on the agenda, how the talks run."""

from __future__ import annotations

import datetime
from datetime import date
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, model_validator

from agents.core.ids import SafeId
from agents.core.loading import load_model
from agents.core.personas import Strict

PhaseKind = Literal["opening", "discussion", "drafting", "amendments", "consensus", "closing", "side_meeting"]
ConsensusRule = Literal["no_objection", "unanimous", "majority"]

PHASE_TITLES: dict[str, str] = {
    "opening": "Opening statements",
    "discussion": "Discussion of the agenda",
    "drafting": "Drafting the joint statement",
    "amendments": "Amendments",
    "consensus": "Consensus call",
    "closing": "Closing statements",
    "side_meeting": "Private side meeting",
}
# Phases after which a side meeting may be held (set in the scenario or asked for at the table).
MeetingPhase = Literal["opening", "discussion", "drafting", "amendments"]
MEETING_PHASES: tuple[MeetingPhase, ...] = get_args(MeetingPhase)
# Where each delegation plans in private by default: before the openings, the drafting and the vote.
PLAN_BEFORE: tuple[PhaseKind, ...] = ("opening", "drafting", "consensus")


class AgendaItem(Strict):
    """One agenda item. ``chair_clause`` is the starting text the chair tables when drafting."""

    id: SafeId
    title: str = Field(min_length=3)
    chair_clause: str | None = Field(default=None, min_length=10)


class Phase(Strict):
    """A phase of the session. ``rounds`` counts full rounds of the floor (discussion, amendments)."""

    kind: PhaseKind
    rounds: int = Field(default=1, ge=1, le=10)

    @property
    def title(self) -> str:
        return PHASE_TITLES[self.kind]


class SideMeeting(Strict):
    """A meeting set in the scenario, held in private after a phase: only its members hear it."""

    members: list[str] = Field(min_length=2, max_length=3)
    after: MeetingPhase = Field(description="the phase after which it is held")
    topic: str = Field(default="", max_length=200)
    rounds: int = Field(default=1, ge=1, le=3)
    sources: list[str] = Field(default_factory=list)


class Scenario(Strict):
    """A negotiation setting. Party and chair ids refer to persona files."""

    id: SafeId
    title: str = Field(min_length=3)
    venue: str = Field(min_length=2)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    as_of: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="knowledge date: delegations are told no claim dated after it (default: date)",
    )
    chair: SafeId
    parties: list[SafeId] = Field(min_length=2)
    brief: str = Field(min_length=20, description="background every delegation is given: facts, not the essay's views")
    essay_view: str = Field(
        default="",
        description="what the essay argues here: for people and the review, never sent to a delegation",
    )
    sources: list[str] = Field(default_factory=list, description="essay paragraphs it draws on")
    agenda: list[AgendaItem] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1)
    consensus_rule: ConsensusRule = "no_objection"
    max_clauses: int = Field(default=8, ge=1, le=30)
    human_timeout_seconds: int = Field(default=300, ge=5)
    side_meetings: list[SideMeeting] = Field(default_factory=list)
    max_requested_meetings: int = Field(
        default=2, ge=0, le=10, description="side meetings the chair grants on request, per session"
    )
    chair_bridges: bool = Field(
        default=True, description="the chair's model tables bridging wording for an objected clause in amendments"
    )
    plan_before: list[PhaseKind] = Field(
        default_factory=lambda: list(PLAN_BEFORE),
        description="phases before which every delegation makes a private plan (one model call each); [] for none",
    )

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Scenario:
        for field, value in (("date", self.date), ("as_of", self.as_of)):
            if value is not None:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise ValueError(f"{field}: '{value}' is not a calendar date") from None
        if self.as_of is not None and self.as_of > self.date:
            raise ValueError(f"as_of: '{self.as_of}' is after the scenario's date '{self.date}'")
        _require_unique("parties", self.parties)
        _require_unique("agenda", [item.id for item in self.agenda])
        if self.chair in self.parties:
            raise ValueError(f"chair: '{self.chair}' is a delegation, not a chair persona")
        self._check_side_meetings()  # first: it says where a 'side_meeting' phase belongs
        self._check_phases_once()
        self._check_plan_before()
        return self

    def _check_phases_once(self) -> None:
        # A phase is known by its kind (side meetings are held 'after' one): a kind given twice is
        # ambiguous, and more passes are what 'rounds' is for.
        first: dict[str, int] = {}
        for index, phase in enumerate(self.phases):
            if phase.kind in first:
                raise ValueError(
                    f"phases[{index}].kind: '{phase.kind}' is already phases[{first[phase.kind]}]; "
                    "each phase comes once (give it more rounds instead)"
                )
            first[phase.kind] = index

    def _check_plan_before(self) -> None:
        # A kind the scenario lacks is allowed (it never comes, so no plan is made), a side meeting is not.
        _require_unique("plan_before", list(self.plan_before))
        for index, kind in enumerate(self.plan_before):
            if kind == "side_meeting":
                raise ValueError(f"plan_before[{index}]: delegations plan before phases, never before a side meeting")

    def _check_side_meetings(self) -> None:
        for index, phase in enumerate(self.phases):
            if phase.kind == "side_meeting":
                raise ValueError(f"phases[{index}].kind: side meetings go under 'side_meetings', not 'phases'")
        kinds = {phase.kind for phase in self.phases}
        for index, meeting in enumerate(self.side_meetings):
            _require_unique(f"side_meetings[{index}].members", meeting.members)
            for member in meeting.members:
                if member not in self.parties:
                    raise ValueError(f"side_meetings[{index}].members: '{member}' is not a party")
            if meeting.after not in kinds:
                raise ValueError(f"side_meetings[{index}].after: the scenario has no '{meeting.after}' phase")

    @property
    def knowledge_date(self) -> datetime.date:
        """The day the delegations' knowledge stops: ``as_of``, or the scenario's ``date``."""
        return date.fromisoformat(self.as_of or self.date)

    @property
    def long_date(self) -> str:
        """The scenario's date as a brief writes it: ``27 August 2003``."""
        day = date.fromisoformat(self.date)
        return f"{day.day} {day:%B %Y}"

    def agenda_item(self, item_id: str) -> AgendaItem:
        return next(item for item in self.agenda if item.id == item_id)


def _require_unique(field: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            raise ValueError(f"{field}[{index}]: duplicate id '{item_id}'")
        seen.add(item_id)


def load_scenario(path: Path | str) -> Scenario:
    """Load and validate one scenario file (its own fields only; see Catalog for references)."""
    return load_model(path, Scenario)
