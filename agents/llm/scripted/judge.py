"""The scripted model as a judge: a deterministic ``DelegationScore`` computed from the judge prompt.

It reads the sections of ``prompts/judge.j2`` (interests, red lines, final text, ballot,
moves on the draft) and scores by rule, so tests get the same scores every time:

- interests: an interest is served when one of its sentences has at least half its content
  words in the agreed clauses; the score is the served share, out of 10;
- red lines crossed: for each agreed clause the delegation voted against, the number of the
  red line closest in words to its reason;
- grounded turns: the statements at the table that carry at least ``GROUNDED`` (40%) of the
  content words of one sentence (of three content words or more) of a sourced position;
- as the paraphrase check (``Disclosures``): an instruction is revealed by a statement at the
  table that carries half the content words of one of its sentences of five or more;
- consistency: 10, less 3 for each clause it proposed, amended or supported and then voted
  against, and 1 for each clause it chose to abstain on. A clause it gave no answer on (its
  ballot failed) is not its choice and costs nothing; the reasons say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage

from agents.core.text import content_words, coverage, sentences, shorten

SERVED = 0.5
GROUNDED = 0.4
MIN_WORDS = 3
DISCLOSED_WORDS = 5
_CLAUSE = re.compile(r"^Clause (?P<number>\d+) \((?P<status>agreed|rejected|undecided|not voted)\): (?P<text>.*)$")
_VOTE = re.compile(r"^Clause (?P<number>\d+): (?P<vote>accept|object|abstain|no_answer)\.\s*(?P<reason>.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d+)\. (?P<text>.*)$")
_STATEMENT = re.compile(r"^Turn (?P<turn>\d+) \((?P<kind>[^)]*)\): (?P<text>.*)$")
_MOVE = re.compile(r"^Turn \d+: (?P<kind>proposal|amendment|support|objection)(?: clause (?P<number>\d+))?")
PRIVATE = "in a side meeting"
BACKING = ("amendment", "support")


def _bullets(text: str) -> dict[str, list[str]]:
    """Bulleted lines under each ``Heading:`` line, keyed by the heading's first three words."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("- ") and current is not None:
            current.append(line[2:].strip())
        elif line.endswith(":") and not line.startswith("- "):
            current = found.setdefault(" ".join(line.split()[:3]), [])
        elif line.strip():
            current = None
    return found


def numbered(lines: list[str]) -> list[str]:
    """The texts of ``1. text`` lines, in order (anything else, such as ``(none)``, left out)."""
    return [match.group("text") for line in lines if (match := _NUMBERED.match(line))]


def statement_lines(lines: list[str]) -> dict[int, str]:
    """``Turn 6 (statement): text`` lines as text by turn, those said in a side meeting left out."""
    found = {}
    for line in lines:
        match = _STATEMENT.match(line)
        if match and PRIVATE not in match.group("kind"):  # words said in a side meeting are not public
            found[int(match.group("turn"))] = match.group("text")
    return found


def carries(source: str, text: str, share: float, least: int = MIN_WORDS) -> bool:
    """Whether ``text`` has ``share`` of the content words of one sentence (of ``least`` or more) of ``source``."""
    return any(
        len(content_words(sentence)) >= least and coverage(sentence, text) >= share for sentence in sentences(source)
    )


@dataclass
class JudgeFacts:
    """What the scripted judge reads from the prompt."""

    interests: list[str] = field(default_factory=list)
    red_lines: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    statements: dict[int, str] = field(default_factory=dict)
    agreed: dict[int, str] = field(default_factory=dict)
    votes: dict[int, tuple[str, str]] = field(default_factory=dict)
    backed: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, messages: list[BaseMessage]) -> JudgeFacts:
        """Read the facts from a rendered ``judge.j2`` prompt."""
        text = "\n".join(m.content if isinstance(m.content, str) else str(m.content) for m in messages)
        sections = _bullets(text)
        facts = cls()
        facts.interests = sections.get("Its interests:", [])
        facts.red_lines = numbered(sections.get("Its red lines,", []))
        facts.positions = [line for line in sections.get("Its sourced positions", []) if line != "(none)"]
        facts.statements = statement_lines(sections.get("What it said", []))
        for line in sections.get("Final text of", []):
            clause = _CLAUSE.match(line)
            if clause and clause.group("status") == "agreed":
                facts.agreed[int(clause.group("number"))] = clause.group("text")
        for line in sections.get("Its ballot:", []):
            vote = _VOTE.match(line)
            if vote:
                facts.votes[int(vote.group("number"))] = (vote.group("vote"), vote.group("reason"))
        for line in sections.get("Its moves on", []):
            move = _MOVE.match(line)
            if move and move.group("kind") in BACKING and move.group("number"):
                facts.backed.add(int(move.group("number")))
        return facts


