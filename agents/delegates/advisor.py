"""The advisor: two or three suggested moves for a person's delegation, from its brief and the session,
and the private plan it suggests to that person at each phase boundary."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from agents.core.moves import Move
from agents.core.plans import Plan
from agents.core.prompts import render
from agents.delegates.base import PlanContext, PlanResult, TurnContext
from agents.delegates.model import plan_messages, turn_messages
from agents.llm.structured import ask_structured

MAX_SUGGESTIONS = 3


class Advice(BaseModel):
    """Suggested moves for the delegation, best first."""

    suggestions: list[Move] = Field(default_factory=list, description="two or three moves")


async def advise(model: BaseChatModel, context: TurnContext) -> list[Move]:
    """Ask ``model`` for suggestions; moves the phase does not allow are dropped. May return []."""
    messages = turn_messages(context)
    messages[-1] = HumanMessage(content=render("advisor.j2", turn=messages[-1].content, persona=context.persona))
    reply = await ask_structured(model, messages, Advice)
    suggestions = reply.value.suggestions if reply.value else []
    allowed = [move for move in suggestions if move.kind in context.allowed_moves]
    return allowed[:MAX_SUGGESTIONS]


async def suggest_plan(model: BaseChatModel, context: PlanContext) -> PlanResult:
    """The plan the advisor suggests to the person: made as a model delegation makes its own, from the same prompt."""
    messages = plan_messages(context)
    messages[-1] = HumanMessage(
        content=render("advisor_plan.j2", instruction=messages[-1].content, persona=context.persona)
    )
    reply = await ask_structured(model, messages, Plan)
    note = None if reply.value is not None else f"the advisor's plan did not parse ({reply.error})"
    return PlanResult(reply.value, reply.model, reply.usage, note)


def describe_suggestion(move: Move) -> str:
    """One line for the person: the kind, the clause, and the words."""
    clause = f" clause {move.clause}" if move.clause else ""
    wording = f" — wording: {move.clause_text}" if move.clause_text else ""
    return f"**{move.kind}{clause}**: {move.text}{wording}"
