"""``parley run``: one session, streamed to the terminal, its transcript written to ``--out``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.common import USER_ERRORS, console, errors, fail, settings_from_options, verdict
from agents.cli.console import EventPrinter
from agents.core.output import prepare_out_folder
from agents.core.scenarios import PhaseKind
from agents.llm.factory import ModelPool, ModelSettings
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript

# The demo: every phase, each cut to this many turns, each agenda item's round to one, and one
# round of private plans, before the drafting, instead of three: it shows the whole pipeline
# in about three minutes on the embedded model.
DEMO_PHASE_TURNS = 2
DEMO_ITEM_TURNS = 1
DEMO_PLANS: list[PhaseKind] = ["drafting"]


def demo_shape(phase_turns: int | None) -> dict:
    """The demo's settings; a ``--phase-turns`` given with ``--demo`` caps the agenda items' rounds too."""
    if phase_turns is not None:
        return {"phase_turns": phase_turns, "plan_before": DEMO_PLANS}
    return {"phase_turns": DEMO_PHASE_TURNS, "item_turns": DEMO_ITEM_TURNS, "plan_before": DEMO_PLANS}


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
    phase_turns: Annotated[
        int | None,
        typer.Option(min=1, help="cap on delegate turns in each phase and agenda item's round; every phase is held"),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            help=f"the quick start's short session: every phase, {DEMO_PHASE_TURNS} turns each and "
            f"{DEMO_ITEM_TURNS} on each agenda item (unless --phase-turns says otherwise), "
            "one round of plans, the chair's summary kept"
        ),
    ] = False,
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
) -> None:
    """Run one session, streaming it to the terminal, and write its transcript."""
    try:
        prepare_out_folder(out)  # before any model starts
        options = settings_from_options(
            scenario=scenario, model=model, model_for=model_for, seed=seed, max_turns=max_turns
        ).where(out)
        if demo:
            options = options.model_copy(update=demo_shape(phase_turns))
        elif phase_turns is not None:
            options = options.model_copy(update={"phase_turns": phase_turns})
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


async def _run(options: RunSettings, quiet: bool, settings: ModelSettings, started: list[Transcript]):
    with ModelPool(settings) as pool:
        prepared = prepare(options, pool)
        started.append(prepared.writer.transcript)
        printer = None if quiet else EventPrinter(prepared.session.cast, console)
        return await run_prepared(prepared, printer)
