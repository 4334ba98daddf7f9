"""The shared draft joint statement the chair keeps: numbered clauses and who shaped each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from agents.core.moves import Move

MAX_CLAUSE_CHARS = 600


class ClauseRevision(BaseModel):
    """One version of a clause's text and who wrote it."""

    text: str
    by: str
    turn: int
    action: Literal["tabled", "proposed", "amended"]


class Clause(BaseModel):
    number: int
    text: str
    proposed_by: str
    agenda_item: str | None = None
    history: list[ClauseRevision] = Field(default_factory=list)
    supporters: list[str] = Field(default_factory=list)
    objectors: list[str] = Field(default_factory=list)

    @property
    def amended_by(self) -> list[str]:
        return [rev.by for rev in self.history if rev.action == "amended"]


class Draft(BaseModel):
    """Clauses are numbered from 1 in the order they were added and never renumbered.

    A clause its proposer withdraws leaves ``clauses`` (nobody votes on it) for ``withdrawn``,
    which keeps it for the record; its number is not given to a later clause.
    """

    clauses: list[Clause] = Field(default_factory=list)
    withdrawn: list[Clause] = Field(default_factory=list)

    def numbers(self) -> list[int]:
        return [clause.number for clause in self.clauses]

    def texts(self) -> dict[int, str]:
        """Each clause's current wording, by number."""
        return {clause.number: clause.text for clause in self.clauses}

    def clause(self, number: int | None) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)

    def add(self, text: str, by: str, turn: int, action: str, agenda_item: str | None = None) -> Draft:
        """A new draft with one more clause."""
        number = max([*self.numbers(), *(c.number for c in self.withdrawn)], default=0) + 1
        text = _clean(text)
        revision = ClauseRevision(text=text, by=by, turn=turn, action=action)
        clause = Clause(number=number, text=text, proposed_by=by, agenda_item=agenda_item, history=[revision])
        return Draft(clauses=[*self.clauses, clause], withdrawn=self.withdrawn)

    def replace(self, number: int, change: Mapping[str, object]) -> Draft:
        """A new draft with clause ``number`` updated by ``change`` (a dict of fields)."""
        clauses = [c.model_copy(update=change) if c.number == number else c for c in self.clauses]
        return Draft(clauses=clauses, withdrawn=self.withdrawn)

    def withdraw(self, number: int) -> Draft:
        """A new draft without clause ``number``, which is kept in ``withdrawn``."""
        gone = [c for c in self.clauses if c.number == number]
        return Draft(clauses=[c for c in self.clauses if c.number != number], withdrawn=[*self.withdrawn, *gone])


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_CLAUSE_CHARS]


def _add_once(names: list[str], name: str) -> list[str]:
    return names if name in names else [*names, name]


def apply_move(draft: Draft, move: Move, by: str, turn: int, max_clauses: int) -> tuple[Draft, str | None]:
    """Apply a delegate's move to the draft.

    Returns the new draft and a one-line description of the change, or the unchanged draft
    and None when the move does not touch the draft (or cannot: an unknown clause, an
    empty text, a full draft, a withdrawal by anyone but the clause's proposer). Those cases
    are not errors; the move still stands as speech.

    An amendment replaces the clause's wording: the objections and support given to the old
    wording are cleared, and the amender is recorded as its only supporter.
    """
    clause = draft.clause(move.clause)
    wording = (move.clause_text or move.text or "").strip()
    if move.kind == "proposal" and wording and len(draft.clauses) < max_clauses:
        new = draft.add(wording, by, turn, "proposed")
        return new, f"{by} proposed clause {new.clauses[-1].number}"
    if clause is None:
        return draft, None
    if move.kind == "amendment" and wording and _clean(wording) != clause.text:
        revision = ClauseRevision(text=_clean(wording), by=by, turn=turn, action="amended")
        # Objections and support were given to the old wording; the amender backs the new one.
        change = {"text": revision.text, "history": [*clause.history, revision], "objectors": [], "supporters": [by]}
        return draft.replace(clause.number, change), f"{by} amended clause {clause.number}"
    if move.kind == "withdraw" and clause.proposed_by == by:
        return draft.withdraw(clause.number), f"{by} withdrew clause {clause.number}"
    if move.kind == "support":
        change = {"supporters": _add_once(clause.supporters, by)}
        return draft.replace(clause.number, change), f"{by} supported clause {clause.number}"
    if move.kind == "objection":
        change = {"objectors": _add_once(clause.objectors, by)}
        return draft.replace(clause.number, change), f"{by} objected to clause {clause.number}"
    return draft, None
