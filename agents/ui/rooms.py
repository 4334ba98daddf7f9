"""Rooms: one session at one table, many browsers, each shown what its seat may see.

A host creates a room (scenario, the model for empty seats, the answer time, the length). It
gets a join code; people take free seats, one person a seat, or watch as observers. When the
host starts it, the room runs *one* engine session in the server process; seats nobody took
are played by the model.

Every member (the host included) has a ``Line`` to their own Chainlit connection and, once
the session runs, a ``Page`` with a ``Presenter`` for their seat (None: an observer, who sits
in no side meeting and has no brief). The engine's events are fanned out to every member
through an ``Outbox`` of their own: each event is queued, and a task per member shows it
through that member's line. So what a member sees is decided by the same presenter as in the
single-person app, a slow or reconnecting browser delays only itself, and nothing is sent
from one member's context to another's browser.

This module holds the rules of rooms (codes, seats, who may do what) and the fan-out; the
Chainlit flows that ask and show are in ``agents.ui.classroom``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from agents.core.catalog import Cast
from agents.core.events import DraftUpdated, Event

if TYPE_CHECKING:
    from agents.engine.session import Session
    from agents.sessions.run import PreparedSession
    from agents.ui.page import Page
    from agents.ui.rejoin import Line

log = logging.getLogger(__name__)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a classroom
CODE_LENGTH = 6
RoomState = Literal["waiting", "running", "ended"]
T = TypeVar("T")


async def through(line: Line, send: Callable[[], Awaitable[T]]) -> T:
    """Run ``send`` in ``line``'s Chainlit context, in a task of its own (the caller's context is kept)."""

    async def entered() -> T:
        await line.enter()
        return await send()

    return await asyncio.create_task(entered())


class RoomError(ValueError):
    """What a person asked of a room cannot be done; the message says why, for the page."""


def new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalise_code(text: str) -> str:
    """A code as a person types it: any case, with spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class Outbox:
    """One member's events, shown in order by a task of its own (see the module's docstring)."""

    def __init__(self, line: Line, show: Callable[[Event], Awaitable[None]]):
        self.line = line
        self.show = show
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self.task = asyncio.create_task(self._drain())

    def put(self, event: Event) -> None:
        self.queue.put_nowait(event)

    async def close(self) -> None:
        """Show what is queued, then stop."""
        self.queue.put_nowait(None)
        await self.task

    async def _drain(self) -> None:
        while (event := await self.queue.get()) is not None:
            try:
                await self.line.enter()
                await self.show(event)
            except Exception:  # one browser's failure must not stop the room or the other members
                log.exception("could not show %s to a room member", event.type)


@dataclass(eq=False)
class Member:
    """A person in a room: a seat (None: observer), their connection, and their page once it runs.

    ``key`` is the member's own link back in (``?room=CODE&key=KEY``): without login it is the
    only way to come back to a seat (or to the host's controls) from a new connection.
    """

    name: str  # as the host's seat list shows them: the user name, or "guest N"
    user: str | None  # the login identifier; None without login
    line: Line
    thread_id: str
    seat: str | None = None
    key: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    page: Page | None = None
    outbox: Outbox | None = None
    parent_id: str | None = None
    left: bool = False  # the host handed the seat to the model: this person no longer holds it

    @property
    def seated(self) -> bool:
        return self.seat is not None and not self.left


