"""A party whose red line was written into a clause objects at the vote, from what its ballot prompt tells it.

The delegations are function models that read their prompts as a careful delegate would: the
ballot must hand each seat its own red lines and every clause's text, or the check below
cannot object. The United States writes North Korea's first red line, turned around, into a
clause; North Korea must object to that clause, and only to it, and the clause must fail.
"""

from __future__ import annotations

import asyncio
import re

from agents.core.events import Message, SessionEnded
from agents.testing import FunctionChatModel, scripted_session

RED_LINES = re.compile(r"^Your delegation's red lines:\n((?:- .+\n?)+)", re.MULTILINE)
CLAUSE = re.compile(r"^Clause (\d+): (.+)$", re.MULTILINE)


def key_words(red_line: str) -> str:
    """The red line's opening words, which the crossing clause repeats."""
    return " ".join(red_line.split()[:6]).lower()


def careful_ballot(ballot_prompt: str) -> dict:
    """Object to a clause that repeats one of the seat's red lines; accept the rest."""
    found = RED_LINES.search(ballot_prompt)
    lines = [re.sub(r" \[[^\]]+\]$", "", line[2:]) for line in found.group(1).splitlines()] if found else []
    votes = []
    for number, text in CLAUSE.findall(ballot_prompt):
        crossed = next((line for line in lines if key_words(line) in text.lower()), None)
        if crossed:
            votes.append({"clause": int(number), "vote": "object", "reason": f"It crosses our red line: {crossed}"})
        else:
            votes.append({"clause": int(number), "vote": "accept", "reason": "We can accept it."})
    return {"votes": votes}


def test_a_party_objects_to_the_clause_that_crosses_its_red_line():
    session = scripted_session(seed=2)
    red_line = session.cast.delegations["dprk"].red_lines[0].text
    crossing = f"The parties agree that the DPRK will give way: {red_line}"

    def reply(messages, tool):
        last, system = str(messages[-1].content), str(messages[0].content)
        if tool == "Ballot":
            return careful_ballot(last)
        if tool != "Move":
            return {}
        if "Phase: Drafting" in last and "Delegation id: usa\n" in system:
            return {"kind": "proposal", "text": "We propose a clause.", "clause_text": crossing}
        return {"kind": "statement", "text": "We have heard the others."}

    model = FunctionChatModel(reply=reply)
    for delegate in session.delegates.values():
        delegate.model = model
    events = asyncio.run(_drain(session))
    ended = events[-1]
    assert isinstance(ended, SessionEnded)
    proposed = next(e for e in events if isinstance(e, Message) and e.move and e.move.kind == "proposal")
    number = next(c.number for c in ended.draft.clauses if c.proposed_by == "usa")
    counted = next(c for c in ended.outcome.clauses if c.clause == number)
    assert proposed.speaker == "usa"
    assert counted.object == ["dprk"] and counted.status == "rejected"
    others = [c for c in ended.outcome.clauses if c.clause != number]
    assert others and all("dprk" not in c.object for c in others)
    reason = next(v.reason for v in ended.outcome.votes["dprk"] if v.clause == number)
    assert red_line in reason


async def _drain(session) -> list:
    return [event async for event in session.run()]
