"""Seats at the table: anything that can take a turn and cast a ballot, model or person."""

from agents.delegates.base import (
    Delegate,
    PlanContext,
    PlanResult,
    TurnContext,
    TurnResult,
    VoteContext,
    VoteResult,
)
from agents.delegates.model import ModelDelegate

__all__ = [
    "Delegate",
    "ModelDelegate",
    "PlanContext",
    "PlanResult",
    "TurnContext",
    "TurnResult",
    "VoteContext",
    "VoteResult",
]
