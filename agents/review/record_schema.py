"""The review's ``record`` section: a session measured against the documented record of the real meeting.

Present only when the session's scenario has a record (``scenarios/records/<id>.yaml``).
Every decision is labelled with what made it: ``judge: <spec>`` or ``lexical matcher``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agents.core.record_match import Verdict


class RecordPointResult(BaseModel):
    """A point of the real chair's summary and whether the session's agreed text or chair's summary holds it."""

    id: str
    text: str
    source: str
    matched: bool
    where: str | None = Field(default=None, description="the clause or summary that holds it, when matched")
    how: str = Field(description="what decided: 'judge: <spec>' or 'lexical matcher'")
    reason: str = ""


class Departure(BaseModel):
    """A move of a delegation against its documented line at the real meeting.

    ``accepted``: it voted for a clause that carries what it refused at the real meeting;
    ``objected``: it voted against a clause that carries what it held there; ``proposed``:
    it put forward (or amended a clause to) wording that carries what it refused.
    """

    delegation: str
    kind: Literal["accepted", "objected", "proposed"]
    clause: int
    turn: int | None = Field(default=None, description="the turn of a proposal or amendment; None for a vote")
    clause_text: str
    recorded: str = Field(description="the record's sentence it departs from")
    source: str
    how: str
    reason: str = Field(default="", description="the judge's reason; empty for the lexical matcher")


class RecordReview(BaseModel):
    """Points matched, departures per delegation, and whether the session lies in the historical band.

    ``verdict``: ``full accord`` when every clause was agreed (a full joint statement, which the
    real round never reached); ``partial common ground, no full accord`` (the historical band)
    when at least one point matched without it; ``no common ground`` when none did.
    """

    title: str
    summary_note: str
    how: str = Field(description="what decided the points: 'judge: <spec>' or 'lexical matcher'")
    points: list[RecordPointResult] = Field(default_factory=list)
    departures: dict[str, list[Departure]] = Field(default_factory=dict, description="by delegation id")
    departures_how: str = Field(
        default="lexical matcher", description="what decided the departures: 'judge: <spec>' or 'lexical matcher'"
    )
    verdict: Verdict
    in_band: bool
    aftermath: list[str] = Field(default_factory=list, description="what followed the real meeting, with sources")

    @property
    def matched(self) -> int:
        """How many record points the session matched."""
        return sum(point.matched for point in self.points)
