"""``parley review`` and ``parley compare``: what happened in a session, and how two sessions differ."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.common import USER_ERRORS, console, errors, fail
from agents.core.output import OutputError, check_output_file
from agents.llm.factory import ModelPool
from agents.review.build import JUDGE_SETTINGS, review_transcript
from agents.review.compare import Comparison, compare_reviews
from agents.review.prices import PriceTable, load_prices
from agents.review.report_html import comparison_html, review_html, write_html
from agents.review.schema import Review
from agents.review.terminal import print_comparison, print_review
from agents.sessions.transcript import load_transcript

JudgeOption = Annotated[
    str | None,
    typer.Option(
        help="model spec of the judge that scores the delegations (default: the session's model, "
        "unless local or scripted: then no scores without --judge; 'none' for no scores)"
    ),
]
PricesOption = Annotated[
    Path | None, typer.Option(help="JSON or YAML file: model label prefix -> {input, output} dollars per 1M tokens")
]
HtmlOption = Annotated[Path | None, typer.Option(help="write a self-contained HTML report here")]
JsonOption = Annotated[bool, typer.Option("--json", help="print the computed result as JSON instead of tables")]
ViewerOption = Annotated[
    str | None,
    typer.Option(
        "--as", help="review as this delegation saw the session (leaves out others' private meetings and plans)"
    ),
]


class UnknownViewer(ValueError):
    """``--as`` names a seat the session does not have."""


async def _reviews(paths: list[Path], judge: str | None, prices: PriceTable, viewer: str | None) -> list[Review]:
    transcripts = [load_transcript(path) for path in paths]  # all checked before any model is called
    for path, transcript in zip(paths, transcripts, strict=True):
        seats = [d.id for d in transcript.delegations]
        if viewer is not None and viewer not in seats:
            raise UnknownViewer(f"{path}: --as '{viewer}' is not a delegation of this session ({', '.join(seats)})")
    with ModelPool(JUDGE_SETTINGS) as pool:
        return [await review_transcript(t, pool, judge, prices, viewer=viewer) for t in transcripts]


def _load(
    paths: list[Path], judge: str | None, prices: Path | None, viewer: str | None = None, html: Path | None = None
) -> list[Review]:
    try:
        if html is not None:
            check_output_file(html, "--html")  # before the judge is paid to score anything
        return asyncio.run(_reviews(paths, judge, load_prices(prices), viewer))
    except (*USER_ERRORS, UnknownViewer) as error:
        raise fail(error) from None


def _write(path: Path | None, html: str, quiet: bool) -> None:
    if path is None:
        return
    try:
        write_html(path, html)
    except OSError as error:
        raise fail(OutputError(f"--html {path}: cannot write: {error.strerror}")) from None
    # With --json, stdout carries only the JSON.
    (errors if quiet else console).print(f"Report: {path}")


def review(
    transcript: Annotated[Path, typer.Argument(help="a transcript JSON file written by `parley run` or the web app")],
    html: HtmlOption = None,
    json_output: JsonOption = False,
    judge: JudgeOption = None,
    prices: PricesOption = None,
    viewer: ViewerOption = None,
) -> None:
    """Review a session: outcome, timeline, speaking share, moves, draft evolution, votes, cost and scores."""
    (result,) = _load([transcript], judge, prices, viewer, html)
    if json_output:
        typer.echo(result.model_dump_json(indent=2))
    else:
        print_review(result, console)
    _write(html, review_html(result) if html else "", json_output)


def compare(
    a: Annotated[Path, typer.Argument(help="the first transcript (A)")],
    b: Annotated[Path, typer.Argument(help="the second transcript (B)")],
    html: HtmlOption = None,
    json_output: JsonOption = False,
    judge: JudgeOption = None,
    prices: PricesOption = None,
) -> None:
    """Compare two sessions side by side: outcome, clause texts, votes, speaking share and scores."""
    first, second = _load([a, b], judge, prices, html=html)
    comparison: Comparison = compare_reviews(first, second)
    if json_output:
        typer.echo(comparison.model_dump_json(indent=2))
    else:
        print_comparison(comparison, console)
    _write(html, comparison_html(comparison) if html else "", json_output)
