"""Where the chair reads what each side holds on a clause: the one place its prompts get positions from.

``positions_on`` gives the two sides of a clause: who backs it (its latest author, then its
supporters) and who objects, each with its own latest public words on that clause. The sides
come from the draft (``Clause.history``, ``supporters``, ``objectors``); the words from the
position ledger's public entries (``Ledger.public``). A side meeting's words never reach the
chair: the ledger's private entries are not read, nor ``Memory.private``, and a recent turn
with an ``audience`` is skipped. The templates (``chair_floor.j2``, ``chair_bridge.j2``) read
only the result, as ``positions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agents.core.catalog import Cast
from agents.core.draft import Clause, Draft
from agents.core.ledger import Ledger
from agents.core.memory import Memory, TurnRecord
from agents.core.text import shorten

WORDS_CHARS = 300  # a party's words on one clause, as the chair's prompts show them
SPEECH_TURNS = 4  # recent public turns shown to the chair when it chooses the floor
SPEECH_CHARS = 240


@dataclass(frozen=True)
class Stance:
    """One party's side on a clause: ``role`` is proposed, amended, supports or objects."""

    party: str
    name: str
    role: str
    words: str = ""


@dataclass(frozen=True)
class ClausePositions:
    """A clause and the parties on each side of it."""

    clause: Clause
    proposer: str
    supporters: tuple[Stance, ...] = ()
    objectors: tuple[Stance, ...] = ()


@dataclass(frozen=True)
class Speech:
    """One recent public turn as the chair sees it: who, what kind of move, the words cut short."""

    name: str
    kind: str
    clause: int | None
    words: str


def positions_on(clause: Clause, ledger: Ledger, cast: Cast) -> ClausePositions:
    """Both sides of ``clause``, each party with its latest public words on it.

    The backers are the delegation that last wrote its wording (not the chair), then its
    supporters; a party that objected is on the objecting side only, whatever it said before.
    """
    author = clause.history[-1] if clause.history else None
    backers: dict[str, str] = {}
    if author is not None and author.by in cast.delegations and author.by not in clause.objectors:
        backers[author.by] = author.action
    for party in clause.supporters:
        if party not in clause.objectors:
            backers.setdefault(party, "supports")

    def stance(party: str, role: str) -> Stance:
        return Stance(party, cast.name(party), role, words_on(ledger, party, clause.number))

    return ClausePositions(
        clause=clause,
        proposer=cast.name(clause.proposed_by),
        supporters=tuple(stance(p, role) for p, role in backers.items()),
        objectors=tuple(stance(p, "objects") for p in clause.objectors),
    )


def draft_positions(draft: Draft, ledger: Ledger, cast: Cast) -> list[ClausePositions]:
    """``positions_on`` for every clause of the draft, in order."""
    return [positions_on(clause, ledger, cast) for clause in draft.clauses]


def words_on(ledger: Ledger, party: str, number: int) -> str:
    """``party``'s latest public words on clause ``number``, from the ledger; empty if it gave none."""
    said = [e for e in ledger.public().on_clause(number) if e.party == party]
    if not said:
        return ""
    entry = said[-1]
    condition = f" (on condition: {entry.conditional_on})" if entry.conditional_on else ""
    return shorten(entry.text + condition, WORDS_CHARS)


def recent_speech(memory: Memory, names: Mapping[str, str]) -> list[Speech]:
    """The last few public turns, each cut short: bounded however long the session runs."""
    return [
        Speech(names.get(r.speaker, r.speaker), r.kind, r.clause, shorten(r.text, SPEECH_CHARS))
        for r in public(memory.recent)[-SPEECH_TURNS:]
    ]


def public(records: list[TurnRecord]) -> list[TurnRecord]:
    """Only what was said at the table: a record with an audience was said in private."""
    return [record for record in records if record.audience is None]
