"""Ask the person in the browser for a move or a ballot, with Chainlit's ask-messages.

Every question uses the scenario's time limit; ``None`` means the person did not answer.
With a ``Line`` (``agents.ui.rejoin``), the prompter sends through whichever browser
connection is attached, and asks its pending question again when another one takes over.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import chainlit as cl

from agents.core.moves import CLAUSE_MOVES, Ballot, ClauseVote, Move
from agents.delegates.advisor import describe_suggestion
from agents.delegates.base import TurnContext, VoteContext
from agents.delegates.human import InputRejected, clean_text
from agents.ui.client import answer_time
from agents.ui.rejoin import Line, ask_through

MOVE_LABELS = {
    "statement": "Make a statement",
    "question": "Ask a question",
    "proposal": "Propose a clause",
    "amendment": "Amend a clause",
    "withdraw": "Withdraw a clause you proposed",
    "support": "Support a clause",
    "objection": "Object to a clause",
    "yield": "Yield the floor",
}
BALLOT_LABELS: dict[str, str] = {"accept": "Accept", "abstain": "Abstain (take no position)", "object": "Object"}
BALLOT_WORDS: dict[str, str] = {"accept": "accept", "abstain": "abstain", "object": "object"}
Advisor = Callable[[TurnContext], Awaitable[list[Move]]]


class ChainlitPrompter:
    """Implements ``agents.delegates.human.Prompter`` for a Chainlit chat."""

    def __init__(self, author: str, timeout_seconds: int, advisor: Advisor | None = None, line: Line | None = None):
        self.author = author
        self.timeout = timeout_seconds
        self.advisor = advisor
        self.line = line  # None: ask in the Chainlit context of the caller
        self.deadline: float | None = None  # when the move or ballot being asked for is due

    def start_clock(self) -> None:
        """A move or a ballot is asked for: its questions share one time limit, as in ``HumanDelegate``."""
        self.deadline = time.monotonic() + self.timeout

    def time_left(self) -> int:
        if self.deadline is None:
            return self.timeout
        return max(1, round(self.deadline - time.monotonic()))

    async def tell(self, text: str) -> None:
        if self.line is not None:
            await self.line.enter()
        await cl.Message(author=self.author, content=text).send()

    async def choose(
        self, content: str, options: dict[str, str], confirm: Callable[[str], str] | None = None
    ) -> str | None:
        """Buttons for ``options`` (value: label); the chosen value, or None on time-out.

        ``confirm`` words the answered question (Chainlit's own says only which button was pressed).
        Asked again, with the time left, on each new connection (``ask_through``).
        """
        asked: list[cl.AskActionMessage] = []

        def question() -> cl.AskActionMessage:
            left = self.time_left()
            actions = [cl.Action(name="choice", payload={"value": v}, label=label) for v, label in options.items()]
            ask = cl.AskActionMessage(
                content=f"{content}\n\n{answer_time(left)}", actions=actions, author=self.author, timeout=left
            )
            asked.append(ask)
            return ask

        answer = await ask_through(self.line, question)
        value = answer["payload"]["value"] if answer else None
        if value is not None and confirm is not None:
            asked[-1].content = confirm(value)
            await asked[-1].update()
        return value

    async def ask_text(self, content: str) -> str | None:
        """Free text, cleaned; asks again (within the time limit) when it is empty or too long."""
        while True:

            def question() -> cl.AskUserMessage:
                left = self.time_left()
                return cl.AskUserMessage(content=f"{content}\n\n{answer_time(left)}", author=self.author, timeout=left)

            answer = await ask_through(self.line, question)
            if answer is None:
                return None
            try:
                return clean_text(answer["output"])
            except InputRejected as problem:
                await self.tell(f"{problem} Please try again.")

    async def ask_move(self, context: TurnContext) -> Move | None:
        self.start_clock()
        meeting_wish: str | None = None
        while True:
            options = {kind: MOVE_LABELS[kind] for kind in offered_moves(context)}
            if context.may_ask_for_meeting and meeting_wish is None:
                options["meeting"] = "Ask for a private meeting"
            if self.advisor is not None:
                options["advisor"] = "Ask the advisor"
            kind = await self.choose(f"**You have the floor** ({context.phase.title}). Choose your move:", options)
            if kind is None:
                return None
            if kind == "advisor":
                await self.show_advice(context)
                continue
            if kind == "meeting":
                meeting_wish = await self.ask_meeting(context)
                continue
            move = await self.complete_move(kind, context)
            return move.model_copy(update={"side_meeting": meeting_wish}) if move and meeting_wish else move

    async def ask_meeting(self, context: TurnContext) -> str | None:
        """Which delegation to meet in private after this round; the chair rules on it after the move."""
        others = {pid: name for pid, name in context.cast.party_names().items() if pid != context.persona.id}
        partner = await self.choose("Meet which delegation in private, after this round?", others)
        if partner:
            await self.tell(f"Noted: the chair will rule on a meeting with {others[partner]} once you have moved.")
        return partner

    async def show_advice(self, context: TurnContext) -> None:
        suggestions = await self.advisor(context) if self.advisor else []
        if not suggestions:
            await self.tell("The advisor has no suggestion this time.")
            return
        lines = "\n".join(f"{i}. {describe_suggestion(move)}" for i, move in enumerate(suggestions, 1))
        await self.tell(f"**Advisor** suggests:\n\n{lines}")

    async def pick_clause(self, context: TurnContext | VoteContext, verb: str) -> int | None:
        clauses = own_clauses(context) if verb == "withdraw" else context.draft.clauses
        options = {str(c.number): f"Clause {c.number}" for c in clauses}
        chosen = await self.choose(f"Which clause do you {verb}?", options)
        return int(chosen) if chosen else None

    async def complete_move(self, kind: str, context: TurnContext) -> Move | None:
        if kind == "yield":
            return Move(kind="yield")
        if kind in ("statement", "question"):
            text = await self.ask_text("Type your statement:" if kind == "statement" else "Type your question:")
            return Move(kind=kind, text=text) if text else None
        if kind == "proposal":
            wording = await self.ask_text("Type the clause you propose for the joint statement:")
            return Move(kind="proposal", text="We propose a new clause.", clause_text=wording) if wording else None
        verbs = {"amendment": "amend", "support": "support", "withdraw": "withdraw"}
        clause = await self.pick_clause(context, verbs.get(kind, "object to"))
        if clause is None:
            return None
        if kind == "withdraw":
            return Move(kind="withdraw", clause=clause, text=f"We withdraw clause {clause}.")
        if kind == "support":
            return Move(kind="support", clause=clause)
        if kind == "amendment":
            wording = await self.ask_text(f"Type the new wording of clause {clause}:")
            return (
                Move(kind="amendment", clause=clause, clause_text=wording, text=f"We propose to amend clause {clause}.")
                if wording
                else None
            )
        reason = await self.ask_text(f"Why do you object to clause {clause}?")
        return Move(kind="objection", clause=clause, text=reason) if reason else None

    async def ask_ballot(self, context: VoteContext) -> Ballot | None:
        """A vote per clause; clauses left unmarked when time runs out are recorded as no answer.

        Every delegation votes at once and the page keeps their ballots sealed until all are in
        (``agents.ui.ballot_box``), so each question comes straight after the last.
        """
        self.start_clock()
        votes: list[ClauseVote] = []
        clauses = context.draft.clauses
        for index, clause in enumerate(clauses, 1):
            question = (
                f"**Consensus call: clause {clause.number}** ({index} of {len(clauses)}). Ballots are sealed: "
                f"nobody sees another's vote until every delegation has voted.\n\n> {clause.text}"
            )
            choice = await self.choose(question, BALLOT_LABELS, ballot_confirmation(clause.number, clause.text))
            if choice is None:
                break
            reason = (
                await self.ask_text(f"Your reason for objecting to clause {clause.number}:")
                if choice == "object"
                else ""
            )
            votes.append(ClauseVote(clause=clause.number, vote=choice, reason=reason or ""))
        return Ballot(votes=votes) if votes else None


def ballot_confirmation(number: int, text: str) -> Callable[[str], str]:
    """How an answered ballot question reads: the clause, its wording, and the vote."""
    return lambda choice: f"**Clause {number}**: you {BALLOT_WORDS[choice]}.\n\n> {text}"


def offered_moves(context: TurnContext) -> list[str]:
    """The moves the phase allows that can be made now: none on a clause when the draft has none,
    no withdrawal when this seat has no clause on the table."""
    kinds = [kind for kind in context.allowed_moves if kind not in CLAUSE_MOVES or context.draft.clauses]
    return [kind for kind in kinds if kind != "withdraw" or own_clauses(context)]


def own_clauses(context: TurnContext | VoteContext) -> list:
    """The clauses on the table that this seat proposed: the only ones it may withdraw."""
    return [c for c in context.draft.clauses if c.proposed_by == context.persona.id]
