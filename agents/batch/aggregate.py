"""Sum up a batch: one CSV row per session, and the figures across sessions.

Consensus rate with a 95% Wilson score interval (sound for small batches and for rates
near 0 or 1), clauses agreed and undecided, turns and tokens per session, and each
delegation's votes (accept, object, abstain, no answer) over every clause of every session.

The consensus rate counts only sessions where every delegation answered every clause. A
session where some ballot failed has undecided clauses and no consensus; counting it as a
failure to agree would make the rate measure the model server's health, and counting its
silence as consent would make the rate rise when the server dies. Such sessions are
counted apart, as ``undecided``.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from agents.batch.interval import wilson_interval
from agents.batch.manifest import BatchManifest, finished
from agents.batch.record import RecordFigures, SessionRecord, record_figures, session_record
from agents.core.events import CHAIR
from agents.core.output import session_file, write_atomically
from agents.core.record import Record, record_of
from agents.sessions.transcript import Transcript, load_transcript

CSV_FILE = "aggregate.csv"


@dataclass
class SessionRow:
    """One session's figures: a row of the CSV."""

    index: int
    seed: int
    session_id: str
    status: str
    consensus: bool
    answered: bool  # every delegation answered every clause
    clauses_agreed: int
    clauses_undecided: int
    clauses_total: int
    turns: int
    tokens_in: int
    tokens_out: int
    tokens_estimated: bool
    record_verdict: str = ""  # against the scenario's record, when it has one (lexical matcher)
    in_band: bool | None = None
    points_matched: str = ""  # the ids of the record points reached, space-separated


@dataclass
class BatchSummary:
    """The batch's figures across its complete sessions.

    ``consensus_rate`` and its interval are over the ``answered`` sessions only; ``undecided``
    sessions (some delegation gave no answer) are left out of it.
    """

    sessions: int
    answered: int
    undecided: int
    consensus: int
    consensus_rate: float
    consensus_interval: tuple[float, float]
    mean_clauses_agreed: float
    mean_clauses_total: float
    mean_turns: float
    mean_tokens_in: float
    mean_tokens_out: float
    votes: dict[str, Counter] = field(default_factory=dict)
    record: RecordFigures | None = None


def session_row(index: int, seed: int, transcript: Transcript, record: Record | None = None) -> SessionRow:
    against = session_record(transcript, record) if record else None
    outcome = transcript.outcome
    clauses = outcome.clauses if outcome else []
    usage = transcript.total_usage()
    return SessionRow(
        index=index,
        seed=seed,
        session_id=transcript.session_id,
        status=transcript.status,
        consensus=bool(outcome and outcome.consensus),
        answered=outcome is None or outcome.answered,
        clauses_agreed=sum(1 for clause in clauses if clause.status == "agreed"),
        clauses_undecided=sum(1 for clause in clauses if clause.status == "undecided"),
        clauses_total=len(clauses),
        turns=sum(1 for e in transcript.events if e.type == "message" and e.speaker != CHAIR),
        tokens_in=usage.input_tokens,
        tokens_out=usage.output_tokens,
        tokens_estimated=usage.estimated,
        record_verdict=against.verdict if against else "",
        in_band=against.in_band if against else None,
        points_matched=" ".join(against.matched) if against else "",
    )


def load_sessions(folder: Path, manifest: BatchManifest, n: int | None = None) -> list[tuple[SessionRow, Transcript]]:
    """Every complete session of the batch (the first ``n`` indexes, if given), in index order."""
    loaded = []
    records: dict[str, Record | None] = {}
    for index in sorted(manifest.sessions):
        entry = manifest.sessions[index]
        if (n is None or index < n) and entry.session_id is not None and finished(folder, entry):
            transcript = load_transcript(session_file(folder, entry.session_id, ".json"))
            record = _record(transcript, records)
            loaded.append((session_row(index, entry.seed, transcript, record), transcript))
    return loaded


def vote_patterns(transcripts: list[Transcript]) -> dict[str, Counter]:
    """Per delegation, how many clause votes it cast as accept, object and abstain, and how often it gave no answer."""
    patterns: dict[str, Counter] = {}
    for transcript in transcripts:
        for party, votes in (transcript.outcome.votes if transcript.outcome else {}).items():
            counts = patterns.setdefault(party, Counter(accept=0, object=0, abstain=0, no_answer=0))
            counts.update(vote.vote for vote in votes)
    return patterns


def summarise(sessions: list[tuple[SessionRow, Transcript]]) -> BatchSummary:
    rows = [row for row, _ in sessions]

    def mean(values: list[int]) -> float:
        return statistics.fmean(values) if values else 0.0

    answered = [row for row in rows if row.answered]
    agreed = sum(row.consensus for row in answered)
    return BatchSummary(
        sessions=len(rows),
        answered=len(answered),
        undecided=len(rows) - len(answered),
        consensus=agreed,
        consensus_rate=agreed / len(answered) if answered else 0.0,
        consensus_interval=wilson_interval(agreed, len(answered)),
        mean_clauses_agreed=mean([row.clauses_agreed for row in rows]),
        mean_clauses_total=mean([row.clauses_total for row in rows]),
        mean_turns=mean([row.turns for row in rows]),
        mean_tokens_in=mean([row.tokens_in for row in rows]),
        mean_tokens_out=mean([row.tokens_out for row in rows]),
        votes=vote_patterns([transcript for _, transcript in sessions]),
        record=_record_figures([(row, t) for row, t in sessions if row.answered]),
    )


def write_csv(rows: list[SessionRow], path: Path) -> None:
    """One row per session, with a header; written through a temporary file."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(SessionRow.__dataclass_fields__), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    write_atomically(path, text.getvalue())


def _record(transcript: Transcript, known: dict[str, Record | None]) -> Record | None:
    """The record of the transcript's scenario, read once per scenario id."""
    scenario_id = transcript.scenario.id
    if scenario_id not in known:
        known[scenario_id] = record_of(scenario_id, transcript.settings.scenario)
    return known[scenario_id]


def _record_figures(sessions: list[tuple[SessionRow, Transcript]]) -> RecordFigures | None:
    """The band and point rates over ``sessions``, from their rows, when their scenario has a record."""
    record = _record(sessions[0][1], {}) if sessions else None
    if record is None:
        return None
    against = [SessionRecord(row.record_verdict, bool(row.in_band), row.points_matched.split()) for row, _ in sessions]
    return record_figures(record, against)
