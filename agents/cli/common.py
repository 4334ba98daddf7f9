"""What every ``parley`` command shares: the consoles it prints to and how it fails.

Each command module (``run``, ``resume``, ``batch``...) defines a plain function; ``program``
registers them all on the Typer app, so nothing is registered by importing a module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from agents.core.loading import ConfigError
from agents.core.output import OutputError
from agents.core.verdict import verdict as outcome_verdict
from agents.llm.factory import ModelSpecError, check_spec, default_spec
from agents.llm.local_server import LocalModelError
from agents.sessions.run import parse_model_for
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript
from agents.sessions.writer import SaveError

console = Console(highlight=False, soft_wrap=True)  # paths and ids in a line stay whole, however narrow
errors = Console(stderr=True, highlight=False, soft_wrap=True)

T = TypeVar("T")
USER_ERRORS = (ConfigError, ModelSpecError, LocalModelError, OutputError, SaveError)


def verdict(transcript: Transcript) -> str:
    """The verdict for the line a command prints at the end: undecided clauses and silent seats named."""
    if transcript.outcome is None:
        return "no consensus"
    return outcome_verdict(transcript.outcome, transcript.names())


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


def settings_from_options(
    *, scenario: str, model: str | None, model_for: list[str] | None, seed: int | None, max_turns: int | None
) -> RunSettings:
    """The ``RunSettings`` that ``run``'s and ``batch``'s options describe.

    With no ``--model``, says which model it chose and why, before anything starts.
    """
    if model is None:
        model, why = default_spec()
        console.print(f"Model: [bold]{model}[/] ({why}).")
    return RunSettings(
        scenario=scenario,
        model=check_spec(model),
        model_for=parse_model_for(model_for or []),
        seed=seed,
        max_turns=max_turns,
    )