@dataclass(eq=False)
class Room:
    """One table: its settings, its members, and the session once started."""

    code: str
    cast: Cast
    model: str  # who plays the empty seats (and any seat handed back)
    answer_seconds: int
    phase_turns: int | None  # None: the full session
    host: Member
    members: list[Member] = field(default_factory=list)  # the host is one of them
    state: RoomState = "waiting"
    prepared: PreparedSession | None = None  # the session, once started
    task: asyncio.Task[Any] | None = None
    last_draft: DraftUpdated | None = None  # for a member who joins once it runs

    @property
    def engine(self) -> Session:
        if self.prepared is None:
            raise RoomError("The session has not started.")
        return self.prepared.session

    def __post_init__(self) -> None:
        if self.host not in self.members:
            self.members.append(self.host)

    def holder(self, seat: str) -> Member | None:
        return next((m for m in self.members if m.seat == seat and not m.left), None)

    def free_seats(self) -> list[str]:
        return [seat for seat in self.cast.delegations if self.holder(seat) is None]

    def people(self) -> dict[str, Member]:
        """The seats people hold, by seat."""
        return {m.seat: m for m in self.members if m.seated and m.seat is not None}

    def observers(self) -> list[Member]:
        return [m for m in self.members if m.seat is None]

    def take_seat(self, member: Member, seat: str | None) -> None:
        """Seat ``member`` (None: as an observer). Only while the room waits, and one person a seat."""
        if self.state != "waiting":
            raise RoomError("The session has started: seats are no longer given. You may watch as an observer.")
        if seat is not None:
            if seat not in self.cast.delegations:
                raise RoomError(f"There is no seat {seat!r} at this table.")
            holder = self.holder(seat)
            if holder is not None and holder is not member:
                raise RoomError(f"{self.cast.delegations[seat].short_name} is taken by {holder.name}.")
        member.seat = seat
        if member not in self.members:
            self.members.append(member)

    def watch(self, member: Member) -> None:
        """Add ``member`` as an observer, at any time (an observer sees only what is said at the table)."""
        member.seat = None
        if member not in self.members:
            self.members.append(member)

    def find(self, user: str | None = None, thread_id: str | None = None, key: str | None = None) -> Member | None:
        """The member with this link ``key``, or in this conversation ``thread_id`` of logged-in ``user``."""
        for member in self.members:
            if key is not None and secrets.compare_digest(member.key, key):
                return member
            if user is not None and thread_id is not None and (member.user, member.thread_id) == (user, thread_id):
                return member
        return None

    def fan_out(self, event: Event) -> None:
        """Queue ``event`` for every member whose page is open; each presenter decides what they see."""
        if isinstance(event, DraftUpdated):
            self.last_draft = event
        for member in self.members:
            if member.outbox is not None:
                member.outbox.put(event)

    def seat_list(self) -> list[tuple[str, str]]:
        """Every delegation and who holds it: a person's name, or the model."""
        people = self.people()
        return [
            (persona.short_name, people[seat].name if seat in people else f"model ({self.model})")
            for seat, persona in self.cast.delegations.items()
        ]


class Rooms:
    """The rooms of this server process, by code."""

    def __init__(self) -> None:
        self._by_code: dict[str, Room] = {}

    def create(self, cast: Cast, model: str, answer_seconds: int, phase_turns: int | None, host: Member) -> Room:
        room = Room(new_code(set(self._by_code)), cast, model, answer_seconds, phase_turns, host)
        self._by_code[room.code] = room
        return room

    def get(self, code: str) -> Room:
        room = self._by_code.get(normalise_code(code))  # an ended room is no longer here (``close``)
        if room is None:
            raise RoomError(f"No room is open with the code {normalise_code(code) or '(none)'}.")
        return room

    def member(self, user: str | None, thread_id: str | None) -> tuple[Room, Member] | None:
        """The room and member of a logged-in user's conversation, while the room is open."""
        if user is None or thread_id is None:
            return None
        for room in self._by_code.values():
            member = room.find(user=user, thread_id=thread_id)
            if member is not None:
                return room, member
        return None

    def by_key(self, code: str, key: str) -> tuple[Room, Member] | None:
        try:
            room = self.get(code)
        except RoomError:
            return None
        member = room.find(key=key)
        return (room, member) if member is not None else None

    def close(self, room: Room) -> None:
        room.state = "ended"
        self._by_code.pop(room.code, None)

    def __len__(self) -> int:
        return len(self._by_code)
