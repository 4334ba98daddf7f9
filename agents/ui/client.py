"""The page's own script (``public/parley.js``) and what it says to the server.

Chainlit runs a project's script on its page (``custom_js``) and passes the page's window
messages to the server (``on_window_message``) and back (``send_window_message``). Parley's
script uses that for what Chainlit's chat lacks:

- a bar that is always on screen with *Ask for the floor* (for a seated person) and *Draft and
  brief*, which reopens the side panel at any time, even while a question waits for a button;
- the time left to answer the question that waits (the question says how long it allows:
  ``ANSWER_MARK``), and in the text box what it is waiting for, since Chainlit ignores Enter
  while buttons wait;
- scrolling to the newest message unless the person scrolled back, and to each new question;
- telling the server whether the screen is narrow, so the panel does not open over the chat
  on every draft update (the bar's button then marks that the draft changed).

Messages from the page carry ``CLIENT_KEY``, those to it ``SERVER_KEY``: Chainlit hands the
server's messages to the window, whose messages it hands back to the server, so each side
ignores its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import chainlit as cl

SCRIPT = "/public/parley.js"
STYLE = "/public/parley.css"
CLIENT_KEY = "parleyClient"
SERVER_KEY = "parleyServer"
REQUESTS = ("hello", "floor", "panel")
ANSWER_MARK = "⏱"
HELLO_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class RoomLink:
    """``?room=CODE`` (join a room), with ``&key=KEY`` a member's own way back to their place."""

    code: str
    key: str | None = None


def install(config: Any) -> None:
    """Have Chainlit load Parley's script and style on its page."""
    config.ui.custom_js = SCRIPT
    config.ui.custom_css = STYLE


def answer_time(seconds: float) -> str:
    """The line a question ends with: how long it waits (the script counts it down)."""
    whole = max(0, int(seconds))
    return f"{ANSWER_MARK} {whole // 60}:{whole % 60:02d} to answer"


def room_link(fields: dict[str, Any]) -> RoomLink | None:
    """The room's link the page was opened with (``?room=CODE&key=KEY``), if any."""
    room = fields.get("room")
    if not isinstance(room, str) or not room.strip():
        return None
    key = fields.get("key")
    return RoomLink(room.strip()[:40], key.strip()[:80] if isinstance(key, str) and key.strip() else None)


def hello_heard() -> asyncio.Future[RoomLink | None]:
    """Completes with the first hello's room link (None: none) in this conversation."""
    heard = cl.user_session.get("hello")
    if heard is None:
        heard = asyncio.get_running_loop().create_future()
        cl.user_session.set("hello", heard)
    return heard


async def wait_for_hello(seconds: float = HELLO_WAIT_SECONDS) -> RoomLink | None:
    """The room's link of the page's first hello; None when it has none, or says nothing in time.

    The script says hello as soon as the page is loaded; a client without it (a script-less
    page, a benchmark's socket) goes on after ``seconds``.
    """
    try:
        return await asyncio.wait_for(asyncio.shield(hello_heard()), seconds)
    except TimeoutError:
        return None


def client_request(data: Any) -> tuple[str, dict[str, Any]] | None:
    """A request from Parley's script (``{CLIENT_KEY: kind, ...}``); None for anything else."""
    if isinstance(data, dict) and data.get(CLIENT_KEY) in REQUESTS:
        return str(data[CLIENT_KEY]), data
    return None


async def tell_client(kind: str, **data: Any) -> None:
    await cl.send_window_message({SERVER_KEY: kind, **data})


async def on_client_message(data: Any) -> None:
    """Carry out a request from the page's script in this conversation (see ``install``)."""
    request = client_request(data)
    if request is None:
        return
    kind, fields = request
    page, seat = cl.user_session.get("page"), cl.user_session.get("seat")
    if kind == "hello":  # the page is loaded: its width, a room's link, and whether it shows the floor button
        narrow = bool(fields.get("narrow"))
        cl.user_session.set("narrow", narrow)  # for a page not made yet (the seat is being chosen)
        if page is not None:
            page.narrow = narrow
        link = room_link(fields)
        heard = hello_heard()
        first = not heard.done()
        if first:
            heard.set_result(link)
        await tell_client("hello", seated=seat is not None, ready=page is not None, linked=first and link is not None)
    elif kind == "floor":
        session = cl.user_session.get("session")
        if session is not None and seat is not None:
            session.request_floor(seat)
    elif kind == "panel" and page is not None:
        await page.show_panel()