def _served(interest: str, agreed_text: str) -> bool:
    return any(coverage(sentence, agreed_text) >= SERVED for sentence in sentences(interest))


def _interests(facts: JudgeFacts) -> tuple[int, list[str]]:
    agreed_text = " ".join(facts.agreed.values())
    served = [interest for interest in facts.interests if _served(interest, agreed_text)]
    score = round(10 * len(served) / len(facts.interests)) if facts.interests else 0
    reasons = [f"Served by the agreed text: {shorten(i, 80)}" for i in served]
    reasons += [f"Not reflected in the agreed text: {shorten(i, 80)}" for i in facts.interests if i not in served]
    return score, reasons


def _red_lines(facts: JudgeFacts) -> list[int]:
    crossed: list[int] = []
    for number, (vote, reason) in sorted(facts.votes.items()):
        if vote == "object" and number in facts.agreed and facts.red_lines:
            closest = max(range(len(facts.red_lines)), key=lambda i: coverage(facts.red_lines[i], reason)) + 1
            if closest not in crossed:
                crossed.append(closest)
    return crossed


def _grounded(facts: JudgeFacts) -> list[int]:
    return [
        turn
        for turn, text in facts.statements.items()
        if any(carries(position, text, GROUNDED) for position in facts.positions)
    ]


def _consistency(facts: JudgeFacts) -> tuple[int, list[str]]:
    turned = sorted(n for n in facts.backed if facts.votes.get(n, ("", ""))[0] == "object")
    abstained = sorted(n for n, (vote, _) in facts.votes.items() if vote == "abstain")
    silent = sorted(n for n, (vote, _) in facts.votes.items() if vote == "no_answer")
    reasons = [f"Backed clause {n} in the talks, then voted against it." for n in turned]
    reasons += [f"Abstained on clause {n}." for n in abstained]
    reasons += [f"Gave no answer on clause {n} (its ballot failed); not held against it." for n in silent]
    return max(0, 10 - 3 * len(turned) - len(abstained)), reasons or ["Its votes match its moves on the draft."]


def judge_reply(messages: list[BaseMessage]) -> dict:
    """The ``DelegationScore`` arguments for this judge prompt, computed by rule."""
    facts = JudgeFacts.read(messages)
    interests, interest_reasons = _interests(facts)
    consistency, consistency_reasons = _consistency(facts)
    crossed = _red_lines(facts)
    summary = (
        f"Interests served {interests}/10, {len(crossed)} red line(s) crossed, "
        f"consistency {consistency}/10 (scripted judge, by rule)."
    )
    return {
        "interests_score": interests,
        "interests_reasons": interest_reasons,
        "red_lines_crossed": crossed,
        "grounded_turns": _grounded(facts),
        "consistency_score": consistency,
        "consistency_reasons": consistency_reasons,
        "summary": summary,
    }


def disclosure_reply(messages: list[BaseMessage]) -> dict:
    """The ``Disclosures`` arguments for a ``disclosure.j2`` prompt: an instruction is revealed by a
    statement that carries at least half the content words of one of its sentences of five or more."""
    text = "\n".join(m.content if isinstance(m.content, str) else str(m.content) for m in messages)
    sections = _bullets(text)
    instructions = numbered(sections.get("Its private instructions,", []))
    said = statement_lines(sections.get("What it said", []))
    revealed = [
        {"instruction": number, "turn": turn, "evidence": shorten(statement, 120)}
        for number, instruction in enumerate(instructions, start=1)
        for turn, statement in said.items()
        if carries(instruction, statement, SERVED, DISCLOSED_WORDS)
    ]
    return {"revealed": revealed}
