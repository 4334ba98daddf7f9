"""The scripted model's private plan: a deterministic ``Plan`` read from the persona's own words.

It follows ``prompts/plan.j2`` (the phase about to open) and the facts ``PromptFacts`` reads
from the system prompt and the briefing:

- goals: for the opening, the opening position; later, the priorities by agenda item (else
  the interests), two of them, chosen by the prompt's digest;
- concessions: one, worded from an interest: patience on the order of steps, in return for it;
- work with: two of the delegations the persona has views on;
- red lines at risk: each red line that shares at least a quarter of its content words with
  a clause of the draft, or is closest in words to a clause the delegation objected to.
"""

from __future__ import annotations

import re

from langchain_core.messages import BaseMessage

from agents.core.text import coverage
from agents.llm.scripted.moves import PromptFacts

AT_RISK = 0.25
_NEXT_PHASE = re.compile(r"about to open the next phase: (?P<title>[^.\n]+)\.")


def _first_sentence(text: str) -> str:
    sentence = text.strip().split(". ")[0].rstrip(".")
    return sentence[:1].upper() + sentence[1:] if sentence else ""


def _two(options: list[str], digest: bytes, salt: int) -> list[str]:
    """Up to two distinct options, starting at one the digest picks."""
    if not options:
        return []
    start = digest[salt % len(digest)] % len(options)
    return list(dict.fromkeys([options[start], options[(start + 1) % len(options)]]))


def next_phase(messages: list[BaseMessage]) -> str:
    """The title of the phase the plan is for, lower-cased ('' if the prompt does not say)."""
    last = messages[-1].content if messages else ""
    found = _NEXT_PHASE.search(last if isinstance(last, str) else str(last))
    return found.group("title").strip().lower() if found else ""


def red_lines_at_risk(facts: PromptFacts) -> list[str]:
    """The red lines a clause of the draft comes close to, in the persona's words."""
    at_risk = []
    for line in facts.red_lines:
        near = any(coverage(line, text) >= AT_RISK for text in facts.clauses.values())
        objected = any(
            max(facts.red_lines, key=lambda red: coverage(red, facts.clauses[number])) == line
            for number in facts.objected
            if number in facts.clauses
        )
        if near or objected:
            at_risk.append(_first_sentence(line))
    return at_risk


def plan_for(facts: PromptFacts, messages: list[BaseMessage], digest: bytes) -> dict:
    """A plan for the phase about to open, worded from the persona's own claims."""
    if "opening" in next_phase(messages):
        sources = facts.opening or facts.interests
    else:
        sources = list(facts.priorities.values()) or facts.interests
    goals = [_first_sentence(text) for text in _two(sources, digest, 20)]
    interest = _two(facts.interests, digest, 21)
    concessions = (
        [
            {
                "give": "Patience on the order and timing of steps, short of our red lines",
                "in_return": _first_sentence(interest[0]),
            }
        ]
        if interest
        else []
    )
    return {
        "goals": goals,
        "concessions": concessions,
        "work_with": _two(facts.relations, digest, 22),
        "red_lines_at_risk": red_lines_at_risk(facts),
    }
