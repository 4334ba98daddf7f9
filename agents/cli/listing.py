"""``parley scenarios`` and ``parley personas``: what ships, as tables."""

from __future__ import annotations

from rich.table import Table

from agents.cli.common import checked, console
from agents.core.catalog import Catalog


def scenarios() -> None:
    """List the shipped scenarios."""
    catalog = checked(Catalog)
    table = Table()
    table.add_column("id", no_wrap=True)
    for heading in ("title", "venue", "date", "chair", "parties"):
        table.add_column(heading)
    for path in catalog.scenario_paths():
        cast = checked(catalog.cast, path.stem)
        s = cast.scenario
        table.add_row(s.id, s.title, s.venue, s.date, cast.chair.short_name, ", ".join(s.parties))
    console.print(table)


def personas() -> None:
    """List the shipped personas (delegations and chairs)."""
    table = Table()
    table.add_column("id", no_wrap=True)
    for heading in ("kind", "name", "head of delegation", "claims"):
        table.add_column(heading)
    for persona in checked(Catalog).personas.values():
        head = f"{persona.head.name}, {persona.head.title}"
        table.add_row(persona.id, persona.kind, persona.name, head, str(len(persona.claims())))
    console.print(table)
