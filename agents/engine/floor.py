"""Who may speak next: turn-taking policies, each a small object tested on its own.

Within a pass of the floor every party speaks once. A party that asks for the floor is
taken ahead of those who have not asked; once everyone has spoken, each party that asked
may have one follow-up. That bounds a pass at two turns per party, so nobody is silenced
and the talks cannot livelock.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

FloorReason = Literal["order", "request", "follow-up"]


class FloorState(BaseModel):
    """The floor during one pass: who has yet to speak, who asked, who had a follow-up."""

    model_config = ConfigDict(frozen=True)

    pending: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    followed_up: tuple[str, ...] = ()


class FloorPolicy(Protocol):
    def candidates(self, floor: FloorState) -> tuple[list[str], FloorReason]:
        """The parties the chair may choose among next (empty: the pass is over)."""
        ...


class RoundRobin:
    """Seating order, one turn each; requests are ignored."""

    def candidates(self, floor: FloorState) -> tuple[list[str], FloorReason]:
        return (list(floor.pending[:1]), "order")


class RequestsFirst:
    """Requesters first, then seating order, then one follow-up per requester."""

    def candidates(self, floor: FloorState) -> tuple[list[str], FloorReason]:
        asked = [party for party in floor.requests if party in floor.pending]
        if asked:
            return asked, "request"
        if floor.pending:
            return [floor.pending[0]], "order"
        again = [p for p in floor.requests if p not in floor.followed_up]
        return again, "follow-up"


def rotate(parties: list[str], offset: int) -> tuple[str, ...]:
    """Seating order starting ``offset`` seats along, so no party always speaks first or last."""
    if not parties:
        return ()
    shift = offset % len(parties)
    return tuple(parties[shift:] + parties[:shift])


def after_turn(floor: FloorState, speaker: str, wants_floor: bool) -> FloorState:
    """The floor once ``speaker`` has spoken (and maybe asked to speak again)."""
    was_follow_up = speaker not in floor.pending
    pending = tuple(p for p in floor.pending if p != speaker)
    requests = tuple(p for p in floor.requests if p != speaker)
    followed_up = floor.followed_up + ((speaker,) if was_follow_up else ())
    if wants_floor and speaker not in followed_up and not was_follow_up:
        requests += (speaker,)
    return FloorState(pending=pending, requests=requests, followed_up=followed_up)


POLICIES: dict[str, type] = {"requests-first": RequestsFirst, "round-robin": RoundRobin}


def with_request(floor: FloorState, party: str) -> FloorState:
    """Record a request for the floor made between turns (ignored if it could not be granted)."""
    if party in floor.requests or party in floor.followed_up:
        return floor
    return floor.model_copy(update={"requests": floor.requests + (party,)})
