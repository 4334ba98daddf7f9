"""``parley validate``: tell persona, scenario and transcript files apart and check each fully."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from agents.cli.common import checked, console, errors
from agents.core.catalog import Catalog
from agents.core.loading import CONFIG_FILE, TRANSCRIPT_FILE, ConfigError, parse_document
from agents.core.personas import load_persona
from agents.sessions.transcript import load_transcript


def kind_of(path: Path, data: object) -> str:
    """``persona``, ``scenario`` or ``transcript``, from the file's fields."""
    if isinstance(data, dict):
        if "schema_version" in data or "events" in data:
            return "transcript"
        if "agenda" in data or "parties" in data or "phases" in data:
            return "scenario"
        if "kind" in data or "interests" in data:
            return "persona"
    raise ConfigError(path, ["(top level): not a persona, scenario or transcript (no kind, agenda or schema_version)"])


def validate_file(path: Path, catalog: Catalog) -> None:
    """Raise ConfigError if ``path`` is not a valid persona, scenario or transcript."""
    # Read once with the larger limit to tell the kind; each loader then applies its own.
    limit = TRANSCRIPT_FILE if path.suffix == ".json" else CONFIG_FILE
    kind = kind_of(path, parse_document(path, limit))
    if kind == "persona":
        persona = load_persona(path)
        if persona.id != path.stem:
            raise ConfigError(path, [f"id: '{persona.id}' must match the file name '{path.stem}'"])
    elif kind == "scenario":
        catalog.cast(str(path))  # checks its fields and that its parties and chair exist
    else:
        load_transcript(path)


def validate_files(paths: list[Path]) -> Iterator[tuple[Path, str | None]]:
    """Each path with None when valid, or the problem (file and field named)."""
    catalog = Catalog()
    for path in paths:
        try:
            validate_file(path, catalog)
        except ConfigError as error:
            yield path, str(error)
        else:
            yield path, None


def validate(files: Annotated[list[Path], typer.Argument(help="persona, scenario or transcript files")]) -> None:
    """Check persona, scenario and transcript files; name the file and field of every problem."""
    bad = 0
    results: list[tuple[Path, str | None]] = checked(list, validate_files(files))
    for path, problem in results:
        if problem is None:
            console.print(f"[green]ok[/]   {escape(str(path))}")
        else:
            bad += 1
            errors.print(f"[red]bad[/]  {escape(problem)}", markup=True)
    if bad:
        raise typer.Exit(code=1)
