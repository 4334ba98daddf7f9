"""The position ledger: every party's latest word on each agenda item and clause, for the whole session.

Built by rules from the moves (no model call), so what a delegation is told about the others
is exactly what they said. A turn's verbatim text fades from memory after a few turns
(``agents.core.memory``); the ledger keeps, for every party, its latest statement on each
agenda item and its latest move on each clause (the wording it proposed, its objection and
why, any condition it attached), with how often it came back to it. Its size is bounded by
parties x (agenda items + clauses), however long the talks run.

Opening statements are kept in full (up to ``OPENING_CHARS``). Entries made in a private
side meeting carry the meeting's members as ``audience``; ``visible_to`` gives a seat only
the ones it sat in, and ``public`` none at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, Field

from agents.core.moves import CLAUSE_MOVES, DRAFTING_MOVES, Move

OPENING_CHARS = 2400
# A ledger line keeps the gist of a statement and the reason given with a move on a clause:
# enough to recall what a party asked for, short enough that the whole ledger stays small.
STATEMENT_CHARS = 120
CLAUSE_TEXT_CHARS = 160
CLAUSE_WORDING_CHARS = 600
# What a move records, by kind. Statements and questions are a party's word on the agenda
# item; the others are its stance on one clause.
STANCES = {
    "statement": "said",
    "question": "asked",
    "proposal": "proposed it",
    "amendment": "proposed new wording",
    "withdraw": "withdrew it",
    "support": "supports it",
    "objection": "objects to it",
}


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_COURTESY = re.compile(r"\bthanks?\b|\bthank you\b|\bgrateful\b", re.IGNORECASE)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def gist(text: str, limit: int) -> str:
    """The start of ``text`` without its courtesies (sentences thanking the chair or the hosts)."""
    sentences = [s for s in _SENTENCE_END.split(" ".join(text.split())) if not _COURTESY.search(s)]
    return _cut(" ".join(sentences) or text, limit)


class LedgerEntry(BaseModel):
    """A party's latest move on one topic: an agenda item (``item``) or a clause (``clause``)."""

    party: str
    kind: str = Field(description="the move kind: statement, question, proposal, amendment, ...")
    item: str | None = Field(default=None, description="the agenda item id, for a statement or question")
    clause: int | None = None
    text: str = ""
    wording: str | None = Field(default=None, description="the clause wording it proposed")
    conditional_on: str | None = None
    turn: int
    times: int = Field(default=1, description="how many moves the party made on this topic")
    earlier: list[str] = Field(default_factory=list, description="other kinds of move it made on this topic before")
    audience: tuple[str, ...] | None = Field(default=None, description="set for a private side meeting")

    @property
    def key(self) -> tuple[str, str | None, int | None, tuple[str, ...] | None]:
        return self.party, self.item, self.clause, self.audience

    @property
    def stance(self) -> str:
        return STANCES.get(self.kind, self.kind)


class Ledger(BaseModel):
    openings: dict[str, str] = Field(default_factory=dict, description="each party's opening statement, in full")
    entries: list[LedgerEntry] = Field(default_factory=list)

    def note_opening(self, party: str, text: str) -> Ledger:
        """A new ledger with ``party``'s opening statement (its first one is the one kept)."""
        if party in self.openings or not text.strip():
            return self
        return self.model_copy(update={"openings": {**self.openings, party: _cut(text, OPENING_CHARS)}})

    def note(self, entry: LedgerEntry) -> Ledger:
        """A new ledger with ``entry`` as its party's latest word on its topic."""
        entry = entry.model_copy(
            update={
                "text": gist(entry.text, CLAUSE_TEXT_CHARS if entry.clause is not None else STATEMENT_CHARS),
                "wording": _cut(entry.wording, CLAUSE_WORDING_CHARS) if entry.wording else None,
                "conditional_on": _cut(entry.conditional_on, CLAUSE_TEXT_CHARS) if entry.conditional_on else None,
            }
        )
        before = next((e for e in self.entries if e.key == entry.key), None)
        if before is not None:
            # On a clause a change of stance matters (it supported, now objects); on an agenda
            # item a question after a statement does not.
            earlier = [k for k in [*before.earlier, before.kind] if k != entry.kind and entry.clause is not None]
            entry = entry.model_copy(update={"times": before.times + 1, "earlier": list(dict.fromkeys(earlier))})
            if entry.wording is None and entry.kind == before.kind:
                entry.wording = before.wording
        kept = [e for e in self.entries if e.key != entry.key]
        return self.model_copy(update={"entries": [*kept, entry]})

    def visible_to(self, seat: str) -> Ledger:
        """What ``seat`` may know: everything said at the table, and its own side meetings."""
        entries = [e for e in self.entries if e.audience is None or seat in e.audience]
        return self.model_copy(update={"entries": entries})

    def for_prompt_of(self, seat: str) -> Ledger:
        """What ``seat``'s prompts show: what it may know, less what its own brief already holds.

        Its own opening statement and statements on the agenda go (its brief states its
        position); its moves on clauses and in side meetings stay, as commitments to keep.
        """
        visible = self.visible_to(seat)
        entries = [e for e in visible.entries if e.party != seat or e.clause is not None or e.audience]
        openings = {party: text for party, text in visible.openings.items() if party != seat}
        return visible.model_copy(update={"entries": entries, "openings": openings})

    def public(self) -> Ledger:
        """Only what was said at the table: for the chair, the summary and the review."""
        return self.model_copy(update={"entries": [e for e in self.entries if e.audience is None]})

    def by_party(self, parties: list[str]) -> list[tuple[str, list[LedgerEntry]]]:
        """Entries grouped by party in seating order; agenda items first, then clauses by number."""
        groups = []
        for party in parties:
            own = [e for e in self.entries if e.party == party]
            own.sort(key=lambda e: (e.clause is not None, e.clause or 0, e.turn))
            if own:
                groups.append((party, own))
        return groups

    def on_clause(self, number: int) -> list[LedgerEntry]:
        """Every party's latest move on clause ``number``."""
        return [e for e in self.entries if e.clause == number]

    def conditions(self) -> list[LedgerEntry]:
        """The entries that carry a condition: the trades on offer."""
        return [e for e in self.entries if e.conditional_on]


