"""The review against the record, decided by a judge model: points carried, and departures in substance.

The lexical matcher (``agents.review.record``) finds a departure only where a vote's clause
shares words with the record; a judge reads for meaning. It is asked once about the points of
the real summary and once per delegation about its departures. Every answer is checked against
what happened: a departure must name one of the delegation's own acts and one line of its
record of the right kind (an acceptance or a proposal departs from what it refused, an
objection from what it held). Anything else is dropped. A judge that fails, or answers
nothing usable, leaves the lexical decision in place, labelled as such.
"""

from __future__ import annotations

import asyncio

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from agents.core.catalog import Catalog
from agents.core.prompts import render
from agents.core.record import DelegationRecord, Record, RecordItem
from agents.core.record_match import LEXICAL, candidates
from agents.llm.structured import ask_structured
from agents.review.outcome import final_draft
from agents.review.record import DEPARTS_FROM, acts_of, departure, record_for, record_review, section
from agents.review.record_schema import Departure, RecordPointResult, RecordReview
from agents.review.schema import Review
from agents.sessions.transcript import Transcript


class PointJudgement(BaseModel):
    """Whether one point of the real summary is carried, in substance, by one of the session's texts."""

    point: str = Field(description="the point's id, as in brackets in the list of points")
    matched: bool = Field(description="true if one of the session's texts says the same in substance")
    where: str = Field(default="", description="the bracketed label of the text that carries it; empty if none")
    reason: str = Field(default="", description="one short sentence")


class RecordJudgement(BaseModel):
    """Your judgement of every point of the real summary against the session's agreed texts."""

    points: list[PointJudgement] = Field(default_factory=list)
    summary: str = Field(default="", description="one sentence")


class DepartureFound(BaseModel):
    """One act of the delegation that runs against one line of its documented position."""

    act: str = Field(description="the bracketed label of the act, as listed")
    line: str = Field(description="the bracketed label of the record's line it runs against")
    reason: str = Field(default="", description="one short sentence")


class DepartureJudgement(BaseModel):
    """Every act of the delegation that runs against its documented line; an empty list if none."""

    departures: list[DepartureFound] = Field(default_factory=list)
    summary: str = Field(default="", description="one sentence")


def record_lines(line: DelegationRecord) -> dict[str, tuple[str, RecordItem]]:
    """The record's lines of one delegation by label (``held 1``, ``refused 2``), with their kind."""
    lines = {f"held {n}": ("holds", item) for n, item in enumerate(line.holds, 1)}
    lines |= {f"refused {n}": ("rejects", item) for n, item in enumerate(line.rejects, 1)}
    return lines


async def judge_record(
    review: Review, transcript: Transcript, record: Record, model: BaseChatModel, label: str
) -> RecordReview:
    """The record section with points and departures decided by ``model`` wherever it answers."""
    lexical = record_review(review, transcript, record)
    how = f"judge: {label}"
    points = await _judged_points(lexical.points, transcript, record, model, how)
    seats = [seat.id for seat in review.delegations if seat.id in record.delegations]
    found = await asyncio.gather(
        *(_judged_departures(review, seat, record.delegations[seat], model, how) for seat in seats)
    )
    departures = {
        seat: judged if judged is not None else lexical.departures.get(seat, [])
        for seat, judged in zip(seats, found, strict=True)
    }
    decided = how if any(p.how == how for p in points) else LEXICAL
    found_how = how if any(judged is not None for judged in found) else LEXICAL
    return section(review, record, points, decided, departures, found_how)


async def _judged_points(
    points: list[RecordPointResult], transcript: Transcript, record: Record, model: BaseChatModel, how: str
) -> list[RecordPointResult]:
    texts = candidates(transcript.outcome, final_draft(transcript))
    messages = [
        SystemMessage(content=render("record_judge_system.j2")),
        HumanMessage(content=render("record_judge.j2", points=record.points, texts=texts)),
    ]
    try:
        reply = await ask_structured(model, messages, RecordJudgement, text_field="summary")
    except Exception:  # a failing judge leaves the lexical decisions, labelled as such
        return points
    if reply.value is None:
        return points
    judged = {answer.point: answer for answer in reply.value.points}
    return [_judged_point(point, judged.get(point.id), how) for point in points]


def _judged_point(point: RecordPointResult, answer: PointJudgement | None, how: str) -> RecordPointResult:
    if answer is None:
        return point
    where = answer.where or None if answer.matched else None
    return point.model_copy(update={"matched": answer.matched, "where": where, "how": how, "reason": answer.reason})


async def _judged_departures(
    review: Review, delegation: str, line: DelegationRecord, model: BaseChatModel, how: str
) -> list[Departure] | None:
    """The judge's departures of one delegation, checked; None when the judge gave no usable answer."""
    acts = {act.label: act for act in acts_of(review, delegation)}
    if not acts:
        return []
    lines = record_lines(line)
    name = next((seat.name for seat in review.delegations if seat.id == delegation), delegation)
    messages = [
        SystemMessage(content=render("departure_judge_system.j2")),
        HumanMessage(content=render("departure_judge.j2", name=name, lines=lines, acts=acts.values())),
    ]
    try:
        reply = await ask_structured(model, messages, DepartureJudgement, text_field="summary")
    except Exception:  # a failing judge leaves the lexical departures
        return None
    if reply.value is None:
        return None
    found = []
    for answer in reply.value.departures:
        act, recorded = acts.get(answer.act.strip("[] ")), lines.get(answer.line.strip("[] "))
        if act is not None and recorded is not None and DEPARTS_FROM[act.kind] == recorded[0]:
            found.append(departure(delegation, act, recorded[1], how, answer.reason))
    return found


async def with_judged_record(
    review: Review, transcript: Transcript, model: BaseChatModel, label: str, catalog: Catalog | None = None
) -> Review:
    """``review`` with its record section decided by the judge ``model`` (labelled ``label``)."""
    record = record_for(transcript, catalog)
    if record is None:
        return review
    return review.model_copy(update={"record": await judge_record(review, transcript, record, model, label)})
