"""The chair's decisions, as named functions: what it announces, what it tables, who speaks next.

The chair is rule-based except for one choice: when several delegations ask for the floor at
once it may ask its own model to choose. Whatever the model answers, the speaker is always
one of the candidates; nonsense falls back to the longest-waiting request.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from agents.catalog import Cast
from agents.draft import Draft
from agents.engine.programme import Segment
from agents.events import Outcome, Usage
from agents.llm.structured import ask_structured
from agents.moves import FloorChoice, Move
from agents.prompts import render, render_static


@dataclass
class FloorDecision:
    speaker: str
    reason: str
    model: str | None = None
    usage: Usage | None = None
    note: str | None = None


def announcement(cast: Cast, segment: Segment) -> str:
    """What the chair says as a segment opens."""
    return render(
        "chair/phase.j2",
        phase=segment.kind,
        scenario=cast.scenario,
        agenda_item=segment.agenda_item,
        round=segment.round,
        rounds=segment.phase.rounds,
    )


def floor_words(cast: Cast, speaker: str, reason: str) -> str:
    return render_static("chair/floor.j2", speaker=cast.delegations[speaker], reason=reason)


def table_draft(cast: Cast, draft: Draft, turn: int) -> tuple[Draft, list[int]]:
    """The chair's starting text: one clause per agenda item that has one, up to the clause limit."""
    tabled = []
    for item in cast.scenario.agenda:
        if item.chair_clause and len(draft.clauses) < cast.scenario.max_clauses:
            draft = draft.add(item.chair_clause, cast.chair.id, turn, "tabled", agenda_item=item.id)
            tabled.append(draft.clauses[-1].number)
    return draft, tabled


def closing_words(outcome: Outcome) -> str:
    agreed = [c.clause for c in outcome.clauses if c.agreed]
    blocked = [c.clause for c in outcome.clauses if not c.agreed]
    return render("chair/close.j2", outcome=outcome, agreed=agreed, blocked=blocked)


def no_vote_outcome(rule: str) -> Outcome:
    return Outcome(consensus=False, rule=rule, summary="no consensus call was held")


def describe_move(move: Move, short_name: str) -> str:
    """Words for a move that came without any: a bare support, objection or yield."""
    if move.text.strip():
        return move.text.strip()
    target = f" clause {move.clause}" if move.clause else ""
    phrases = {
        "support": f"supports{target}",
        "objection": f"objects to{target or ' the text'}",
        "yield": "yields the floor",
        "proposal": "proposes a clause",
        "amendment": f"proposes to amend{target}",
    }
    return f"{short_name} {phrases.get(move.kind, 'has nothing to add')}."


def admit(move: Move, allowed: tuple[str, ...]) -> Move:
    """Moves the phase does not allow are heard as statements (the draft is not touched)."""
    if move.kind in allowed:
        return move
    return move.model_copy(update={"kind": "statement", "clause": None, "clause_text": None})


async def choose_speaker(
    cast: Cast,
    model: BaseChatModel | None,
    candidates: list[str],
    reason: str,
    segment: Segment,
    recent_speakers: list[str],
) -> FloorDecision:
    """Pick among ``candidates``; the chair's model is consulted only when there is a choice."""
    fallback = FloorDecision(speaker=candidates[0], reason=reason)
    if model is None or len(candidates) < 2:
        return fallback
    messages = [
        SystemMessage(content=render("chair_system.j2", scenario=cast.scenario, chair=cast.chair)),
        HumanMessage(
            content=render(
                "chair_floor.j2",
                phase_title=segment.phase.title,
                agenda_item=segment.agenda_item,
                candidates=[cast.delegations[c] for c in candidates],
                recent=[cast.delegations[s].short_name for s in recent_speakers],
            )
        ),
    ]
    try:
        reply = await ask_structured(model, messages, FloorChoice, text_field="reason")
    except Exception as error:  # the chair falling back is the designed behaviour
        fallback.note = f"chair model failed ({type(error).__name__}); took the earliest request"
        return fallback
    chosen = reply.value.speaker.strip().lower() if reply.value else None
    fallback.model, fallback.usage = reply.model, reply.usage
    if chosen in candidates:
        return FloorDecision(chosen, "chair", reply.model, reply.usage)
    fallback.note = f"chair model named '{chosen}', not a candidate; took the earliest request"
    return fallback
