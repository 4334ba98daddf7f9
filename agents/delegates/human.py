"""A seat held by a person. The engine sees the same interface as for a model.

How the person is asked (a web page, a terminal) is a ``Prompter``'s business; this class
adds the rules every front end shares: a time limit after which the delegation yields (or,
at the consensus call, gives no answer on the clauses it did not mark: never an abstention,
which a person chooses), and clean text.

A person's seat plans through its advisor: at each phase boundary the ``planner`` (the
advisor's ``suggest_plan``, say) makes the plan, which the engine records as a private
``plan`` event that the person's page shows them, and which the advisor then sees in its
later prompts. A seat without a planner makes no plan: no model call, no event, no error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from agents.core.moves import Ballot, Move
from agents.delegates.base import (
    PlanContext,
    PlanResult,
    TextSink,
    TurnContext,
    TurnResult,
    VoteContext,
    VoteResult,
)
from agents.delegates.clock import TurnClock

MAX_TEXT_CHARS = 4000
PERSON_LABEL = "person"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_Answer = TypeVar("_Answer")
Planner = Callable[[PlanContext], Awaitable[PlanResult]]


class InputRejected(ValueError):
    """A person's text that cannot be used as it is; the message says why."""


def clean_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Normalise a person's text: drop control characters, trim; refuse empty or over-long text."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text or "")).strip()
    if not text:
        raise InputRejected("The text is empty.")
    if len(text) > limit:
        raise InputRejected(f"The text is {len(text)} characters long; the limit is {limit}.")
    return text


class Prompter(Protocol):
    """Asks the person; returns None if they did not answer."""

    async def ask_move(self, context: TurnContext) -> Move | None: ...

    async def ask_ballot(self, context: VoteContext) -> Ballot | None: ...

    async def tell(self, text: str) -> None: ...


class HumanDelegate:
    """A delegation played by a person through ``prompter``, with ``timeout_seconds`` per answer.

    ``planner`` makes the seat's private plans (None: it makes none).
    """

    def __init__(
        self,
        seat: str,
        prompter: Prompter,
        timeout_seconds: float,
        label: str = PERSON_LABEL,
        grace_seconds: float = 5,
        planner: Planner | None = None,
    ):
        self.seat = seat
        self.prompter = prompter
        self.timeout_seconds = timeout_seconds
        self.label = label
        self.grace_seconds = grace_seconds
        self.planner = planner
        self._clock: TurnClock | None = None
        self._passed = False

    async def _within_time(self, asking: Awaitable[_Answer | None]) -> _Answer | None:
        """The prompter's answer; None if it gave none, hung past the limit (plus a grace period),
        or the chair passed the turn. ``extend_time`` moves the limit while it runs."""
        self._clock = TurnClock(self.timeout_seconds + self.grace_seconds)
        try:
            return await self._clock.wait(asking)
        finally:
            self._passed = self._clock.passed
            self._clock = None

    def extend_time(self, seconds: float) -> bool:
        """Give the running answer (a turn or a ballot) ``seconds`` more; False if the person is not being asked."""
        if self._clock is None:
            return False
        self._clock.extend(seconds)
        return True

    def pass_turn(self) -> bool:
        """End the running answer now: a turn yields, a ballot gives no answer (the engine says the chair passed it)."""
        if self._clock is None:
            return False
        self._clock.pass_turn()
        return True

    async def take_turn(self, context: TurnContext, on_text: TextSink) -> TurnResult:
        move = await self._within_time(self.prompter.ask_move(context))
        if move is None and self._passed:
            await self.prompter.tell("The chair passed your turn: your delegation yields the floor.")
            return TurnResult(Move(kind="yield"), self.label, passed=True)
        if move is None:
            note = f"no answer within {self.timeout_seconds:.0f} s: {context.persona.short_name} yields"
            await self.prompter.tell(f"Time is up: your delegation yields the floor ({self.timeout_seconds:.0f} s).")
            return TurnResult(Move(kind="yield"), self.label, note=note)
        return TurnResult(move, self.label)

    async def vote(self, context: VoteContext) -> VoteResult:
        ballot = await self._within_time(self.prompter.ask_ballot(context))
        if ballot is None and self._passed:
            await self.prompter.tell("The chair passed your ballot: every clause is recorded as no answer.")
            return VoteResult(None, self.label, passed=True)
        if ballot is None:
            await self.prompter.tell("Time is up: clauses you did not mark are recorded as no answer.")
            return VoteResult(None, self.label, note=f"no ballot within {self.timeout_seconds:.0f} s")
        return VoteResult(ballot, self.label)

    async def plan(self, context: PlanContext) -> PlanResult:
        """The advisor's suggested plan; none (and no note) for a seat without a planner."""
        if self.planner is None:
            return PlanResult(None, self.label)
        return await self.planner(context)
