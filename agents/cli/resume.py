"""``parley resume``: continue a session whose process died, from its last checkpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from agents.catalog import Catalog
from agents.cli.commands import USER_ERRORS, app, console, fail
from agents.cli.console import EventPrinter
from agents.llm.factory import ModelPool, ModelSettings
from agents.output import session_file
from agents.replay import options_from
from agents.resume import check_session_id, resume_session
from agents.transcript import load_transcript


@app.command()
def resume(
    session_id: Annotated[str, typer.Argument(help="the session id (its transcript is OUT/<id>.json)")],
    out: Annotated[Path, typer.Option(help="the folder the session was writing to")] = Path("transcripts"),
    quiet: Annotated[bool, typer.Option(help="print only the outcome")] = False,
) -> None:
    """Resume a session that was killed or crashed, from its last checkpoint, without doubling any event."""
    try:
        transcript = asyncio.run(_resume(session_id, out, quiet))
    except USER_ERRORS as error:
        raise fail(error) from None
    console.print(f"Session {transcript.session_id}: {transcript.status}. Transcript: {out / (session_id + '.json')}")


async def _resume(session_id: str, out: Path, quiet: bool):
    with ModelPool(ModelSettings()) as pool:
        printer = None
        if not quiet:
            header = load_transcript(session_file(out, check_session_id(session_id, out), ".json"))
            scenario = options_from(header, out).scenario
            printer = EventPrinter(Catalog().cast(scenario), console)
        return await resume_session(session_id, out, pool, printer)
