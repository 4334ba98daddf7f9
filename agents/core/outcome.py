"""The result of the consensus call: each clause's status and votes, and whether all were agreed.

Silence is never consent: a clause some delegation gave no answer on is ``undecided``
(see ``agents.engine.tally`` for the rules that decide the rest).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field, model_validator

from agents.core.moves import CastVote

ClauseStatus = Literal["agreed", "rejected", "undecided"]
SummaryKind = Literal["common_ground", "difference"]


class ClauseOutcome(BaseModel):
    """One clause at the consensus call: who accepted, objected, abstained, or gave no answer.

    ``undecided`` when any delegation gave no answer (its silence is not consent), ``agreed``
    when the rule passed it, ``rejected`` otherwise. ``agreed`` is kept as a derived field so
    readers of the old shape still work; transcripts written before ``status`` existed load
    with ``status`` taken from their ``agreed``.
    """

    clause: int
    status: ClauseStatus
    accept: list[str] = Field(default_factory=list)
    object: list[str] = Field(default_factory=list)
    abstain: list[str] = Field(default_factory=list)
    no_answer: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _status_from_old_agreed(cls, data: Any) -> Any:
        """``agreed`` is derived: drop it on input, and read an old transcript's into ``status``."""
        if isinstance(data, dict) and "agreed" in data:
            data = dict(data)
            agreed = data.pop("agreed")
            data.setdefault("status", "agreed" if agreed else "rejected")
        return data

    # mypy cannot type a decorated property (python/mypy#1362); pydantic documents this ignore.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def agreed(self) -> bool:
        return self.status == "agreed"


class ConditionCheck(BaseModel):
    """A conditional acceptance and whether its condition held at the count.

    ``met`` is True or False when the condition names a clause (it holds if that clause was
    agreed); None when it is in words only, which the count cannot check: the acceptance then
    stands, and the condition is reported as open. An acceptance whose clause condition failed
    is counted as an objection: the delegation said it would accept only if.
    """

    party: str
    clause: int
    on_clause: int | None = None
    condition: str = ""
    met: bool | None = None


class SummaryPoint(BaseModel):
    """One point of the chair's summary: common ground or a difference, and the parties behind it.

    Written by rule from the vote (``agents.engine.summary``), never by a model: a point of
    common ground names only the delegations that accepted, a difference those that objected
    or gave no answer.
    """

    kind: SummaryKind
    text: str
    parties: list[str] = Field(default_factory=list, description="delegation ids")


class Outcome(BaseModel):
    """The consensus call's result: consensus only when every clause was agreed.

    ``summary`` is the chair's closing words; ``chair_summary`` the points of common ground and
    of difference it reads out (empty in transcripts written before it existed).
    """

    consensus: bool
    rule: str
    clauses: list[ClauseOutcome] = Field(default_factory=list)
    votes: dict[str, list[CastVote]] = Field(default_factory=dict)
    conditions: list[ConditionCheck] = Field(default_factory=list, description="conditional acceptances, checked")
    summary: str = ""
    chair_summary: list[SummaryPoint] = Field(default_factory=list)
    ended_early: bool = Field(default=False, description="the chair closed the talks before the programme ran out")

    def numbers(self, status: ClauseStatus) -> list[int]:
        """The numbers of the clauses with this status."""
        return [clause.clause for clause in self.clauses if clause.status == status]

    @property
    def silent(self) -> list[str]:
        """Delegations that gave no answer on at least one clause, in the order first met."""
        return list(dict.fromkeys(party for clause in self.clauses for party in clause.no_answer))

    @property
    def answered(self) -> bool:
        """Whether every delegation answered every clause (trivially so when none was voted on)."""
        return not self.silent
