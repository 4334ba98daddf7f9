"""What the scripted model reads from a prompt, and the moves, ballots and floor choices it writes.

The reading follows the headings of ``prompts/delegate_system.j2`` (with ``table.j2``), ``briefing.j2``,
``turn.j2``, ``vote.j2`` and ``chair_floor.j2`` (``chair_bridge.j2`` is read in ``bridge``);
a test renders them and checks the scripted model still finds the persona's own words in them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage, SystemMessage

from agents.core.moves import CLAUSE_MOVES

_SECTION = re.compile(r"^(?P<heading>[A-Z][^\n:]*):\s*$")
_BULLET = re.compile(r"^- (?:(?P<key>[a-z0-9-]+): )?(?P<text>.+?)(?: \[[^\]]+\])?$")
_CLAUSE = re.compile(r"^Clause (?P<number>\d+)(?: \([^)]*\))?: (?P<text>.+)$", re.MULTILINE)
_AGENDA = re.compile(r"^\d+\. (?P<title>.+) \[(?P<id>[a-z0-9-]+)\]$", re.MULTILINE)
_PROPOSER = re.compile(r"^Clause (?P<number>\d+) \((?P<by>[a-z0-9-]+)[,;)]", re.MULTILINE)
_OBJECTIONS = re.compile(r"^Clause (?P<number>\d+) \([^)]*objections from (?P<who>[^)]*)\)", re.MULTILINE)
_ID_IN_BRACKETS = re.compile(r"\[([a-z][a-z0-9-]*)\]")
_ASKED = re.compile(r"^These delegations have asked for the floor: (.+)$", re.MULTILINE)


def _text(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else str(message.content)


def _sections(system: str) -> dict[str, list[tuple[str | None, str]]]:
    """Bulleted lists under ``Heading:`` lines, keyed by the heading's first word(s)."""
    sections: dict[str, list[tuple[str | None, str]]] = {}
    current: list[tuple[str | None, str]] | None = None
    for line in system.splitlines():
        heading = _SECTION.match(line)
        if heading:
            current = sections.setdefault(heading.group("heading"), [])
            continue
        bullet = _BULLET.match(line)
        if bullet and current is not None:
            current.append((bullet.group("key"), bullet.group("text")))
    return sections


def _section(sections: dict, prefix: str) -> list[tuple[str | None, str]]:
    return next((items for heading, items in sections.items() if heading.startswith(prefix)), [])


