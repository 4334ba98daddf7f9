"""What a delegate hears again word for word: the last few turns of the session.

The state keeps only ``RECENT_TURNS`` full turns, so both the checkpointed state and every
prompt stay the same size however long the session runs; what each party said before that is
in the position ledger (``agents.core.ledger``), which keeps every party's latest word on
every topic. Turns said in a private side meeting are kept apart (the last
``PRIVATE_TURNS``), and ``visible_to`` gives each seat only the ones it was present for.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

RECENT_TURNS = 4
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
    private: list[TurnRecord] = Field(default_factory=list)

    def remember(self, record: TurnRecord) -> Memory:
        """A new memory with ``record`` added; the oldest verbatim turn is let go."""
        record = record.model_copy(update={"text": record.text[:TURN_TEXT_CHARS]})
        if record.audience is not None:
            return Memory(recent=self.recent, private=[*self.private, record][-PRIVATE_TURNS:])
        return Memory(recent=[*self.recent, record][-RECENT_TURNS:], private=self.private)

    def visible_to(self, seat: str) -> Memory:
        """What ``seat`` may recall: everything said at the table, and its own private meetings."""
        private = [record for record in self.private if seat in (record.audience or ())]
        return self.model_copy(update={"private": private})

    def heard_by(self, seat: str) -> list[TurnRecord]:
        """The verbatim turns ``seat`` recalls, public and private, in the order they were said.

        A private turn fades as a public one does: once ``RECENT_TURNS`` public turns have
        been said after it, only the ledger keeps it.
        """
        since = self.recent[0].turn if len(self.recent) >= RECENT_TURNS else 0
        private = [record for record in self.visible_to(seat).private if record.turn > since]
        return sorted([*self.recent, *private], key=lambda record: record.turn)
