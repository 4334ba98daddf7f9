"""What a delegate remembers of the session: the last few turns verbatim, older ones as digests.

The state keeps only ``RECENT_TURNS`` full turns and ``DIGESTS_PER_SPEAKER`` one-line digests
per delegation, so both the checkpointed state and every prompt stay the same size however
long the session runs. Turns said in a private side meeting are kept apart (the last
``PRIVATE_TURNS``), never digested into the shared summary, and ``visible_to`` gives each seat
only the ones it was present for.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

RECENT_TURNS = 4
DIGESTS_PER_SPEAKER = 2
DIGEST_CHARS = 180
TURN_TEXT_CHARS = 1200
PRIVATE_TURNS = 6


class TurnRecord(BaseModel):
    """One delegate turn as later prompts show it."""

    turn: int
    phase: str
    speaker: str
    kind: str
    text: str
    clause: int | None = None
    audience: tuple[str, ...] | None = Field(default=None, description="set for a private side meeting")


class Memory(BaseModel):
    recent: list[TurnRecord] = Field(default_factory=list)
    digests: dict[str, list[str]] = Field(default_factory=dict)
    private: list[TurnRecord] = Field(default_factory=list)

    def remember(self, record: TurnRecord) -> Memory:
        """A new memory with ``record`` added; the oldest verbatim turn becomes a digest."""
        record = record.model_copy(update={"text": record.text[:TURN_TEXT_CHARS]})
        if record.audience is not None:
            private = [*self.private, record][-PRIVATE_TURNS:]
            return Memory(recent=self.recent, digests=self.digests, private=private)
        recent = [*self.recent, record]
        digests = dict(self.digests)
        while len(recent) > RECENT_TURNS:
            oldest, recent = recent[0], recent[1:]
            kept = [*digests.get(oldest.speaker, []), digest(oldest)]
            digests[oldest.speaker] = kept[-DIGESTS_PER_SPEAKER:]
        return Memory(recent=recent, digests=digests, private=self.private)

    def visible_to(self, seat: str) -> Memory:
        """What ``seat`` may recall: everything said at the table, and its own private meetings."""
        private = [record for record in self.private if seat in (record.audience or ())]
        return self.model_copy(update={"private": private})

    def heard_by(self, seat: str) -> list[TurnRecord]:
        """The verbatim turns ``seat`` recalls, public and private, in the order they were said."""
        return sorted([*self.recent, *self.visible_to(seat).private], key=lambda record: record.turn)

    def summary(self, names: dict[str, str]) -> str:
        """The rolling summary: each delegation's latest older moves, one line each."""
        lines = []
        for speaker, speaker_digests in self.digests.items():
            for line in speaker_digests:
                lines.append(f"- {names.get(speaker, speaker)} {line}")
        return "\n".join(lines)


def digest(record: TurnRecord) -> str:
    """``(proposal, clause 3): first sentence...`` cut to DIGEST_CHARS."""
    target = f", clause {record.clause}" if record.clause else ""
    first_sentence = record.text.split(". ")[0].strip()
    line = f"({record.kind}{target}, {record.phase}): {first_sentence}"
    return line if len(line) <= DIGEST_CHARS else line[: DIGEST_CHARS - 1] + "…"
