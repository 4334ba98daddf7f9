"""The scripted model judging a session against the record: a deterministic ``RecordJudgement``.

It reads the bracketed points and texts of ``prompts/record_judge.j2`` and decides each point
with the lexical matcher (``agents.core.record_match``), so tests get the same answer every
time; the review labels it ``judge: scripted``. It finds departures
(``prompts/departure_judge.j2``) by the same rule: an act whose text holds enough of a line's
words, paired as the review pairs them (acceptances and proposals with what was refused,
objections with what was held).
"""

from __future__ import annotations

import re

from langchain_core.messages import BaseMessage

from agents.core.record_match import THRESHOLD, overlap

_ITEM = re.compile(r"^- \[(?P<label>[^\]]+)\] (?P<text>.+)$")


def _items(text: str, heading: str) -> list[tuple[str, str]]:
    """The ``- [label] text`` lines under the line starting with ``heading``, up to the next blank line."""
    found, inside = [], False
    for line in text.splitlines():
        if line.strip().startswith(heading):
            inside = True
        elif inside and not line.strip():
            break
        elif inside and (item := _ITEM.match(line)):
            found.append((item.group("label"), item.group("text")))
    return found


def record_reply(messages: list[BaseMessage]) -> dict:
    """The ``RecordJudgement`` arguments for this prompt: each point against its closest text."""
    prompt = "\n".join(m.content if isinstance(m.content, str) else str(m.content) for m in messages)
    texts = _items(prompt, "Texts the session agreed:")
    answers: list[dict] = []
    for point, said in _items(prompt, "Points of the record:"):
        score, where = max(((overlap(said, text), label) for label, text in texts), key=lambda p: p[0], default=(0, ""))
        matched = score >= THRESHOLD
        reason = f"{score:.0%} of its words in {where}" if where else "the session agreed no text"
        answers.append({"point": point, "matched": matched, "where": where if matched else "", "reason": reason})
    carried = sum(1 for answer in answers if answer["matched"])
    return {"points": answers, "summary": f"{carried} point(s) carried (scripted, by rule)."}


def departure_reply(messages: list[BaseMessage]) -> dict:
    """The ``DepartureJudgement`` arguments for this prompt: each act against each line it can depart from."""
    prompt = "\n".join(m.content if isinstance(m.content, str) else str(m.content) for m in messages)
    lines = _items(prompt, "The documented position of")
    found = []
    for act, text in _items(prompt, "What "):
        wanted = "held" if act.startswith("objected") else "refused"
        for line, said in lines:
            recorded = said.split(": ", 1)[-1]
            if line.startswith(wanted) and overlap(recorded, text) >= THRESHOLD:
                found.append({"act": act, "line": line, "reason": f"{overlap(recorded, text):.0%} of its words"})
    return {"departures": found, "summary": f"{len(found)} departure(s) (scripted, by rule)."}
