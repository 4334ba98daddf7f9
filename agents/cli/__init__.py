"""Command-line interface: ``parley run``, ``scenarios``, ``personas``, ``validate``."""

import sys

from agents.cli.commands import app, main


def entry() -> None:
    """The ``parley`` console script."""
    sys.exit(main())


__all__ = ["app", "entry", "main"]
