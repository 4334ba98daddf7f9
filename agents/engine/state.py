"""The session's checkpointed state: small, and the same size however long the talks run."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.ledger import Ledger
from agents.core.memory import Memory
from agents.core.moves import CastVote
from agents.core.outcome import Outcome
from agents.core.plans import Plan
from agents.core.scenarios import Phase
from agents.delegates.base import VoteContext
from agents.engine.floor import FloorState
from agents.engine.programme import MeetingCall

ViewT = TypeVar("ViewT", bound=VoteContext)


def merge_ballots(old: dict[str, list[CastVote]], new: dict[str, list[CastVote]]) -> dict[str, list[CastVote]]:
    """Reducer for the vote fan-out: each parallel vote adds its party's ballot."""
    return {**old, **new}


def merge_plans(old: dict[str, Plan], new: dict[str, Plan]) -> dict[str, Plan]:
    """Reducer for the planning fan-out: each seat's new plan replaces its last one."""
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
    ledger: Ledger = Field(default_factory=Ledger, description="every party's latest position, for the whole session")
    ballots: Annotated[dict[str, list[CastVote]], merge_ballots] = Field(default_factory=dict)
    outcome: Outcome | None = None
    granted_meetings: list[MeetingCall] = Field(default_factory=list, description="granted on request")
    meeting_queue: list[MeetingCall] = Field(default_factory=list, description="granted, not yet held")
    meeting: MeetingCall | None = Field(default=None, description="the requested meeting being held")
    plans: Annotated[dict[str, Plan], merge_plans] = Field(
        default_factory=dict, description="each seat's latest private plan"
    )
    planned: int = Field(default=-1, description="the last segment the delegations planned for")
    opened_at: int = Field(default=0, description="delegate turns taken when the current segment opened")
    ended_early: bool = Field(default=False, description="the instructor ended the talks early")


def seat_task(state: SessionState, party: str) -> dict[str, Any]:
    """What a task fanned out to one seat with ``Send`` (a ballot, a plan) is sent: the state it
    works from, and that seat's latest plan."""
    return {
        "party": party,
        "segment": state.segment,
        "draft": state.draft,
        "memory": state.memory,
        "ledger": state.ledger,
        "turn": state.turn,
        "plan": state.plans.get(party),
    }


def seat_view(kind: type[ViewT], cast: Cast, phase: Phase, task: dict[str, Any]) -> ViewT:
    """What the seat of a ``seat_task`` may see (a ``VoteContext`` or a ``PlanContext``): its own
    side meetings only, in its memory and in the ledger."""
    party = task["party"]
    return kind(
        cast,
        cast.delegations[party],
        phase,
        task["draft"],
        task["memory"].visible_to(party),
        task["turn"],
        ledger=task["ledger"].visible_to(party),
        plan=task["plan"],
    )


CHECKPOINT_TYPES = [
    ("agents.engine.state", "SessionState"),
    ("agents.engine.floor", "FloorState"),
    ("agents.engine.programme", "MeetingCall"),
    ("agents.core.draft", "Draft"),
    ("agents.core.draft", "Clause"),
    ("agents.core.draft", "ClauseRevision"),
    ("agents.core.ledger", "Ledger"),
    ("agents.core.ledger", "LedgerEntry"),
    ("agents.core.memory", "Memory"),
    ("agents.core.memory", "TurnRecord"),
    ("agents.core.moves", "CastVote"),
    ("agents.core.outcome", "Outcome"),
    ("agents.core.outcome", "ClauseOutcome"),
    ("agents.core.outcome", "ConditionCheck"),
    ("agents.core.outcome", "SummaryPoint"),
    ("agents.core.plans", "Plan"),
    ("agents.core.plans", "Concession"),
]
