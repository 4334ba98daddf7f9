"""``parley resume``: continue a session that was interrupted or whose process died, from its last checkpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.common import USER_ERRORS, console, errors, fail
from agents.cli.console import EventPrinter
from agents.core.catalog import Catalog
from agents.core.output import session_file
from agents.llm.factory import ModelPool, ModelSettings
from agents.sessions.replay import options_from
from agents.sessions.resume import NothingToResume, check_session_id, resume_session
from agents.sessions.transcript import load_transcript


def resume(
    session_id: Annotated[str, typer.Argument(help="the session id (its transcript is OUT/<id>.json)")],
    out: Annotated[Path, typer.Option(help="the folder the session was writing to")] = Path("transcripts"),
    quiet: Annotated[bool, typer.Option(help="print only the outcome")] = False,
) -> None:
    """Resume a session that was interrupted, killed or crashed, from its last checkpoint, without doubling any event.

    Exit 2, changing no file, if the session is complete ("nothing to resume") or its files
    cannot be resumed without losing or doubling an event (the message names file and line).
    """
    try:
        transcript = asyncio.run(_resume(session_id, out, quiet))
    except (*USER_ERRORS, NothingToResume) as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        message = f"interrupted: `parley resume {session_id} --out {out}` continues the session"
        errors.print(message, markup=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    console.print(f"Session {transcript.session_id}: {transcript.status}. Transcript: {out / (session_id + '.json')}")


async def _resume(session_id: str, out: Path, quiet: bool):
    with ModelPool(ModelSettings()) as pool:
        printer = None
        if not quiet:
            header = load_transcript(session_file(out, check_session_id(session_id, out), ".json"))
            scenario = options_from(header, out).scenario
            printer = EventPrinter(Catalog().cast(scenario), console)
        return await resume_session(session_id, out, pool, printer)
