"""``RunSettings``: what shapes one session, kept as-is in its transcript.

One type for ``parley run``, for each session of a batch (the batch's settings with that
session's seed) and for a fork (its parent's settings with the fork's changes), so that a
setting added here reaches all three and is recorded without being flattened to text.
``out`` and ``checkpoints`` say where a session is written, not what it is: they are not
stored in the transcript.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.core.ids import SafeId
from agents.core.scenarios import PhaseKind

DEFAULT_SCENARIO = "six-party-2003"
DEFAULT_FLOOR_POLICY = "requests-first"


class RunSettings(BaseModel):
    """One session's settings. Built by keyword only: ``RunSettings(model="scripted", seed=3)``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = Field(default=DEFAULT_SCENARIO, description="a scenario id or a scenario file")
    model: str | None = Field(default=None, description="model spec for every seat; None: the default")
    model_for: dict[SafeId, str] = Field(default_factory=dict, description="seat -> model spec")
    persona_for: dict[SafeId, Path] = Field(default_factory=dict, description="seat -> persona file")
    seed: int | None = None
    max_turns: int | None = Field(default=None, ge=1, description="cap on delegate turns")
    phase_turns: int | None = Field(
        default=None, ge=1, description="cap on delegate turns in each phase, and in each agenda item's round"
    )
    item_turns: int | None = Field(
        default=None, ge=1, description="cap on delegate turns in each agenda item's round; None: phase_turns"
    )
    plan_before: list[PhaseKind] | None = Field(
        default=None, description="the phases the delegations plan before, in place of the scenario's"
    )
    floor_policy: str = DEFAULT_FLOOR_POLICY
    out: Path | None = Field(default=None, exclude=True, description="folder for the transcript; None: memory")
    checkpoints: bool = Field(default=True, exclude=True, description="LangGraph checkpoints in out/")

    @field_validator("plan_before")
    @classmethod
    def _plans_precede_phases(cls, kinds: list[PhaseKind] | None) -> list[PhaseKind] | None:
        if kinds is not None and "side_meeting" in kinds:
            raise ValueError("delegations plan before phases, never before a side meeting")
        return kinds

    def where(self, out: Path | None, checkpoints: bool = True) -> RunSettings:
        """The same session, written to ``out``."""
        return self.model_copy(update={"out": out, "checkpoints": checkpoints})


def _pairs(text: object) -> dict[str, str]:
    """``"dprk=local,chair=scripted"`` (as version 1 transcripts kept them) to a dict."""
    pairs = (pair.partition("=") for pair in str(text or "").split(",") if pair)
    return {seat.strip(): value.strip() for seat, _, value in pairs}


def settings_from_v1(old: dict[str, object]) -> dict[str, object]:
    """A version 1 transcript's flat ``settings`` as ``RunSettings`` fields."""
    flat = ("scenario", "model", "seed", "max_turns", "floor_policy")
    upgraded: dict[str, object] = {key: old[key] for key in flat if key in old}
    upgraded["model_for"] = _pairs(old.get("model_for"))
    upgraded["persona_for"] = _pairs(old.get("persona_for"))
    return {key: value for key, value in upgraded.items() if value is not None}
