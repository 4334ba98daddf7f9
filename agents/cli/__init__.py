"""Command-line interface: ``parley run``, ``batch``, ``replay``, ``fork``, ``scenarios``, ``validate``..."""

import sys

from agents.cli import batch as _batch  # noqa: F401  (registers `parley batch`)
from agents.cli import replay as _replay  # noqa: F401  (registers `parley replay` and `parley fork`)
from agents.cli import resume as _resume  # noqa: F401  (registers `parley resume`)
from agents.cli import review as _review  # noqa: F401  (registers `parley review` and `parley compare`)
from agents.cli import ui as _ui  # noqa: F401  (registers `parley ui`)
from agents.cli.commands import app, main


def entry() -> None:
    """The ``parley`` console script."""
    sys.exit(main())


__all__ = ["app", "entry", "main"]
