"""What the review finds against the persona: recitals, red lines by number, paraphrased leaks.

Kept apart from ``schema`` so the review's shape stays one readable module: these are the
parts that check an answer (the judge's, or a statement) against a persona's own list.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class RecitedStatement(BaseModel):
    """A public statement that copies most of a sentence of the delegation's persona."""

    turn: int
    text: str
    claim: str = Field(description="the persona sentence it copies")
    source: str
    why: str = Field(description="what made it a recital: the share in order, or the verbatim run")


class ParaphrasedLeak(BaseModel):
    """A private instruction that the judge found a delegation revealed in public in its own words."""

    speaker: str
    turn: int
    instruction_number: int = Field(description="1-based, in the delegation's private instructions")
    instruction: str
    evidence: str = ""


def red_line_number(answer: object) -> int | None:
    """``answer`` as a red-line number: an int or a string of digits (``"2"``); None for anything else."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return answer
    if isinstance(answer, str) and answer.strip().isdigit():
        return int(answer.strip())
    return None


class CrossedRedLine(BaseModel):
    """A red line of the persona that the judge found crossed: its number in the brief and its text."""

    number: int
    text: str


class Disclosure(BaseModel):
    """One private instruction the delegation revealed in public, and where."""

    instruction: int = Field(description="the number of the private instruction, as numbered in the prompt")
    turn: int = Field(description="the turn of the public statement that reveals it")
    evidence: str = Field(default="", description="the words that reveal it, quoted from the statement")


class Disclosures(BaseModel):
    """Which of the delegation's private instructions its public statements revealed, in any words."""

    revealed: list[Disclosure] = Field(
        default_factory=list, description="one entry per instruction revealed; empty if none was"
    )
