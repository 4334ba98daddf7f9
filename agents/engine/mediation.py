"""The chair as mediator: bridging wording for a clause that draws objections, tabled in amendments.

At the opening of each amendments round, when the scenario allows it (``chair_bridges``) and
the chair has a model, the chair takes the clause with the most objections (the lowest
number on a tie; at most one per round) and asks its model for wording both sides could
accept, showing it each side's own words (``agents.engine.positions``). A usable answer
(some wording, different from the clause's) becomes an amendment by the chair: the clause's
supporters and objectors are cleared, as for any amendment, and the chair does not count
itself a supporter. Anything else leaves the draft as it was, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from agents.core.catalog import Cast
from agents.core.draft import Clause, Draft, apply_move
from agents.core.events import CHAIR, DraftUpdated, ErrorEvent, Event, Message
from agents.core.ledger import Ledger
from agents.core.moves import ChairProposal, Move
from agents.core.prompts import render
from agents.core.text import shorten
from agents.core.usage import Usage
from agents.engine.positions import ClausePositions, positions_on
from agents.llm.structured import StructuredReply, ask_structured


@dataclass
class Bridge:
    """What came of asking for bridging wording: a new ``draft`` and the chair's ``words``, or a ``note``."""

    clause: int
    draft: Draft | None = None
    words: str = ""
    note: str = ""
    model: str | None = None
    usage: Usage | None = None

    def events(self, phase: str, turn: int) -> list[Event]:
        """The chair's announcement and the draft's update, or the note saying why nothing changed."""
        if self.draft is None:
            return [ErrorEvent(phase=phase, turn=turn, speaker=CHAIR, text=self.note)]
        change = f"chair amended clause {self.clause} with bridging wording"
        return [
            Message(phase=phase, turn=turn, speaker=CHAIR, text=self.words, model=self.model, usage=self.usage),
            DraftUpdated(phase=phase, turn=turn, speaker=CHAIR, change=change, draft=self.draft),
        ]


def clause_to_bridge(draft: Draft) -> Clause | None:
    """The clause with the most objections, the lowest number on a tie; None when no clause has any."""
    objected = [clause for clause in draft.clauses if clause.objectors]
    return min(objected, key=lambda clause: (-len(clause.objectors), clause.number), default=None)


async def bridge(cast: Cast, model: BaseChatModel | None, draft: Draft, ledger: Ledger, turn: int) -> Bridge | None:
    """Ask the chair's model for bridging wording on the most objected clause; None when there is nothing to ask."""
    clause = clause_to_bridge(draft)
    if model is None or clause is None or not cast.scenario.chair_bridges:
        return None
    positions = positions_on(clause, ledger, cast)
    messages = [
        SystemMessage(content=render("chair_system.j2", scenario=cast.scenario, chair=cast.chair)),
        HumanMessage(content=render("chair_bridge.j2", positions=[positions], rule=cast.scenario.consensus_rule)),
    ]
    try:
        reply = await ask_structured(model, messages, ChairProposal, text_field="explanation")
    except Exception as error:  # a failing chair model tables nothing; the session goes on
        return Bridge(clause.number, note=_note(clause, f"the chair's model failed ({type(error).__name__})"))
    return _apply(cast, draft, positions, reply, turn)


def _apply(
    cast: Cast, draft: Draft, positions: ClausePositions, reply: StructuredReply[ChairProposal], turn: int
) -> Bridge:
    clause = positions.clause
    found = Bridge(clause.number, model=reply.model, usage=reply.usage)
    problem = _unusable(clause, reply)
    if problem:
        found.note = _note(clause, problem)
        return found
    assert reply.value is not None  # _unusable said so
    amendment = Move(kind="amendment", clause=clause.number, clause_text=reply.value.clause_text)
    amended, change = apply_move(draft, amendment, cast.chair.id, turn, cast.scenario.max_clauses)
    if change is None:  # the wording, once cleaned, is the clause's own
        found.note = _note(clause, "the reply repeated the clause's wording")
        return found
    found.draft = amended.replace(clause.number, {"supporters": []})  # the chair backs no text: it is not a party
    new_text = found.draft.clause(clause.number)
    found.words = render(
        "chair_says/bridge.j2",
        positions=[positions],
        text=new_text.text if new_text else "",
        explanation=reply.value.explanation.strip(),
    )
    return found


def _unusable(clause: Clause, reply: StructuredReply[ChairProposal]) -> str:
    """Why the reply cannot be tabled, or an empty string if it can."""
    if reply.value is None:
        return f"the reply did not parse ({shorten(reply.error or 'no reply', 120)})"
    proposal = reply.value
    if proposal.clause not in (0, clause.number):
        return f"the reply named clause {proposal.clause}, not clause {clause.number}"
    if not proposal.clause_text.strip():
        return "the reply gave no wording"
    return ""


def _note(clause: Clause, why: str) -> str:
    return f"The chair tabled no bridging wording for clause {clause.number}: {why}; the draft stands."
