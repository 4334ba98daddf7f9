"""The scripted model as the chair's mediator: bridging wording read from ``prompts/chair_bridge.j2``.

It takes the clause as it stands and the objectors' own words, and writes the clause again
with a qualifier drawn from the first objection, so offline sessions exercise the chair's
proposals. The same prompt always gives the same wording.
"""

from __future__ import annotations

import re

from langchain_core.messages import BaseMessage

_STANDS = re.compile(r"^Clause (?P<number>\d+) as it stands[^\n]*:\n(?P<text>[^\n]+)$", re.MULTILINE)
_OBJECTORS = "Who objects, in their own words:"
NO_WORDS = "(no words on record)"


def bridge_for(messages: list[BaseMessage]) -> dict:
    """``ChairProposal`` arguments: the clause kept, with the first objection's concern written in."""
    text = "\n".join(m.content if isinstance(m.content, str) else str(m.content) for m in messages[1:])
    found = _STANDS.search(text)
    if found is None:
        return {}
    objections = _objections(text)
    names = [name for name, _ in objections]
    concern = next((_concern(words) for _, words in objections if words != NO_WORDS), "")
    qualifier = f"the concern that {concern}" if concern else f"the concerns of {', '.join(names) or 'all parties'}"
    wording = f"{found.group('text').strip().rstrip('.')}, with due regard to {qualifier}."
    explanation = f"This keeps the clause's aim and meets the objection of {', '.join(names) or 'the table'}."
    return {"clause": int(found.group("number")), "clause_text": wording, "explanation": explanation}


def _objections(text: str) -> list[tuple[str, str]]:
    """``(name, words)`` for each bullet under the objectors' heading."""
    section = text.split(_OBJECTORS, 1)[1] if _OBJECTORS in text else ""
    found = []
    for line in section.strip().splitlines():
        if not line.startswith("- "):
            break
        name, _, words = line[2:].partition(": ")
        found.append((name.strip(), words.strip()))
    return found


def _concern(words: str) -> str:
    """The substance of an objection: what follows ``as drafted:`` (or a first colon), first sentence only."""
    if words.endswith("…"):  # cut short: drop the broken last word
        words = words[:-1].rsplit(" ", 1)[0]
    for marker in ("as drafted: ", ": "):
        if marker in words:
            words = words.split(marker, 1)[1]
            break
    sentence = words.split(". ")[0].strip().rstrip(".…")
    return sentence[:1].lower() + sentence[1:]