def record_move(
    ledger: Ledger,
    move: Move,
    *,
    party: str,
    turn: int,
    phase: str,
    item: str | None,
    audience: tuple[str, ...] | None = None,
    clause: int | None = None,
) -> Ledger:
    """``ledger`` with ``party``'s move of ``turn`` noted.

    ``clause`` is the clause the move is on (for a proposal, the number the draft gave it;
    otherwise the move's own);
    a statement or question is noted on ``item``, the agenda item (or the phase, outside the
    discussion). A public opening statement is kept in full instead; yielding notes nothing.
    """
    if move.kind == "yield":
        return ledger
    if phase == "opening" and audience is None and move.kind == "statement":
        return ledger.note_opening(party, move.text)
    on_clause = (clause or move.clause) if move.kind in CLAUSE_MOVES or move.kind == "proposal" else None
    entry = LedgerEntry(
        party=party,
        kind=move.kind,
        item=None if on_clause is not None else (item or phase),
        clause=on_clause,
        text=move.text,
        wording=move.clause_text if move.kind in DRAFTING_MOVES else None,
        conditional_on=(move.conditional_on or "").strip() or None,
        turn=turn,
        audience=audience,
    )
    return ledger.note(entry)


def describe(
    entry: LedgerEntry, names: Mapping[str, str], current: Mapping[int, str], text_chars: int | None = None
) -> str:
    """One line of the ledger as a prompt shows it: topic, turn, how often, stance, words.

    ``[nuclear] turn 15, x2: We seek ...`` for an agenda item; ``clause 4, turn 51: objects to
    it: ...`` for a clause. A clause wording that is still the draft's current text (``current``)
    is not repeated. ``text_chars`` cuts the words shorter than the ledger keeps them.
    """
    topic = f"clause {entry.clause}" if entry.clause is not None else f"[{entry.item}]"
    when = [topic, f"turn {entry.turn}"]
    if entry.times > 1:
        when.append(f"x{entry.times}")
    if entry.audience:
        others = [names.get(member, member) for member in entry.audience if member != entry.party]
        when.append(f"in private with {' and '.join(others)}")
    if entry.earlier:
        when.append("earlier " + ", ".join(STANCES.get(kind, kind) for kind in entry.earlier))
    line = ", ".join(when) + ":"
    if entry.clause is not None:
        line += f" {entry.stance}"
        if entry.wording and entry.clause is not None and current.get(entry.clause) == entry.wording:
            line += " (the draft's current text)"
        elif entry.wording:
            line += f' "{entry.wording}"'
        line += ";" if entry.text else ""
    elif entry.kind == "question":
        line += " asked:"
    if entry.text:
        line += f" {entry.text if text_chars is None else _cut(entry.text, text_chars)}"
    if entry.conditional_on:
        line += f" [on condition: {entry.conditional_on}]"
    return line


def ledger_view(
    ledger: Ledger,
    parties: list[str],
    names: Mapping[str, str],
    current: Mapping[int, str],
    text_chars: int | None = None,
) -> list[tuple[str, list[str]]]:
    """The ledger as (party name, lines) in seating order, for the prompt templates."""
    return [
        (names.get(party, party), [describe(entry, names, current, text_chars) for entry in entries])
        for party, entries in ledger.by_party(parties)
    ]
