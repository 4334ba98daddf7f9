"""Command-line interface: ``parley run``, ``resume``, ``batch``, ``replay``, ``fork``, ``review``, ``ui``...

``program`` holds the Typer app and registers each command module's function on it.
"""

from agents.cli.program import app, entry, main

__all__ = ["app", "entry", "main"]
