"""``parley replay`` and ``parley fork``: re-run a recorded session, or branch it at a turn."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.commands import USER_ERRORS, app, console, errors, fail, verdict
from agents.cli.console import EventPrinter
from agents.fork import ForkOptions, fork_transcript, same_through_turn
from agents.llm.factory import ModelPool
from agents.output import prepare_out_folder
from agents.replay import ReplayError, first_difference, normalised, replay_transcript
from agents.runner import parse_model_for, split_pairs
from agents.transcript import Transcript, load_transcript

TranscriptPath = Annotated[Path, typer.Argument(help="a transcript JSON file written by parley")]
OutOption = Annotated[Path, typer.Option(help="folder for the new transcript")]


def parse_persona_for(pairs: list[str]) -> dict[str, Path]:
    """``["russia=my-russia.yaml"]`` to ``{"russia": Path(...)}`` (absolute, for the transcript)."""
    return {seat: Path(path).resolve() for seat, path in split_pairs(pairs, "--persona-for", "FILE").items()}


def _printer(transcript: Transcript, quiet: bool):
    if quiet:
        return None
    from agents.catalog import Catalog

    return EventPrinter(Catalog().cast(transcript.settings.get("scenario") or transcript.scenario.id), console)


@app.command()
def replay(
    transcript: TranscriptPath,
    out: OutOption = Path("transcripts"),
    quiet: Annotated[bool, typer.Option(help="print only the verdict")] = True,
) -> None:
    """Re-run a session from its recorded model calls, with no model, and check the transcript is the same."""
    try:
        prepare_out_folder(out)
        original = load_transcript(transcript)
        replayed, divergences = asyncio.run(replay_transcript(original, out, _printer(original, quiet)))
    except (*USER_ERRORS, ReplayError) as error:
        raise fail(error) from None
    console.print(f"Replayed {len(original.recording)} model calls: {out / (replayed.session_id + '.json')}")
    for divergence in divergences[:5]:
        errors.print(f"diverged: {divergence}")
    difference = first_difference(normalised(original), normalised(replayed))
    if difference is not None:
        errors.print(f"the replay differs from the original ({difference})")
        raise typer.Exit(code=1)
    console.print("Identical to the original apart from its session id and times.")


@app.command()
def fork(
    transcript: TranscriptPath,
    at: Annotated[int, typer.Option(min=0, help="the last delegate turn kept from the parent")],
    model_for: Annotated[
        list[str] | None, typer.Option("--model-for", help="SEAT=SPEC: another model from the fork on; repeatable")
    ] = None,
    persona_for: Annotated[
        list[str] | None, typer.Option("--persona-for", help="SEAT=FILE: another persona file; repeatable")
    ] = None,
    max_turns: Annotated[int | None, typer.Option(min=1, help="cap on delegate turns (default: the parent's)")] = None,
    out: OutOption = Path("transcripts"),
    quiet: Annotated[bool, typer.Option(help="print only the outcome and the transcript path")] = False,
) -> None:
    """Continue a session from turn AT under a change, writing a new transcript that records its parent."""
    try:
        prepare_out_folder(out)
        parent = load_transcript(transcript)
        options = ForkOptions(
            at, parse_model_for(model_for or []), parse_persona_for(persona_for or []), max_turns, out
        )
        forked = asyncio.run(_fork(parent, options, quiet))
    except (*USER_ERRORS, ReplayError) as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        errors.print("interrupted: the transcript so far is saved")
        raise typer.Exit(code=130) from None
    console.print(f"Fork {forked.session_id} of {parent.session_id} at turn {at}: {forked.status}, {verdict(forked)}.")
    if not same_through_turn(parent, forked, at):
        errors.print(f"note: the fork's first {at} turns differ from the parent's (a persona's names changed?)")
    console.print(f"Transcript: {out / (forked.session_id + '.json')} (and .md)")


async def _fork(parent: Transcript, options: ForkOptions, quiet: bool) -> Transcript:
    with ModelPool() as pool:
        return await fork_transcript(parent, options, pool, _printer(parent, quiet))
