"""Quality of play: N sessions on one model, scored by a judge; the figures a capable model should move.

For each delegation: the judge's mean interests and consistency scores (0-10) and how often
the judge found one of its red lines crossed by the agreed text. For the sessions: the share
of clauses agreed, how many sessions reached consensus, and the chair's summary points
(common ground and differences) of each session.

It runs anywhere the model runs. Offline, ``--model scripted --judge scripted`` checks the
pipeline (the scripted judge scores by rule, not by reading). With a real model:

    OPENAI_API_KEY=... .venv/bin/python benchmarks/quality.py --model openai:gpt-4o --n 5
    OPENAI_BASE_URL=http://host:8000/v1 .venv/bin/python benchmarks/quality.py --model openai:my-model --n 5

The judge defaults to the session model, except ``local`` and ``scripted``: those sessions
need ``--judge`` for scores. Not run in CI: with a real model it costs money and
its figures are the model's, not Parley's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from common import print_table

from agents.core.catalog import Catalog
from agents.llm.factory import ModelPool
from agents.review.build import review_transcript
from agents.review.schema import Review
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript


async def play(settings: RunSettings, n: int, concurrency: int) -> list[Transcript]:
    """``n`` sessions with seeds 0..n-1, ``concurrency`` at a time."""
    slots = asyncio.Semaphore(max(1, concurrency))
    pool, catalog = ModelPool(), Catalog()

    async def one(seed: int) -> Transcript:
        async with slots:
            return await run_prepared(prepare(settings.model_copy(update={"seed": seed}), pool, catalog))

    return list(await asyncio.gather(*(one(seed) for seed in range(n))))


async def judged(transcripts: list[Transcript], judge: str | None) -> list[Review]:
    pool = ModelPool()
    return [await review_transcript(transcript, pool, judge=judge) for transcript in transcripts]


def delegation_rows(reviews: list[Review]) -> list[list[str]]:
    interests: dict[str, list[int]] = defaultdict(list)
    consistency: dict[str, list[int]] = defaultdict(list)
    crossed: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for review in reviews:
        for seat in review.delegations:
            names[seat.id] = seat.short_name
            score = review.scores.of(seat.id) if review.scores else None
            if score is None:
                continue
            interests[seat.id].append(score.interests_score)
            consistency[seat.id].append(score.consistency_score)
            crossed[seat.id] += bool(score.red_lines_crossed)
    rows = []
    for seat, name in names.items():
        judged_sessions = len(interests[seat])
        rows.append(
            [
                name,
                f"{statistics.mean(interests[seat]):.1f}" if judged_sessions else "-",
                f"{statistics.mean(consistency[seat]):.1f}" if judged_sessions else "-",
                f"{crossed[seat]}/{judged_sessions}",
            ]
        )
    return rows


def summary_points(transcript: Transcript) -> list[str]:
    """The chair's summary of the session, one line per point, with the parties behind it."""
    ended = transcript.outcome
    points = getattr(ended, "chair_summary", []) if ended else []
    names = transcript.names()
    return [f"{point.kind}: {point.text} ({', '.join(names.get(p, p) for p in point.parties)})" for point in points]


def report(transcripts: list[Transcript], reviews: list[Review], model: str, judge: str) -> None:
    print(f"Quality of play: {len(transcripts)} sessions, model {model}, judge {judge}")
    print_table(["delegation", "interests (0-10)", "consistency (0-10)", "red line crossed"], delegation_rows(reviews))
    clauses = [clause for t in transcripts if t.outcome for clause in t.outcome.clauses]
    agreed = sum(clause.status == "agreed" for clause in clauses)
    consensus = sum(bool(t.outcome and t.outcome.consensus) for t in transcripts)
    print(f"clauses agreed: {agreed}/{len(clauses)}" + (f" ({agreed / len(clauses):.0%})" if clauses else ""))
    print(f"sessions with consensus: {consensus}/{len(transcripts)}")
    for index, transcript in enumerate(transcripts):
        print(f"\nSession {index} ({transcript.session_id}), chair's summary:")
        for line in summary_points(transcript) or ["(none)"]:
            print(f"  - {line}")


async def main(arguments: argparse.Namespace) -> None:
    out = Path(arguments.out or tempfile.mkdtemp(prefix="parley-quality-"))
    settings = RunSettings(
        scenario=arguments.scenario,
        model=arguments.model,
        max_turns=arguments.max_turns,
        out=out,
    )
    transcripts = await play(settings, arguments.n, arguments.concurrency)
    reviews = await judged(transcripts, arguments.judge)
    report(transcripts, reviews, arguments.model, arguments.judge or arguments.model)
    print(f"\ntranscripts: {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="scripted", help="model spec for every seat (see docs/models.md)")
    parser.add_argument("--judge", default=None, help="judge model spec (default: the session model)")
    parser.add_argument("--scenario", default="six-party-2003")
    parser.add_argument("--n", type=int, default=3, help="sessions to run")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--max-turns", type=int, default=None)
    parser.add_argument("--out", default=None, help="folder for the transcripts (default: a temporary one)")
    asyncio.run(main(parser.parse_args()))
