"""The advisor: two or three suggested moves for a person's delegation, from its brief and the session."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from agents.core.moves import Move
from agents.core.prompts import render
from agents.delegates.base import TurnContext
from agents.delegates.model import turn_messages
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


def describe_suggestion(move: Move) -> str:
    """One line for the person: the kind, the clause, and the words."""
    clause = f" clause {move.clause}" if move.clause else ""
    wording = f" — wording: {move.clause_text}" if move.clause_text else ""
    return f"**{move.kind}{clause}**: {move.text}{wording}"
