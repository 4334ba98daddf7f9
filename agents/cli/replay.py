"""``parley replay``: re-run a recorded session with no model and check that nothing changed.

Also the argument types and the event printer that ``parley fork`` shares."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.common import USER_ERRORS, console, errors, fail
from agents.cli.console import EventPrinter
from agents.core.catalog import Catalog
from agents.core.output import prepare_out_folder
from agents.sessions.replay import ReplayError, first_difference, normalised, replay_transcript
from agents.sessions.run import load_persona_overrides, split_pairs
from agents.sessions.transcript import Transcript, load_transcript

TranscriptPath = Annotated[Path, typer.Argument(help="a transcript JSON file written by parley")]
OutOption = Annotated[Path, typer.Option(help="folder for the new transcript")]


def parse_persona_for(pairs: list[str]) -> dict[str, Path]:
    """``["russia=my-russia.yaml"]`` to ``{"russia": Path(...)}`` (absolute, for the transcript)."""
    return {seat: Path(path).resolve() for seat, path in split_pairs(pairs, "--persona-for", "FILE").items()}


def event_printer(
    transcript: Transcript, quiet: bool, persona_for: dict[str, Path] | None = None
) -> EventPrinter | None:
    """A printer for the session's events, or None with ``quiet``.

    The cast is the session's own: its persona files (and a fork's new ones in ``persona_for``)
    over the shipped personas, so that a session of personas that do not ship can be shown.
    """
    if quiet:
        return None
    overrides = load_persona_overrides({**transcript.settings.persona_for, **(persona_for or {})})
    return EventPrinter(Catalog().cast(transcript.settings.scenario, overrides=overrides), console)


def replay(
    transcript: TranscriptPath,
    out: OutOption = Path("transcripts"),
    quiet: Annotated[bool, typer.Option(help="print only the verdict")] = True,
) -> None:
    """Re-run a session from its recorded model calls, with no model, and check the transcript is the same."""
    try:
        prepare_out_folder(out)
        original = load_transcript(transcript)
        replayed, divergences = asyncio.run(replay_transcript(original, out, event_printer(original, quiet)))
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
