"""The review against the record: which of the real chair's points the session reached, who left its line.

Here by the lexical matcher of ``agents.core.record_match`` (``record_review``); a judge model,
when the review has one, decides instead (``agents.review.record_judge``). Every point and
departure says which decided it. Departures come from the votes and the draft's history: a
delegation that accepted a clause carrying what it refused at the real meeting, objected to
one carrying what it held there, or proposed wording it refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.core.catalog import Catalog
from agents.core.record import DelegationRecord, Record, RecordItem, find_record, record_of
from agents.core.record_match import LEXICAL, band_verdict, candidates, lexical_points, matches, table_words
from agents.core.text import shorten
from agents.review.outcome import final_draft
from agents.review.record_schema import Departure, RecordPointResult, RecordReview
from agents.review.schema import Review
from agents.sessions.transcript import Transcript


def record_for(transcript: Transcript, catalog: Catalog | None = None) -> Record | None:
    """The record of the session's scenario: in ``catalog``'s scenarios, beside its scenario file, or shipped."""
    scenario_id = transcript.scenario.id
    if catalog is not None and (found := find_record(scenario_id, catalog.scenarios_folder)) is not None:
        return found
    return record_of(scenario_id, transcript.settings.scenario)


@dataclass(frozen=True)
class Act:
    """A vote or a wording of one delegation: what a departure can be (``kind`` as in ``Departure``)."""

    label: str
    kind: str
    clause: int
    turn: int | None
    text: str


# Which record lines each kind of act can depart from.
DEPARTS_FROM = {"accepted": "rejects", "proposed": "rejects", "objected": "holds"}


def acts_of(review: Review, delegation: str) -> list[Act]:
    """The delegation's votes at the consensus call and the wordings it proposed or amended to."""
    acts = []
    for clause in review.outcome.clauses:
        for kind, voters in (("accepted", clause.accept), ("objected", clause.object)):
            if delegation in voters:
                acts.append(Act(f"{kind} clause {clause.number}", kind, clause.number, None, clause.text))
    for history in review.clauses:
        for version in history.versions:
            if version.by == delegation and version.action in ("proposed", "amended"):
                label = f"{version.action} clause {history.number} at turn {version.turn}"
                acts.append(Act(label, "proposed", history.number, version.turn, version.text))
    return acts


def departure(delegation: str, act: Act, item: RecordItem, how: str = LEXICAL, reason: str = "") -> Departure:
    """``act`` of ``delegation`` as a departure from the record's ``item``, decided by ``how``."""
    return Departure.model_validate(
        {
            "delegation": delegation,
            "kind": act.kind,
            "clause": act.clause,
            "turn": act.turn,
            "clause_text": shorten(act.text, 240),
            "recorded": item.text,
            "source": item.source,
            "how": how,
            "reason": reason,
        }
    )


def _lexical_departures(
    review: Review, delegation: str, line: DelegationRecord, skip: frozenset[str]
) -> list[Departure]:
    return [
        departure(delegation, act, item)
        for act in acts_of(review, delegation)
        for item in (line.rejects if DEPARTS_FROM[act.kind] == "rejects" else line.holds)
        if matches(item.text, act.text, skip)
    ]


def departures(review: Review, record: Record) -> dict[str, list[Departure]]:
    """Per delegation with a record: its votes and wordings that run against its documented line."""
    found: dict[str, list[Departure]] = {}
    skip = table_words(record)
    for seat in review.delegations:
        line = record.delegations.get(seat.id)
        if line is not None:
            found[seat.id] = _lexical_departures(review, seat.id, line, skip)
    return found


def record_review(review: Review, transcript: Transcript, record: Record) -> RecordReview:
    """The record section decided by the lexical matcher."""
    found = candidates(transcript.outcome, final_draft(transcript))
    points = []
    for point, match in zip(record.points, lexical_points(record, found), strict=True):
        reason = f"{match.score:.0%} of its content words in {match.where or 'the closest text'}"
        points.append(
            RecordPointResult(
                id=point.id,
                text=point.text,
                source=point.source,
                matched=match.matched,
                where=match.where,
                how=LEXICAL,
                reason=reason,
            )
        )
    return section(review, record, points, LEXICAL, departures(review, record), LEXICAL)


def section(
    review: Review,
    record: Record,
    points: list[RecordPointResult],
    how: str,
    found: dict[str, list[Departure]],
    found_how: str,
) -> RecordReview:
    """The record section from decided points (by ``how``) and departures (by ``found_how``)."""
    verdict = band_verdict(review.outcome.consensus, sum(point.matched for point in points))
    return RecordReview(
        title=record.title,
        summary_note=record.summary_note,
        how=how,
        points=points,
        departures=found,
        departures_how=found_how,
        verdict=verdict,
        in_band=verdict == "partial common ground, no full accord",
        aftermath=[f"{item.text} [{item.source}]" for item in record.aftermath],
    )


def with_record(review: Review, transcript: Transcript, catalog: Catalog | None = None) -> Review:
    """``review`` with its record section by the lexical matcher, when the scenario has a record."""
    record = record_for(transcript, catalog)
    if record is None:
        return review
    return review.model_copy(update={"record": record_review(review, transcript, record)})
