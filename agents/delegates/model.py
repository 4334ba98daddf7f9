"""A seat held by a chat model: render the prompt from templates, ask for a typed move."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agents.core.catalog import Cast
from agents.core.ledger import ledger_view
from agents.core.memory import Memory
from agents.core.moves import Ballot, Move
from agents.core.personas import Persona
from agents.core.plans import Plan
from agents.core.prompts import render, render_static
from agents.delegates.base import (
    PlanContext,
    PlanResult,
    TextSink,
    TurnContext,
    TurnResult,
    VoteContext,
    VoteResult,
)
from agents.llm.structured import ask_structured

# The embedded model's ledger lines keep this much of a statement (the ledger keeps 120
# characters): about 15 tokens a line less, read afresh at every call of a 150-token-a-second model.
COMPACT_LEDGER_CHARS = 60


def briefing(context: TurnContext | VoteContext | PlanContext, agenda_item=None, compact: bool = False) -> str:
    """The state of the talks: every opening in full, the draft, the ledger, the phase.

    What stays the same from one call of a seat to its next comes first (the openings once
    given), what changes after: a prompt cache (the embedded server's, or an OpenAI prefix
    cache) then reuses the longest possible start of the seat's previous prompt. The setting
    and the agenda are in the system prompt's head, the same for every seat. ``compact`` (the
    embedded model) cuts each ledger line's words to ``COMPACT_LEDGER_CHARS``: the ledger is
    most of what a seat reads afresh at each call.
    """
    cast = context.cast
    names = cast.names()
    seat = context.persona.id
    ledger = context.ledger.for_prompt_of(seat)
    return render(
        "briefing.j2",
        phase_title=context.phase.title,
        agenda_item=agenda_item,
        draft=context.draft,
        openings=[(names[p], ledger.openings[p]) for p in cast.scenario.parties if p in ledger.openings],
        ledger=ledger_view(
            ledger, cast.scenario.parties, names, context.draft.texts(), COMPACT_LEDGER_CHARS if compact else None
        ),
        private_meetings=any(entry.audience for entry in ledger.entries),
    )


def recent_turns(memory: Memory, own_seat: str, names: dict[str, str]) -> list[BaseMessage]:
    """Earlier speeches as their own messages: ours as the assistant's, others' as quoted input.

    Turns of a private side meeting the seat sat in are marked as such; those it did not sit in
    are not in its memory at all (``Memory.visible_to``), and ``heard_by`` filters them again.
    Opening statements are left out: the briefing holds them in full.
    """
    messages: list[BaseMessage] = []
    for record in memory.heard_by(own_seat):
        if record.phase == "opening" and record.audience is None and record.kind == "statement":
            continue
        if record.speaker == own_seat:
            messages.append(AIMessage(content=record.text))
            continue
        speaker = names.get(record.speaker, record.speaker)
        where = ", in private" if record.audience else ""
        messages.append(HumanMessage(content=f"[{speaker}, {record.kind}{where}] {record.text}"))
    return messages


def system_prompt(persona: Persona, cast: Cast, compact: bool = False) -> str:
    """The delegation's system prompt. Rendered once per persona and cast: it is the same every turn.

    It opens with what every delegation is told alike (``table.j2``: the session, its
    background and agenda, how to take part) and only then gives the delegation's own brief,
    so that a prompt cache reuses that head across seats as well as across a seat's calls.
    ``compact`` (the embedded model's seats) leaves out each claim's source and how the
    delegation sees the others: about 500 tokens a brief that a 135M model reads at 150 a second.
    """
    return render_static("delegate_system.j2", persona=persona, cast=cast, compact=compact)


def ballot_instructions(context: VoteContext, compact: bool = False) -> str:
    """The consensus call: the table's rule explained, the seat's own red lines, the clauses.

    ``compact`` (the embedded model) leaves out the red lines and the clauses, which its brief
    and the draft in the briefing just above already give: about 250 tokens a ballot.
    """
    scenario = context.cast.scenario
    return render(
        "vote.j2",
        draft=context.draft,
        persona=context.persona,
        rule=scenario.consensus_rule,
        party_count=len(scenario.parties),
        compact=compact,
    )


def turn_instructions(context: TurnContext) -> str:
    """What the chair asks of the speaker: the same for every turn of a segment, so rendered once."""
    others = context.cast.delegations
    return render_static(
        "turn.j2",
        persona=context.persona,
        phase=context.phase.kind,
        phase_title=context.phase.title,
        agenda_item=context.agenda_item,
        allowed_moves=tuple(context.allowed_moves),
        meeting_with=tuple(others[m].short_name for m in context.meeting or () if m != context.persona.id),
        may_ask_for_meeting=context.may_ask_for_meeting,
        parties=tuple(pid for pid in others if pid != context.persona.id),
        outcome=context.outcome,
    )


def turn_messages(context: TurnContext, compact: bool = False) -> list[BaseMessage]:
    turn = turn_instructions(context)
    return [
        SystemMessage(content=system_prompt(context.persona, context.cast, compact)),
        HumanMessage(content=briefing(context, context.agenda_item, compact)),
        *recent_turns(context.memory, context.persona.id, context.cast.names()),
        *plan_shown(context.plan),
        HumanMessage(content=turn),
    ]


def vote_messages(context: VoteContext, compact: bool = False) -> list[BaseMessage]:
    return [
        SystemMessage(content=system_prompt(context.persona, context.cast, compact)),
        HumanMessage(content=briefing(context, compact=compact)),
        *recent_turns(context.memory, context.persona.id, context.cast.names()),
        *plan_shown(context.plan),
        HumanMessage(content=ballot_instructions(context, compact)),
    ]


def plan_shown(plan: Plan | None) -> list[BaseMessage]:
    """The seat's latest private plan as a message of its own, placed right before the instruction,
    where the model reads it last before it answers; nothing if it has no plan, or a blank one."""
    if plan is None or plan.is_blank():
        return []
    return [HumanMessage(content=render("plan_shown.j2", plan=plan))]


def plan_instructions(context: PlanContext, compact: bool = False) -> str:
    """What a delegation is asked as the chair is about to open a phase: the same for every plan before it.

    ``compact`` (the embedded model) does not repeat the red lines its brief gives.
    """
    return render_static(
        "plan.j2",
        persona=context.persona,
        phase=context.phase.kind,
        phase_title=context.phase.title,
        parties=tuple(pid for pid in context.cast.delegations if pid != context.persona.id),
        compact=compact,
    )


def plan_messages(context: PlanContext, compact: bool = False) -> list[BaseMessage]:
    return [
        SystemMessage(content=system_prompt(context.persona, context.cast, compact)),
        HumanMessage(content=briefing(context, compact=compact)),
        *recent_turns(context.memory, context.persona.id, context.cast.names()),
        *plan_shown(context.plan),
        HumanMessage(content=plan_instructions(context, compact)),
    ]


class ModelDelegate:
    """A delegation played by ``model``. Bad output never raises: it becomes a statement.

    ``compact`` gives it the embedded model's shorter prompts: the compact brief
    (``system_prompt``), shorter ledger lines, and plans and ballots that do not repeat them.
    """

    def __init__(self, seat: str, model: BaseChatModel, label: str, compact: bool = False):
        self.seat = seat
        self.model = model
        self.label = label
        self.compact = compact

    async def take_turn(self, context: TurnContext, on_text: TextSink) -> TurnResult:
        reply = await ask_structured(self.model, turn_messages(context, self.compact), Move, on_text)
        if reply.value is not None:
            note = "reply cut off at the reply limit; taken as far as it went" if reply.cut_off else None
            return TurnResult(reply.value, reply.model, reply.usage, repaired=reply.repaired, note=note)
        move = Move(kind="statement", text=reply.text or "")
        note = f"reply did not parse as a move ({reply.error}); taken as a statement"
        return TurnResult(move, reply.model, reply.usage, fallback=True, note=note)

    async def vote(self, context: VoteContext) -> VoteResult:
        reply = await ask_structured(self.model, vote_messages(context, self.compact), Ballot, text_field="reason")
        note = None if reply.value is not None else f"ballot did not parse ({reply.error})"
        return VoteResult(reply.value, reply.model, reply.usage, note)

    async def plan(self, context: PlanContext) -> PlanResult:
        reply = await ask_structured(self.model, plan_messages(context, self.compact), Plan)
        note = None if reply.value is not None else f"plan did not parse ({reply.error})"
        return PlanResult(reply.value, reply.model, reply.usage, note)
