"""Private planning: as the chair is about to open a phase the scenario names in ``plan_before``,
every delegation makes a plan for it, at once (``Send`` to one ``make_plan`` task per party,
joined by ``plans_made`` before the chair opens the phase).

A plan is seen by its own seat only: the ``plan`` event carries ``audience=[seat]``, and the
state keeps each seat's latest plan for that seat's later prompts. A failing plan call never
stops the session: the seat goes on with the plan it had (a private error event says why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.core.catalog import Cast
from agents.core.current_turn import during_turn
from agents.core.events import ErrorEvent, Event, PlanMade
from agents.core.scenarios import Scenario
from agents.delegates.base import Delegate, PlanContext, PlanResult
from agents.engine.programme import Segment
from agents.engine.state import SessionState, seat_view


def plans_due(scenario: Scenario, work: SessionState, segment: Segment, budget_spent: bool) -> bool:
    """Whether the delegations plan before ``segment`` (``work.segment`` of the programme) opens.

    Only at the first segment of a phase the scenario plans before, never for a side meeting,
    once per segment (a resumed session does not plan again), and only if some delegation
    will act in it: a vote with clauses to vote on, or any other phase while turns remain.
    """
    if segment.meeting is not None or not segment.first_of_phase or segment.kind not in scenario.plan_before:
        return False
    if work.planned >= work.segment:
        return False
    return bool(work.draft.clauses) if segment.is_vote else not budget_spent


async def make_plan(
    cast: Cast, delegate: Delegate, segment: Segment, task: dict[str, Any], emit: Callable[[Event], None]
) -> dict[str, Any]:
    """Ask ``delegate`` for its plan for ``segment``'s phase; emit it to its own seat only."""
    party = task["party"]
    context = seat_view(PlanContext, cast, segment.phase, task)
    persona = context.persona
    try:
        with during_turn(context.turn):
            result = await delegate.plan(context)
    except Exception as error:  # a failing plan call leaves the seat its last plan; the session goes on
        result = PlanResult(None, delegate.label, note=f"{type(error).__name__}: {error}")
    private = [party]
    if result.note:
        text = f"{persona.short_name}'s plan: {result.note}; it goes on without a new plan"
        emit(ErrorEvent(phase=segment.kind, turn=context.turn, speaker=party, text=text, audience=private))
    if result.plan is None:
        return {}
    plan = PlanMade(
        phase=segment.kind,
        turn=context.turn,
        speaker=party,
        audience=private,
        plan=result.plan,
        for_phase=segment.kind,
        model=result.model,
        usage=result.usage,
    )
    emit(plan)
    return {"plans": {party: result.plan}}
