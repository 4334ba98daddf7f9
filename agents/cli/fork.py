"""``parley fork``: continue a recorded session from a turn under a change (a model, a persona, a cap)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.common import USER_ERRORS, console, errors, fail, verdict
from agents.cli.replay import OutOption, TranscriptPath, event_printer, parse_persona_for
from agents.core.output import prepare_out_folder
from agents.llm.factory import ModelPool
from agents.sessions.fork import ForkOptions, fork_transcript, same_through_turn
from agents.sessions.replay import ReplayError
from agents.sessions.run import parse_model_for
from agents.sessions.transcript import Transcript, load_transcript


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
            at=at,
            model_for=parse_model_for(model_for or []),
            persona_for=parse_persona_for(persona_for or []),
            max_turns=max_turns,
            out=out,
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
        return await fork_transcript(parent, options, pool, event_printer(parent, quiet, options.persona_for))