@dataclass
class PromptFacts:
    """The facts the scripted model needs, read from the rendered prompt."""

    delegation: str = ""
    short_name: str = "Our delegation"
    interests: list[str] = field(default_factory=list)
    red_lines: list[str] = field(default_factory=list)
    opening: list[str] = field(default_factory=list)
    priorities: dict[str, str] = field(default_factory=dict)
    phase: str = ""
    agenda_item: str | None = None
    allowed: list[str] = field(default_factory=list)
    clauses: dict[int, str] = field(default_factory=dict)
    objected: set[int] = field(default_factory=set)
    own_clauses: list[int] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    may_ask_meeting: bool = False
    outcome: str = ""  # in the closing phase: "adopted", "not adopted", or "" when the prompt does not say
    fingerprint: str = ""

    @classmethod
    def read(cls, messages: list[BaseMessage]) -> PromptFacts:
        system = "\n".join(_text(m) for m in messages if isinstance(m, SystemMessage))
        rest = [_text(m) for m in messages if not isinstance(m, SystemMessage)]
        last = rest[-1] if rest else ""
        facts = cls(fingerprint=system[-400:] + "\n".join(rest))
        facts._read_persona(system)
        facts._read_briefing("\n".join([system, *rest]), last)  # the agenda and the seats head the system prompt
        return facts

    def _read_persona(self, system: str) -> None:
        sections = _sections(system)
        self.interests = [text for _, text in _section(sections, "Your national interests")]
        self.interests += [text for _, text in _section(sections, "Your goals")]
        self.red_lines = [text for _, text in _section(sections, "Your red lines")]
        self.opening = [text for _, text in _section(sections, "Your opening position")]
        self.priorities = {k: t for k, t in _section(sections, "Your priorities") if k}
        self.relations = [k for k, _ in _section(sections, "How you see the others") if k]
        found = re.search(r"^Delegation id: (\S+)", system, re.MULTILINE)
        self.delegation = found.group(1) if found else ""
        named = re.search(r"\(([^()]+)\) at this negotiation", system)
        self.short_name = named.group(1) if named else self.delegation or "Our delegation"

    def _read_briefing(self, text: str, last: str) -> None:
        titles = {m.group("title"): m.group("id") for m in _AGENDA.finditer(text)}
        on_item = re.findall(r'on "([^"]+)"', last)
        self.agenda_item = titles.get(on_item[-1]) if on_item else None
        phase = re.search(r"Phase: ([^,.\n]+)", last)
        self.phase = phase.group(1).strip().lower() if phase else ""
        allowed = re.search(r"Allowed moves now: ([a-z, ]+)\.", last)
        self.allowed = [m.strip() for m in allowed.group(1).split(",")] if allowed else ["statement"]
        source = last if "Ballot tool" in last else text
        self.clauses = {int(m.group("number")): m.group("text") for m in _CLAUSE.finditer(source)}
        self.own_clauses = [
            int(m.group("number")) for m in _PROPOSER.finditer(text) if m.group("by") == self.delegation
        ]
        for found in _OBJECTIONS.finditer(text):
            if self.delegation in found.group("who").split(", "):
                self.objected.add(int(found.group("number")))
        self.may_ask_meeting = '"side_meeting"' in last
        if "The consensus call is over:" in last:
            self.outcome = "adopted" if "the joint statement is adopted" in last else "not adopted"
        seated = re.search(r"^Delegations: (.+)$", text, re.MULTILINE)
        if seated:
            self.relations = [r for r in self.relations if r in _ID_IN_BRACKETS.findall(seated.group(1))]
        asked = _ASKED.findall(last)
        if asked:  # only that line: the draft and the speech above it name parties too
            self.candidates = _ID_IN_BRACKETS.findall(asked[-1])


CLOSING_VIEW = {
    "adopted": "We welcome the joint statement the table has adopted.",
    "not adopted": "We regret that no joint statement was agreed; the chair's summary records where we differ.",
    "": "",
}


def _pick(options: list[str], digest: bytes, salt: int = 0) -> str:
    return options[(digest[salt % len(digest)]) % len(options)] if options else ""


def _first_sentence(text: str) -> str:
    sentence = text.strip().split(". ")[0].rstrip(".")
    return sentence[:1].upper() + sentence[1:] if sentence else ""


def _position(facts: PromptFacts, digest: bytes) -> str:
    if facts.agenda_item and facts.agenda_item in facts.priorities:
        return facts.priorities[facts.agenda_item]
    return _pick(facts.interests or facts.opening or ["we seek a peaceful outcome"], digest, 1)


def move_for(facts: PromptFacts, digest: bytes) -> dict:
    """A move allowed in the current phase, worded from the persona's own claims."""
    who = facts.short_name
    kinds = [k for k in ("proposal", "amendment", "withdraw", "support", "objection", "question") if k in facts.allowed]
    request_floor = digest[5] % 4 == 0
    if "drafting" in facts.phase and "proposal" in kinds and digest[2] % 2 == 0:
        wording = f"The parties take note that {_first_sentence(_position(facts, digest)).lower()}."
        text = f"{who} proposes a clause for the joint statement."
        return {"kind": "proposal", "text": text, "clause_text": wording, "request_floor": request_floor}
    if facts.clauses and kinds and ("amend" in facts.phase or "drafting" in facts.phase):
        return _clause_move(facts, digest, kinds, request_floor)
    if "opening" in facts.phase:
        body = " ".join(_first_sentence(c) + "." for c in facts.opening[:2])
        return {"kind": "statement", "text": f"{who} thanks the chair. {body}"}
    if "closing" in facts.phase:
        text = f"{who} thanks the hosts. {_first_sentence(_pick(facts.interests, digest, 3))}."
        return {"kind": "statement", "text": f"{text} {CLOSING_VIEW[facts.outcome]}".strip()}
    if "side meeting" in facts.phase:
        concern = _first_sentence(_pick(facts.red_lines or facts.interests, digest, 9))
        text = f"{who}, in confidence: {concern}. We would look for a step-by-step understanding."
        return {"kind": "statement", "text": text}
    kind = "question" if "question" in kinds and digest[4] % 5 == 0 else "statement"
    text = f"{who} on this item: {_first_sentence(_position(facts, digest))}."
    if kind == "question":
        text += " We would ask the other delegations how they propose to verify commitments."
    return {"kind": kind, "text": text, "request_floor": request_floor, "side_meeting": _meeting_wish(facts, digest)}


