"""``python -m agents.cli`` is ``parley``."""

from agents.cli import entry

entry()
