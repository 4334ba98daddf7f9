"""Persona files: who a delegation (or a chair) is, what it wants and what it keeps to itself.

Every claim a persona makes carries a source: an essay paragraph (``¶1`` to ``¶6``) or a dated
historical fact (``2003-01-10: DPRK announces withdrawal from the NPT``). The models forbid
unknown fields, so a misspelt key is an error rather than a silently ignored line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.core.ids import SafeId
from agents.core.loading import load_model

ESSAY_PARAGRAPHS = range(1, 7)
_ESSAY_SOURCE = re.compile(r"^¶([1-9][0-9]*)$")
_DATED_SOURCE = re.compile(r"^(\d{4})(-\d{2}){0,2}: \S.*$")


class Strict(BaseModel):
    """Base for every user-edited file: unknown fields are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Claim(Strict):
    """A sentence the persona stands on, and where it comes from."""

    text: str = Field(min_length=10)
    source: str

    @field_validator("source")
    @classmethod
    def _source_is_citable(cls, source: str) -> str:
        essay = _ESSAY_SOURCE.match(source)
        if essay:
            if int(essay.group(1)) not in ESSAY_PARAGRAPHS:
                raise ValueError(f"essay paragraph {source} does not exist (¶1 to ¶6)")
            return source
        if _DATED_SOURCE.match(source):
            return source
        raise ValueError(
            "source must be an essay paragraph like '¶3' or a dated fact like "
            "'2003-01-10: DPRK announces NPT withdrawal'"
        )

    @property
    def citation(self) -> str:
        """The source as a delegation's brief shows it: ``essay ¶4``, or the date of a dated fact."""
        if _ESSAY_SOURCE.match(self.source):
            return f"essay {self.source}"
        return self.source.split(":", 1)[0]

    @property
    def essay_paragraph(self) -> int | None:
        """The cited essay paragraph number, or None for a historical source."""
        match = _ESSAY_SOURCE.match(self.source)
        return int(match.group(1)) if match else None


class Head(Strict):
    """Head of delegation as of 2003."""

    name: str = Field(min_length=2)
    title: str = Field(min_length=2)


class Persona(Strict):
    """A delegation's (or chair's) brief. ``private_instructions`` reach only its own agent."""

    id: SafeId
    kind: Literal["delegation", "chair"]
    name: str = Field(min_length=2)
    short_name: str = Field(min_length=2, max_length=24, pattern=r"^[A-Za-z0-9 .-]+$")
    represents: SafeId | None = Field(default=None, description="for a chair: the party whose official chairs")
    head: Head
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    interests: list[Claim] = Field(min_length=1)
    red_lines: list[Claim] = Field(default_factory=list)
    opening_position: list[Claim] = Field(min_length=1)
    priorities: dict[str, Claim] = Field(default_factory=dict)
    style: str = Field(min_length=10)
    relationships: dict[str, Claim] = Field(default_factory=dict)
    private_instructions: list[Claim] = Field(default_factory=list)

    def claims(self) -> list[Claim]:
        """Every sourced claim in the persona, public and private."""
        return [
            *self.interests,
            *self.red_lines,
            *self.opening_position,
            *self.priorities.values(),
            *self.relationships.values(),
            *self.private_instructions,
        ]


def load_persona(path: Path | str) -> Persona:
    """Load and validate one persona file; raises ConfigError naming the file and field."""
    return load_model(path, Persona)
