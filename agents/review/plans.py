"""The delegations' private plans in a review: each plan, for which phase, made when.

A plan is heard by its own seat only, so a whole-session review shows every delegation's
plans and a seat's view (``--as SEAT``) only that seat's own (``Transcript.seen_by``).
"""

from __future__ import annotations

from agents.core.events import PlanMade
from agents.review.schema import PlanSummary
from agents.sessions.transcript import Transcript


def private_plans(transcript: Transcript) -> list[PlanSummary]:
    """Every plan the transcript (or this view of it) holds, in the order they were made."""
    return [
        PlanSummary(turn=event.turn, delegation=event.speaker or "", for_phase=event.for_phase, plan=event.plan)
        for event in transcript.events
        if isinstance(event, PlanMade)
    ]
