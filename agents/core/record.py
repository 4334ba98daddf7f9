"""The documented record of a scenario's real meeting: what each delegation said, what the chair summed up.

A record sits beside its scenario as ``scenarios/records/<scenario id>.yaml``. It is for the
review only (``parley review`` measures a session against it) and never reaches a delegation
or the chair: nothing in the engine or the prompts reads it. Every item carries a dated
source, ``"2003-08-29: chairman's summary as reported by Xinhua"``: a day and where it was
reported. Loaded strictly, as personas and scenarios are, with the file and field named.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from agents.core.ids import SafeId
from agents.core.loading import ConfigError, load_model
from agents.core.paths import scenarios_dir
from agents.core.personas import Strict

RECORDS_FOLDER = "records"
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2}): \S.{4,}$")


class RecordItem(Strict):
    """A sentence of the record, in the project's own words, and the dated report it rests on."""

    text: str = Field(min_length=10)
    source: str = Field(description="'YYYY-MM-DD: where it was reported'")

    @field_validator("source")
    @classmethod
    def _source_is_dated(cls, source: str) -> str:
        match = _DATED.match(source)
        if not match:
            raise ValueError("source must be a day and where it was reported, like '2003-08-29: chairman's summary'")
        try:
            date.fromisoformat(match.group(1))
        except ValueError:
            raise ValueError(f"'{match.group(1)}' is not a calendar date") from None
        return source


class RecordPoint(RecordItem):
    """A point of common ground in the chair's summary, with an id for batch columns and comparisons."""

    id: SafeId


class DelegationRecord(Strict):
    """What one delegation said at the meeting: who led it, what it held to, what it refused."""

    head: str = Field(min_length=3)
    holds: list[RecordItem] = Field(min_length=1, description="positions it stated")
    rejects: list[RecordItem] = Field(default_factory=list, description="what it said it would not accept")


class Record(Strict):
    """The record of one meeting. ``delegations`` are keyed by the scenario's party ids."""

    scenario: SafeId
    title: str = Field(min_length=3)
    summary_note: str = Field(min_length=10, description="what the chair's summary was, and was not")
    points: list[RecordPoint] = Field(min_length=1, description="the chair's points of common ground")
    delegations: dict[SafeId, DelegationRecord] = Field(min_length=1)
    aftermath: list[RecordItem] = Field(default_factory=list, description="what followed the meeting")
    table_words: list[str] = Field(
        default_factory=list,
        description="words naming the subject of the talks, not a position: the matcher skips them",
    )

    @model_validator(mode="after")
    def _point_ids_are_unique(self) -> Record:
        seen: set[str] = set()
        for index, point in enumerate(self.points):
            if point.id in seen:
                raise ValueError(f"points[{index}].id: duplicate id '{point.id}'")
            seen.add(point.id)
        return self

    def texts(self) -> list[str]:
        """Every sentence of the record: for checking that none reaches a prompt."""
        items = [*self.points, *self.aftermath]
        for delegation in self.delegations.values():
            items += [*delegation.holds, *delegation.rejects]
        return [self.summary_note, *(item.text for item in items)]


def load_record(path: Path | str) -> Record:
    """Load and validate one record file."""
    return load_model(path, Record)


def record_path(scenario_id: str, scenarios: Path | None = None) -> Path:
    """Where the record of ``scenario_id`` lives: ``<scenarios>/records/<id>.yaml``."""
    return (scenarios or scenarios_dir()) / RECORDS_FOLDER / f"{scenario_id}.yaml"


def find_record(scenario_id: str, scenarios: Path | None = None) -> Record | None:
    """The record of ``scenario_id``, None when it has none; a malformed record is a ConfigError."""
    path = record_path(scenario_id, scenarios)
    if not path.exists():
        return None
    record = load_record(path)
    if record.scenario != scenario_id:
        raise ConfigError(path, [f"scenario: '{record.scenario}' must match the file name '{scenario_id}'"])
    return record


def record_of(scenario_id: str, scenario_setting: str | Path | None = None) -> Record | None:
    """The record of a session's scenario: beside its scenario file when it was run from one, else shipped."""
    given = Path(str(scenario_setting or ""))
    if given.suffix in {".yaml", ".yml"} and given.is_file():
        found = find_record(scenario_id, given.parent)
        if found is not None:
            return found
    return find_record(scenario_id)
