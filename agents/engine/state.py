"""The session's checkpointed state: small, and the same size however long the talks run."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from agents.draft import Draft
from agents.engine.floor import FloorState
from agents.engine.programme import MeetingCall
from agents.events import Outcome
from agents.memory import Memory
from agents.moves import CastVote


def merge_ballots(old: dict[str, list[CastVote]], new: dict[str, list[CastVote]]) -> dict[str, list[CastVote]]:
    """Reducer for the vote fan-out: each parallel vote adds its party's ballot."""
    return {**old, **new}


class SessionState(BaseModel):
    segment: int = Field(default=0, description="index into the programme")
    segment_open: bool = False
    floor: FloorState = Field(default_factory=FloorState)
    rotation: int = 0
    turn: int = Field(default=0, description="delegate turns completed")
    speaker: str | None = None
    draft: Draft = Field(default_factory=Draft)
    memory: Memory = Field(default_factory=Memory)
    ballots: Annotated[dict[str, list[CastVote]], merge_ballots] = Field(default_factory=dict)
    outcome: Outcome | None = None
    granted_meetings: list[MeetingCall] = Field(default_factory=list, description="granted on request")
    meeting_queue: list[MeetingCall] = Field(default_factory=list, description="granted, not yet held")
    meeting: MeetingCall | None = Field(default=None, description="the requested meeting being held")


CHECKPOINT_TYPES = [
    ("agents.engine.state", "SessionState"),
    ("agents.engine.floor", "FloorState"),
    ("agents.engine.programme", "MeetingCall"),
    ("agents.draft", "Draft"),
    ("agents.draft", "Clause"),
    ("agents.draft", "ClauseRevision"),
    ("agents.memory", "Memory"),
    ("agents.memory", "TurnRecord"),
    ("agents.moves", "CastVote"),
    ("agents.events", "Outcome"),
    ("agents.events", "ClauseOutcome"),
]
