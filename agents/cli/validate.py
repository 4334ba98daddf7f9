"""``parley validate``: tell persona, scenario and transcript files apart and check each fully."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from textwrap import shorten
from typing import Annotated

import typer
from rich.markup import escape

from agents.cli.common import checked, console, errors
from agents.core.catalog import Cast, Catalog
from agents.core.loading import CONFIG_FILE, TRANSCRIPT_FILE, ConfigError, parse_document
from agents.core.personas import load_persona
from agents.core.record import load_record
from agents.sessions.transcript import load_transcript


def kind_of(path: Path, data: object) -> str:
    """``persona``, ``scenario``, ``transcript`` or ``record``, from the file's fields."""
    if isinstance(data, dict):
        if "schema_version" in data or "events" in data:
            return "transcript"
        if "agenda" in data or "parties" in data or "phases" in data:
            return "scenario"
        if "kind" in data or "interests" in data:
            return "persona"
        if "points" in data and "delegations" in data:
            return "record"
    raise ConfigError(path, ["(top level): not a persona, scenario or transcript (no kind, agenda or schema_version)"])


FIRST_FEW = 3


def left_out_notes(cast: Cast) -> list[str]:
    """One warning line per persona that loses claims dated after the scenario's ``as_of``."""
    day = cast.scenario.knowledge_date.isoformat()
    notes = []
    for seat, claims in cast.left_out.items():
        shown = "; ".join(f"[{claim.citation}] {shorten(claim.text, 50)}" for claim in claims[:FIRST_FEW])
        more = f"; and {len(claims) - FIRST_FEW} more" if len(claims) > FIRST_FEW else ""
        notes.append(f"{seat}: {len(claims)} claim(s) dated after {day} left out ({shown}{more})")
    return notes


def validate_file(path: Path, catalog: Catalog) -> list[str]:
    """Raise ConfigError if ``path`` is not a valid persona, scenario or transcript; else its warnings."""
    # Read once with the larger limit to tell the kind; each loader then applies its own.
    limit = TRANSCRIPT_FILE if path.suffix == ".json" else CONFIG_FILE
    kind = kind_of(path, parse_document(path, limit))
    if kind == "persona":
        persona = load_persona(path)
        if persona.id != path.stem:
            raise ConfigError(path, [f"id: '{persona.id}' must match the file name '{path.stem}'"])
    elif kind == "record":
        record = load_record(path)
        if record.scenario != path.stem:
            raise ConfigError(path, [f"scenario: '{record.scenario}' must match the file name '{path.stem}'"])
    elif kind == "scenario":
        # Checks its fields, that its parties and chair exist and keep an opening position at as_of.
        return left_out_notes(catalog.cast(str(path)))
    else:
        load_transcript(path)
    return []


def validate_files(paths: list[Path]) -> Iterator[tuple[Path, str | None, list[str]]]:
    """Each path with None when valid, or the problem (file and field named), and its warnings."""
    catalog = Catalog()
    for path in paths:
        try:
            warnings = validate_file(path, catalog)
        except ConfigError as error:
            yield path, str(error), []
        else:
            yield path, None, warnings


def validate(
    files: Annotated[list[Path], typer.Argument(help="persona, scenario, record or transcript files")],
) -> None:
    """Check persona, scenario, record and transcript files; name the file and field of every problem."""
    bad = 0
    results: list[tuple[Path, str | None, list[str]]] = checked(list, validate_files(files))
    for path, problem, warnings in results:
        if problem is None:
            console.print(f"[green]ok[/]   {escape(str(path))}")
            for warning in warnings:
                console.print(f"[yellow]warn[/] {escape(warning)}")
        else:
            bad += 1
            errors.print(f"[red]bad[/]  {escape(problem)}", markup=True)
    if bad:
        raise typer.Exit(code=1)