def _meeting_wish(facts: PromptFacts, digest: bytes) -> str | None:
    """Now and then, during discussion, ask to meet one of the parties the persona has views on."""
    if facts.may_ask_meeting and "discussion" in facts.phase and facts.relations and digest[9] % 4 == 0:
        return _pick(facts.relations, digest, 11)
    return None


def _clause_move(facts: PromptFacts, digest: bytes, kinds: Sequence[str], request_floor: bool) -> dict:
    who = facts.short_name
    own = [n for n in facts.own_clauses if n in facts.clauses]
    if "withdraw" in kinds and own and digest[12] % 3 == 0:  # now and then, take back a clause of our own
        number = int(_pick([str(n) for n in own], digest, 14))
        text = f"{who} withdraws clause {number}; we will not press it further."
        return {"kind": "withdraw", "text": text, "clause": number}
    number = int(_pick([str(n) for n in sorted(facts.clauses)], digest, 6))
    kind = _pick([k for k in kinds if k in CLAUSE_MOVES and k != "withdraw"] or ["support"], digest, 7)
    if kind == "amendment":
        addition = _first_sentence(_position(facts, digest)).lower()
        wording = f"{facts.clauses[number].rstrip('.')}, bearing in mind that {addition}."
        text = f"{who} proposes to amend clause {number}."
        move = {"kind": kind, "text": text, "clause": number, "clause_text": wording}
        trade = [n for n in own if n != number]
        if trade and digest[16] % 2 == 0:
            move["conditional_on"] = f"clause {trade[0]} is accepted by the others"
        return move
    if kind == "objection":
        concern = _first_sentence(_pick(facts.red_lines or facts.interests, digest, 8)).lower()
        text = f"{who} cannot accept clause {number} as drafted: {concern}."
        return {"kind": kind, "text": text, "clause": number, "request_floor": request_floor}
    text = f"{who} supports clause {number}; it is consistent with our position."
    support: dict = {"kind": "support", "text": text, "clause": number}
    trade = [n for n in own if n != number]
    if trade and digest[15] % 2 == 0:  # now and then, a trade: our support for theirs
        support["conditional_on"] = f"clause {trade[0]} keeps its present wording"
    return support


def ballot_for(facts: PromptFacts, digest: bytes) -> dict:
    """Object to the clauses this delegation objected to during the talks; accept the rest.

    An acceptance is now and then conditional on a clause the delegation proposed (a trade).
    Now and then (about one clause in eight, fixed by the prompt's digest, so by the seed) it
    abstains on a clause it did not object to, so sessions show explicit abstentions too.
    """
    votes = []
    for index, number in enumerate(sorted(facts.clauses)):
        if number in facts.objected:
            concern = _first_sentence(_pick(facts.red_lines, digest, index)).lower()
            reason = f"It conflicts with our view that {concern}."
            votes.append({"clause": number, "vote": "object", "reason": reason})
        elif digest[(13 + index) % len(digest)] % 8 == 0:
            votes.append({"clause": number, "vote": "abstain", "reason": "We take no position on this clause."})
        else:
            votes.append({"clause": number, "vote": "accept", "reason": "We can live with this text."})
            votes[-1].update(_ballot_condition(facts, digest, index, number))
    return {"votes": votes}


def _ballot_condition(facts: PromptFacts, digest: bytes, index: int, number: int) -> dict:
    """Now and then (about one acceptance in four) make it conditional on a clause of our own."""
    own = [n for n in facts.own_clauses if n in facts.clauses and n != number]
    if not own or digest[(21 + index) % len(digest)] % 4 != 0:
        return {}
    return {"condition_clause": own[0], "condition": f"only if clause {own[0]} is agreed as well"}


def floor_choice_for(facts: PromptFacts, digest: bytes) -> dict:
    speaker = _pick(facts.candidates, digest, 10) or "none"
    return {"speaker": speaker, "reason": "The chair takes requests in turn."}
