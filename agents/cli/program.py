"""The ``parley`` program: every command registered by name, and the script's entry point."""

from __future__ import annotations

import sys
from typing import Protocol, TypeGuard

import click
import typer

from agents.cli import batch, fork, listing, replay, resume, review, run, ui, validate

app = typer.Typer(
    name="parley",
    help="Role-play multi-party diplomatic negotiations with LLM delegations.",
    no_args_is_help=True,
    add_completion=False,
)
COMMANDS = (
    run.run,
    resume.resume,
    listing.scenarios,
    listing.personas,
    validate.validate,
    batch.batch,
    replay.replay,
    fork.fork,
    review.review,
    review.compare,
    ui.ui,
)
for command in COMMANDS:
    app.command()(command)


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
        if is_usage_error(error):
            error.show()
            return error.exit_code
        raise
    return result if isinstance(result, int) else 0


class UsageError(Protocol):
    """What click's and Typer's usage errors share."""

    exit_code: int

    def show(self) -> None: ...


def is_usage_error(error: Exception) -> TypeGuard[UsageError]:
    """A command-line mistake (missing argument, bad option): shown as one line, not a traceback.

    Recent Typer versions carry their own copy of click, whose exceptions derive from
    ``typer.TyperException`` rather than ``click.ClickException``; accept either.
    """
    usage_errors = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
    return isinstance(error, usage_errors) and hasattr(error, "show") and hasattr(error, "exit_code")


def entry() -> None:
    """The ``parley`` console script."""
    sys.exit(main())
