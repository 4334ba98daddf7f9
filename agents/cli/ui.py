"""``parley ui``: start the Chainlit web app on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from agents.cli.app_folder import server_folder
from agents.cli.common import console, fail
from agents.core.paths import data_root
from agents.llm.factory import ModelSpecError, check_spec, default_spec


def ui_environment(
    models: list[str],
    db: Path,
    out: Path,
    origins: list[str] | None = None,
    judge: str | None = None,
    phase_turns: int | None = None,
) -> dict[str, str]:
    """The environment the Chainlit server runs with."""
    env = dict(os.environ)
    # With CI set, `chainlit run` overwrites OPENAI_API_KEY; Parley's server is no CI job.
    env.pop("CI", None)
    env["PARLEY_UI_MODELS"] = ",".join(models)
    env["PARLEY_UI_DB"] = str(db.resolve())
    env["PARLEY_UI_OUT"] = str(out.resolve())
    if origins:
        env["PARLEY_UI_ORIGINS"] = ",".join(origins)
    if judge:
        env["PARLEY_UI_JUDGE"] = judge
    if phase_turns is not None:
        env["PARLEY_UI_PHASE_TURNS"] = str(phase_turns)
    return env


def ui(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    model: Annotated[
        list[str] | None, typer.Option(help="model spec for the AI seats; repeat to offer a choice")
    ] = None,
    db: Annotated[Path, typer.Option(help="SQLite file for past sessions (created if missing)")] = Path(
        ".parley/ui.sqlite"
    ),
    out: Annotated[Path, typer.Option(help="folder for the transcripts of web sessions")] = Path("transcripts"),
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(help="another site (scheme://host[:port]) allowed to call the server (CORS); repeatable"),
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option(help="model spec of the review's judge (default: the session's model, unless local or scripted)"),
    ] = None,
    phase_turns: Annotated[
        int | None,
        typer.Option(min=1, help="cap on delegate turns in each phase of a session at one seat (default: none)"),
    ] = None,
) -> None:
    """Start the web app: join a session as any delegation, or watch one."""
    try:
        models = [check_spec(spec) for spec in model] if model else [default_spec()[0]]
        judge = check_spec(judge) if judge and judge != "none" else judge
    except ModelSpecError as error:
        raise fail(error) from None
    if not model:
        console.print(f"Model: [bold]{models[0]}[/] ({default_spec()[1]}).")
    root = data_root()
    command = [
        sys.executable,
        "-m",
        "chainlit",
        "run",
        str(root / "app.py"),
        "--headless",
        "--host",
        host,
        "--port",
        str(port),
    ]
    console.print(f"Parley web app on http://{host}:{port} (Ctrl-C to stop)")
    environment = ui_environment(models, db, out, allow_origin, judge, phase_turns)
    # Chainlit deletes its app root's working files when a server stops: each server has its own.
    environment["CHAINLIT_APP_ROOT"] = str(server_folder(root, db, os.getpid()))
    os.chdir(root)  # Chainlit reads a `.env` from here, as it always has
    # Become the server (no child process): signals to `parley ui` reach Chainlit itself.
    os.execve(sys.executable, command, environment)
