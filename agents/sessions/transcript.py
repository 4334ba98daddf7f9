"""Transcripts: the versioned record of a session, and how to read one back.

``agents.sessions.writer`` builds one from the session's events and keeps it safe on disk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import CHAIR, Event
from agents.core.ids import SafeId
from agents.core.loading import TRANSCRIPT_FILE, ConfigError, describe_validation_error, parse_document
from agents.core.outcome import Outcome
from agents.core.usage import Usage
from agents.llm.recording import ModelCall
from agents.sessions.settings import RunSettings, settings_from_v1

SCHEMA_VERSION: Final = 2


class ScenarioInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: SafeId
    title: str
    venue: str
    date: str
    chair: SafeId
    chair_name: str
    consensus_rule: str
    as_of: str | None = Field(
        default=None, description="the delegations' knowledge date; None in transcripts written before it was kept"
    )

    @property
    def knowledge_date(self) -> str:
        """The last day the delegations knew of: ``as_of``, or the scenario's date."""
        return self.as_of or self.date


class SeatHolder(BaseModel):
    """Who held a seat (a model's or a person's label) from which delegate turn on."""

    model_config = ConfigDict(extra="forbid")

    model: str
    from_turn: int


class DelegationInfo(BaseModel):
    """One delegation. ``model`` is who held its seat at the start; ``held_by`` lists every holder
    once the seat changed hands (empty if it never did)."""

    model_config = ConfigDict(extra="forbid")

    id: SafeId
    name: str
    short_name: str
    head: str
    model: str
    held_by: list[SeatHolder] = Field(default_factory=list)

    def hand_over(self, previous: str, current: str, from_turn: int) -> None:
        """Note a handover; noting the same one twice (a resumed journal) changes nothing."""
        if not self.held_by:
            self.held_by.append(SeatHolder(model=previous, from_turn=1))
        holder = SeatHolder(model=current, from_turn=from_turn)
        if holder not in self.held_by:
            self.held_by.append(holder)


class ParentRef(BaseModel):
    """Where a forked session branched off: its parent session and the last turn they share."""

    model_config = ConfigDict(extra="forbid")

    session_id: SafeId
    turn: int


class Transcript(BaseModel):
    """One session. ``status`` is ``complete`` only when the session reached its end.

    ``recording`` holds every model call (see ``agents.llm.recording``); ``parent`` is set on a fork.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[2] = SCHEMA_VERSION
    session_id: SafeId  # names the transcript's files: checked so that it cannot name a path
    status: Literal["running", "complete", "interrupted"] = "running"
    started: str
    finished: str | None = None
    scenario: ScenarioInfo
    chair: DelegationInfo
    delegations: list[DelegationInfo]
    settings: RunSettings = Field(default_factory=RunSettings)
    events: list[Event] = Field(default_factory=list)
    draft: Draft | None = None
    outcome: Outcome | None = None
    parent: ParentRef | None = None
    recording: list[ModelCall] = Field(default_factory=list)

    def seen_by(self, seat: str | None) -> Transcript:
        """The session as ``seat`` saw it: private side meetings it did not sit in are left out.

        ``None`` is someone reviewing the whole session and gets everything. A seat's view has
        no model recording either: recorded prompts hold every delegation's private brief.
        """
        if seat is None:
            return self
        events = [event for event in self.events if event.visible_to(seat)]
        return self.model_copy(update={"events": events, "recording": []})

    def names(self) -> dict[str, str]:
        """Display name by seat, as ``Cast.names`` gives it for the session that wrote this transcript."""
        names = {d.id: d.short_name for d in self.delegations}
        names[CHAIR] = names[self.scenario.chair] = self.scenario.chair_name
        return names

    def usage_by_speaker(self) -> dict[str, Usage]:
        """Tokens per delegation (and the chair), summed over its messages, votes and floor choices."""
        totals: dict[str, Usage] = {}
        for event in self.events:
            usage = getattr(event, "usage", None)
            if usage is not None:
                who = CHAIR if event.type == "floor_given" else (event.speaker or CHAIR)
                totals[who] = totals.get(who, Usage()) + usage
        return totals

    def total_usage(self) -> Usage:
        return sum(self.usage_by_speaker().values(), Usage())


def new_transcript(cast: Cast, session_id: str, labels: dict[str, str], settings: RunSettings) -> Transcript:
    """An empty transcript for a session about to start; ``labels`` maps seat to model label."""
    scenario = cast.scenario

    def info(persona, label: str) -> DelegationInfo:
        head = f"{persona.head.name}, {persona.head.title}"
        return DelegationInfo(id=persona.id, name=persona.name, short_name=persona.short_name, head=head, model=label)

    return Transcript(
        session_id=session_id,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        scenario=ScenarioInfo(
            id=scenario.id,
            title=scenario.title,
            venue=scenario.venue,
            date=scenario.date,
            chair=cast.chair.id,
            chair_name=cast.chair.short_name,
            consensus_rule=scenario.consensus_rule,
            as_of=scenario.knowledge_date.isoformat(),
        ),
        chair=info(cast.chair, labels.get(CHAIR, "rules")),
        delegations=[info(persona, labels[pid]) for pid, persona in cast.delegations.items()],
        settings=settings,
    )


def load_transcript(path: Path | str) -> Transcript:
    """Read a transcript file; a bad or foreign file raises ConfigError naming what is wrong."""
    path = Path(path)
    data = parse_document(path, TRANSCRIPT_FILE)
    if not isinstance(data, dict):
        raise ConfigError(path, ["(top level): expected a transcript object"])
    version = data.get("schema_version")
    if version == 1:
        data = upgrade_from_v1(data)
    elif version != SCHEMA_VERSION:
        problem = f"schema_version: found {version!r}, this Parley reads versions 1 and {SCHEMA_VERSION}"
        raise ConfigError(path, [problem])
    try:
        return Transcript.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, describe_validation_error(error)) from None


def upgrade_from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version 1 transcript as version 2: its settings were flat text (``"dprk=local,..."``)."""
    settings = data.get("settings")
    upgraded = settings_from_v1(settings) if isinstance(settings, dict) else settings
    return {**data, "schema_version": SCHEMA_VERSION, "settings": upgraded}
