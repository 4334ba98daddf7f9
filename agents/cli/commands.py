"""The ``parley`` command line: run sessions, list and validate personas and scenarios."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agents.catalog import Catalog
from agents.cli.console import EventPrinter
from agents.cli.validate import validate_files
from agents.llm.factory import ModelPool, ModelSettings, ModelSpecError, check_spec, default_spec
from agents.llm.local_server import LocalModelError
from agents.loading import ConfigError
from agents.output import OutputError, prepare_out_folder
from agents.runner import RunOptions, parse_model_for, prepare, run_prepared
from agents.transcript import SaveError, Transcript
from agents.verdict import verdict as outcome_verdict

app = typer.Typer(
    name="parley",
    help="Role-play multi-party diplomatic negotiations with LLM delegations.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

T = TypeVar("T")
USER_ERRORS = (ConfigError, ModelSpecError, LocalModelError, OutputError, SaveError)


def verdict(transcript) -> str:
    """The verdict for the line a command prints at the end: undecided clauses and silent seats named."""
    if transcript.outcome is None:
        return "no consensus"
    return outcome_verdict(transcript.outcome, {d.id: d.short_name for d in transcript.delegations})


def fail(error: Exception) -> typer.Exit:
    """Exit 2 with the error's message; unwrapped, so that the paths in it stay whole."""
    errors.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, soft_wrap=True)
    return typer.Exit(code=2)


def checked(load: Callable[..., T], *args: object) -> T:
    """``load(*args)``, with a bad shipped (or ``PARLEY_HOME``) file reported as a named error, not a traceback."""
    try:
        return load(*args)
    except ConfigError as error:
        raise fail(error) from None


@app.command()
def run(
    scenario: Annotated[
        str, typer.Option(help="scenario id (see `parley scenarios`) or a scenario file")
    ] = "six-party-2003",
    model: Annotated[
        str | None, typer.Option(help="model spec for every seat: openai:<name>, local or scripted")
    ] = None,
    model_for: Annotated[
        list[str] | None,
        typer.Option("--model-for", help="SEAT=SPEC for one seat (a delegation id or 'chair'); repeatable"),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="seed for sampling and for the scripted model")] = None,
    max_turns: Annotated[
        int | None, typer.Option(min=1, help="cap on delegate turns; the consensus call still happens")
    ] = None,
    out: Annotated[Path, typer.Option(help="folder for the transcript (JSON and Markdown) and checkpoints")] = Path(
        "transcripts"
    ),
    quiet: Annotated[bool, typer.Option(help="print only the outcome and the transcript path")] = False,
    timeout: Annotated[
        float,
        typer.Option(min=0.1, help="seconds for the whole of one model call, streaming included, before it is retried"),
    ] = 120.0,
    max_retries: Annotated[
        int, typer.Option(min=0, help="retries of a failed model call (429, 5xx, timeout, dropped connection)")
    ] = 2,
    resume: Annotated[
        str | None,
        typer.Option(
            metavar="SESSION_ID",
            help="continue this killed session from its last checkpoint in --out instead of starting one "
            "(as `parley resume`; scenario and models come from the session)",
        ),
    ] = None,
) -> None:
    """Run one session, streaming it to the terminal, and write its transcript."""
    if resume is not None:
        from agents.cli.resume import resume as resume_session

        return resume_session(resume, out, quiet)
    try:
        prepare_out_folder(out)  # before any model starts
        if model is None:
            model, why = default_spec()
            console.print(f"Model: [bold]{model}[/] ({why}).")
        options = RunOptions(scenario, check_spec(model), parse_model_for(model_for or []), seed, max_turns, out)
        settings = ModelSettings(seed=seed, timeout_seconds=timeout, max_retries=max_retries)
        started: list[Transcript] = []
        transcript = asyncio.run(_run(options, quiet, settings, started))
    except USER_ERRORS as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        errors.print(interrupted_message(started, out), markup=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    usage = transcript.total_usage()
    console.print(
        f"Session {transcript.session_id}: {transcript.status}, {verdict(transcript)}. "
        f"Tokens {usage.input_tokens} in / {usage.output_tokens} out{' (estimated)' if usage.estimated else ''}."
    )
    console.print(f"Transcript: {out / (transcript.session_id + '.json')} (and .md)")


def interrupted_message(started: list[Transcript], out: Path) -> str:
    """What a Ctrl-C left on disk, and how to go on (``started`` holds the session once it exists)."""
    if not started:
        return "interrupted before the session started"
    transcript = started[0]
    path = out / f"{transcript.session_id}.json"
    if transcript.status == "complete":  # Ctrl-C came after the end: nothing is missing
        return f"interrupted after the session ended: the transcript is complete in {path}"
    return (
        f"interrupted: the transcript so far is saved in {path}; "
        f"`parley resume {transcript.session_id} --out {out}` continues the session"
    )


async def _run(options: RunOptions, quiet: bool, settings: ModelSettings, started: list[Transcript]):
    with ModelPool(settings) as pool:
        prepared = prepare(options, pool)
        started.append(prepared.writer.transcript)
        printer = None if quiet else EventPrinter(prepared.session.cast, console)
        return await run_prepared(prepared, printer)


@app.command()
def scenarios() -> None:
    """List the shipped scenarios."""
    catalog = checked(Catalog)
    table = Table()
    table.add_column("id", no_wrap=True)
    for heading in ("title", "venue", "date", "chair", "parties"):
        table.add_column(heading)
    for path in catalog.scenario_paths():
        cast = checked(catalog.cast, path.stem)
        s = cast.scenario
        table.add_row(s.id, s.title, s.venue, s.date, cast.chair.short_name, ", ".join(s.parties))
    console.print(table)


@app.command()
def personas() -> None:
    """List the shipped personas (delegations and chairs)."""
    table = Table()
    table.add_column("id", no_wrap=True)
    for heading in ("kind", "name", "head of delegation", "claims"):
        table.add_column(heading)
    for persona in checked(Catalog).personas.values():
        head = f"{persona.head.name}, {persona.head.title}"
        table.add_row(persona.id, persona.kind, persona.name, head, str(len(persona.claims())))
    console.print(table)


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="persona, scenario or transcript files")]) -> None:
    """Check persona, scenario and transcript files; name the file and field of every problem."""
    bad = 0
    for path, problem in checked(list, validate_files(files)):
        if problem is None:
            console.print(f"[green]ok[/]   {escape(str(path))}")
        else:
            bad += 1
            errors.print(f"[red]bad[/]  {escape(problem)}", markup=True)
    if bad:
        raise typer.Exit(code=1)


def main(args: list[str] | None = None) -> int:
    """Entry point for the ``parley`` script; returns the exit code (for in-process tests too).

    With ``standalone_mode=False`` click does not raise on ``typer.Exit(code=N)``: it returns N.
    """
    try:
        result = app(args=args, standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except SystemExit as done:  # click's own exits (--help, usage errors)
        return int(done.code or 0)
    except Exception as error:
        if not is_usage_error(error):
            raise
        error.show()
        return error.exit_code
    return result if isinstance(result, int) else 0


def is_usage_error(error: Exception) -> bool:
    """A command-line mistake (missing argument, bad option): shown as one line, not a traceback.

    Recent Typer versions carry their own copy of click, whose exceptions derive from
    ``typer.TyperException`` rather than ``click.ClickException``; accept either.
    """
    import click

    usage_errors = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
    return isinstance(error, usage_errors) and hasattr(error, "show") and hasattr(error, "exit_code")
