"""A batch against the record: how often sessions land in the historical band, and how often each point is reached.

Decided by the lexical matcher (``agents.core.record_match``): a batch asks no judge. Rates
are over the same sessions as the consensus rate (every delegation answered every clause),
with 95% Wilson intervals: a session where a ballot failed cannot reach a full accord, and
counting it would raise the band rate whenever the model server fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.batch.interval import wilson_interval
from agents.core.record import Record
from agents.core.record_match import band_verdict, candidates, lexical_points
from agents.sessions.transcript import Transcript


@dataclass(frozen=True)
class Rate:
    """How many of ``trials`` sessions had it, with the 95% Wilson interval."""

    successes: int
    trials: int

    @property
    def rate(self) -> float:
        return self.successes / self.trials if self.trials else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.successes, self.trials)

    def line(self) -> str:
        low, high = self.interval
        return f"{self.successes}/{self.trials} = {self.rate:.1%} (95% Wilson interval {low:.1%} to {high:.1%})"


@dataclass(frozen=True)
class SessionRecord:
    """One session against the record: its verdict, and the ids of the points it reached."""

    verdict: str
    in_band: bool
    matched: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordFigures:
    """The band rate and each point's match rate, over the batch's answered sessions."""

    title: str
    band: Rate
    points: dict[str, Rate]


def session_record(transcript: Transcript, record: Record) -> SessionRecord:
    """Where one session lies against the record, by the lexical matcher."""
    outcome = transcript.outcome
    found = lexical_points(record, candidates(outcome, transcript.draft))
    matched = [match.point_id for match in found if match.matched]
    verdict = band_verdict(bool(outcome and outcome.consensus), len(matched))
    return SessionRecord(verdict=verdict, in_band=verdict == "partial common ground, no full accord", matched=matched)


def record_figures(record: Record, sessions: list[SessionRecord]) -> RecordFigures:
    """The band rate and per-point match rates over ``sessions``."""
    trials = len(sessions)
    points = {p.id: Rate(sum(p.id in s.matched for s in sessions), trials) for p in record.points}
    return RecordFigures(title=record.title, band=Rate(sum(s.in_band for s in sessions), trials), points=points)


def record_lines(figures: RecordFigures) -> list[str]:
    """The band rate and each point's rate, one per line."""
    lines = [
        f"Historical band (partial common ground, no full accord; {figures.title}): {figures.band.line()}",
        "  decided by the lexical matcher, over the same sessions as the consensus rate",
    ]
    return lines + [f"  record point '{pid}' reached: {rate.line()}" for pid, rate in figures.points.items()]
