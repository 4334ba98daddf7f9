"""The one interface every seat implements, whether a model or a person holds it.

The engine hands a delegate what it may see (a ``TurnContext``, ``VoteContext`` or
``PlanContext``) and gets a typed answer back. Nothing here knows how the answer is produced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.ledger import Ledger
from agents.core.memory import Memory
from agents.core.moves import Ballot, Move
from agents.core.outcome import Outcome
from agents.core.personas import Persona
from agents.core.plans import Plan
from agents.core.scenarios import AgendaItem, Phase
from agents.core.usage import Usage

TextSink = Callable[[str], None]


@dataclass(frozen=True)
class TurnContext:
    """What a delegate may see when the chair gives it the floor."""

    cast: Cast
    persona: Persona
    phase: Phase
    agenda_item: AgendaItem | None
    allowed_moves: tuple[str, ...]
    draft: Draft
    memory: Memory
    turn: int
    meeting: tuple[str, ...] | None = None  # the members, when the turn is in a private side meeting
    may_ask_for_meeting: bool = False  # the chair would still grant a side meeting asked for now
    ledger: Ledger = field(default_factory=Ledger)  # the positions this seat may know of
    outcome: Outcome | None = None  # the consensus call's result and the chair's summary, once counted
    plan: Plan | None = None  # the delegation's latest private plan


@dataclass(frozen=True)
class VoteContext:
    """What a delegate may see at the consensus call."""

    cast: Cast
    persona: Persona
    phase: Phase
    draft: Draft
    memory: Memory
    turn: int
    ledger: Ledger = field(default_factory=Ledger)  # the positions this seat may know of
    plan: Plan | None = None  # the delegation's latest private plan


@dataclass(frozen=True)
class PlanContext(VoteContext):
    """What a delegate may see when it plans in private, as the chair is about to open ``phase``.

    The same as at the consensus call; ``plan`` is its previous plan, if it made one.
    """


@dataclass
class TurnResult:
    move: Move
    model: str
    usage: Usage | None = None
    repaired: bool = False
    fallback: bool = False
    note: str | None = None
    passed: bool = False  # the chair passed the turn before the seat answered


@dataclass
class VoteResult:
    ballot: Ballot | None
    model: str
    usage: Usage | None = None
    note: str | None = None
    passed: bool = False  # the chair passed the ballot before the seat answered: no answer, never an abstention


@dataclass
class PlanResult:
    """A plan (None: the seat makes none this time), who made it and at what cost; ``note`` says what went wrong."""

    plan: Plan | None
    model: str
    usage: Usage | None = None
    note: str | None = None


class Delegate(Protocol):
    """A seat at the table. ``label`` says who holds it (a model spec, or a person)."""

    seat: str
    label: str

    async def take_turn(self, context: TurnContext, on_text: TextSink) -> TurnResult: ...

    async def vote(self, context: VoteContext) -> VoteResult: ...

    async def plan(self, context: PlanContext) -> PlanResult: ...
