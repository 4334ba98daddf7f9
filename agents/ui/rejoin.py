"""Keep a running session alive across reloads and dropped connections, and let the browser rejoin it.

Chainlit ties everything a callback sends to one websocket session (its context). A reload
makes a new one, in the same conversation (thread); a dropped socket that comes back keeps
its session but loses the question it was being asked. A negotiation must outlive both: the
engine runs on, and the page and the prompter send through a ``Line``, which holds the
Chainlit context currently attached and can be pointed at a new one.

``LiveSessions`` is the server process's registry of running sessions, by conversation (and
user). When a browser connects to a conversation whose session is live, the app holds the
line (the engine's next page update waits) while Chainlit sends the conversation so far,
then attaches the new connection: the side panel is sent again and the pending question is
asked again there (``ask_through``); the answer from the new page resolves the engine's wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from agents.engine.session import Session
    from agents.ui.page import Page

Answer = TypeVar("Answer")
Answer_co = TypeVar("Answer_co", covariant=True)
Handler = Callable[[str], Awaitable[Any]]


def use_chainlit_context(context: Any) -> None:
    """Make ``context`` the one Chainlit's ``cl.*`` calls use, in the running task from now on."""
    from chainlit.context import context_var

    context_var.set(context)


def use_chainlit_steps(steps: list[Any]) -> None:
    """Make ``steps`` the open Chainlit steps: a message sent now hangs under the last of them."""
    from chainlit.context import local_steps

    local_steps.set(list(steps))


def current_chainlit_steps() -> list[Any]:
    from chainlit.context import local_steps

    return list(local_steps.get() or [])


class Line:
    """The Chainlit context a running session speaks through; a new connection takes it over.

    ``enter()`` (before every send) waits while the line is held, then makes the attached
    context current. ``moved()`` is a future that completes at the next ``attach``: a question
    pending on the old connection is then asked again on the new one.

    ``steps`` are the Chainlit steps open where the line was made (``current_chainlit_steps``):
    a message takes the last open step of the *task* that sends it as its parent, and a page
    drops a message whose parent it never had. A room sends to each member from tasks started
    in other members' callbacks, so the line brings its own conversation's steps along.
    """

    def __init__(
        self, context: Any, use: Callable[[Any], object] = use_chainlit_context, steps: list[Any] | None = None
    ):
        self.context = context
        self.steps = steps
        self._use = use
        self._open = asyncio.Event()
        self._open.set()
        self._moved: asyncio.Future[None] | None = None

    @property
    def held(self) -> bool:
        return not self._open.is_set()

    def hold(self) -> None:
        """Make sends wait: a browser is connecting and is being sent the conversation so far."""
        self._open.clear()

    def attach(self, context: Any) -> None:
        """Send through ``context`` from now on, let held sends go, and tell pending questions to move."""
        self.context = context
        self._open.set()
        moved, self._moved = self._moved, None
        if moved is not None and not moved.done():
            moved.set_result(None)

    async def enter(self) -> None:
        await self._open.wait()
        self._use(self.context)
        if self.steps is not None:
            use_chainlit_steps(self.steps)

    def moved(self) -> asyncio.Future[None]:
        if self._moved is None:
            self._moved = asyncio.get_running_loop().create_future()
        return self._moved


class Question(Protocol[Answer_co]):
    """A question on the page: Chainlit's ``AskActionMessage`` and ``AskUserMessage`` are ones."""

    async def send(self) -> Answer_co | None: ...

    async def remove(self) -> Any: ...


async def ask_through(line: Line | None, make: Callable[[], Question[Answer]]) -> Answer | None:
    """Ask ``make()``'s question through ``line``, again on each new connection, until it is answered.

    Each attempt builds the question anew in the attached context; when the line moves before
    an answer came, the old attempt is cancelled and its question removed (from the new page
    and the history, so that it is not shown twice). An answer (or a time-out, None) that came
    before the move is kept. Without a line, the question is simply asked where we are.
    """
    if line is None:
        return await make().send()
    while True:
        await line.enter()
        moved: asyncio.Future[Any] = line.moved()
        question = make()
        asking: asyncio.Future[Any] = asyncio.ensure_future(question.send())  # runs in the context just entered
        try:
            await asyncio.wait([asking, moved], return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not asking.done():
                asking.cancel()
                await asyncio.wait({asking})
        if not asking.cancelled():
            return asking.result()
        await line.enter()
        await question.remove()


@dataclass
class LiveSession:
    """A session running in this server process, in conversation ``thread_id`` of ``user`` (None: no login)."""

    thread_id: str
    name: str  # as the history lists the conversation
    user: str | None
    seat: str | None
    session_id: str
    line: Line
    engine: Session  # what the floor button talks to
    page: Page  # what the side panel is sent again from
    parent_id: str | None = None  # the Chainlit step the session's messages hang under (the page orders by it)


class LiveSessions:
    """The running sessions of this server process, by conversation."""

    def __init__(self) -> None:
        self._by_thread: dict[str, LiveSession] = {}

    def add(self, live: LiveSession) -> None:
        self._by_thread[live.thread_id] = live

    def find(self, thread_id: str | None, user: str | None) -> LiveSession | None:
        """The session running in ``thread_id``, if it is ``user``'s (another user's is never found)."""
        live = self._by_thread.get(thread_id or "")
        return live if live is not None and live.user == user else None

    def of_user(self, user: str) -> list[LiveSession]:
        return [live for live in self._by_thread.values() if live.user == user]

    def remove(self, live: LiveSession) -> None:
        """Forget ``live`` (and not another session that took its conversation since)."""
        if self._by_thread.get(live.thread_id) is live:
            del self._by_thread[live.thread_id]

    def __len__(self) -> int:
        return len(self._by_thread)


def wrap_socket_handler(server: Any, event: str, around: Callable[[str, Handler], Awaitable[Any]]) -> None:
    """Run ``around(sid, chainlit_handler)`` instead of Chainlit's handler of socket ``event``.

    Chainlit has no callback for a browser coming back on a socket; its ``connection_successful``
    handler is where it clears the page's question and sends a resumed conversation, so a
    question asked again must come after it.
    """
    chainlit_handler = server.handlers["/"][event]

    async def handler(sid: str) -> Any:
        return await around(sid, chainlit_handler)

    server.on(event, handler)
