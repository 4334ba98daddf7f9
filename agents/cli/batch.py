"""``parley batch``: many sessions of one scenario at once, with a progress bar and a summary."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from agents.batch.aggregate import CSV_FILE, load_sessions, summarise, write_csv
from agents.batch.manifest import BatchEntry, BatchMismatch
from agents.batch.report import VOTE_HEADINGS, summary_lines, vote_rows, write_html
from agents.batch.runner import BatchOptions, BatchResult, run_batch
from agents.cli.common import USER_ERRORS, console, errors, fail, settings_from_options
from agents.core.events import CHAIR, Event
from agents.core.output import prepare_out_folder
from agents.llm.factory import ModelPool, ModelSettings


class RichBatchProgress:
    """A Rich progress bar: sessions done, delegate turns and tokens so far, time left."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task: TaskID | None = None
        self.turns = 0
        self.tokens = 0

    def begin(self, total: int, already_done: int) -> None:
        self.task = self.progress.add_task("sessions", total=total, completed=already_done, turns=0, tokens=0)

    def event(self, index: int, event: Event) -> None:
        if event.type == "message" and event.speaker != CHAIR:
            self.turns += 1
        usage = getattr(event, "usage", None)
        if usage is not None:
            self.tokens += usage.total_tokens
        if self.task is not None and event.type in ("message", "vote_cast"):
            self.progress.update(self.task, turns=self.turns, tokens=self.tokens)

    def end(self, index: int, entry: BatchEntry) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=1, turns=self.turns, tokens=self.tokens)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[turns]} turns"),
        TextColumn("{task.fields[tokens]:,} tokens"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


def batch(
    out: Annotated[Path, typer.Option(help="folder for the transcripts, batch.json, aggregate.csv, summary.html")],
    scenario: Annotated[str, typer.Option(help="scenario id or file")] = "six-party-2003",
    sessions: Annotated[int, typer.Option("-n", "--sessions", min=1, help="how many sessions")] = 10,
    concurrency: Annotated[int, typer.Option(min=1, help="sessions running at once")] = 4,
    model: Annotated[str | None, typer.Option(help="model spec for every seat")] = None,
    model_for: Annotated[
        list[str] | None, typer.Option("--model-for", help="SEAT=SPEC for one seat; repeatable")
    ] = None,
    seed_base: Annotated[int, typer.Option(help="session i uses seed SEED_BASE + i")] = 0,
    max_turns: Annotated[int | None, typer.Option(min=1, help="cap on delegate turns per session")] = None,
    requests_per_second: Annotated[
        float | None, typer.Option(min=0.001, help="shared limit on openai: calls per second across the batch")
    ] = None,
    max_concurrent_calls: Annotated[
        int | None, typer.Option(min=1, help="shared cap on openai: calls in flight across the batch")
    ] = None,
) -> None:
    """Run many sessions concurrently; re-run the same command to resume an interrupted batch."""
    try:
        prepare_out_folder(out)  # before any model starts
        run_settings = settings_from_options(
            scenario=scenario, model=model, model_for=model_for, seed=seed_base, max_turns=max_turns
        )
        options = BatchOptions(settings=run_settings, n=sessions, out=out, concurrency=concurrency)
        settings = ModelSettings(requests_per_second=requests_per_second, max_concurrent_calls=max_concurrent_calls)
        result = asyncio.run(_run(options, settings))
    except (*USER_ERRORS, BatchMismatch) as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        errors.print("interrupted: finished sessions are kept; run the same command again to resume")
        raise typer.Exit(code=130) from None
    report(options, result)
    if result.failed:
        errors.print(f"{len(result.failed)} session(s) did not complete: indexes {result.failed}")
        raise typer.Exit(code=1)


async def _run(options: BatchOptions, settings: ModelSettings) -> BatchResult:
    with ModelPool(settings) as pool, progress_bar() as progress:
        return await run_batch(options, pool, RichBatchProgress(progress))


def report(options: BatchOptions, result: BatchResult) -> None:
    """Write aggregate.csv and summary.html, and print the summary."""
    sessions = load_sessions(options.out, result.manifest, options.n)
    summary = summarise(sessions)
    rows = [row for row, _ in sessions]
    write_csv(rows, options.out / CSV_FILE)
    html = write_html(options.out, f"Parley batch: {options.settings.scenario}", summary, rows)
    if result.skipped:
        console.print(f"Skipped {len(result.skipped)} finished session(s); ran {len(result.ran)}.")
    for line in summary_lines(summary):
        console.print(line)
    table = Table(title="Votes by delegation (clause votes over all sessions)")
    for heading in VOTE_HEADINGS:
        table.add_column(heading, justify="left" if heading == "delegation" else "right")
    for row in vote_rows(summary):
        table.add_row(*[str(cell) for cell in row])
    console.print(table)
    console.print(f"Aggregate: {options.out / CSV_FILE}; summary: {html}")
