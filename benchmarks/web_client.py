"""One simulated browser for ``web_load.py``: a Socket.IO client speaking Chainlit 2.x's protocol.

It does what Chainlit's web page does, minus the drawing: it logs in (``POST /login``, which
sets the ``access_token`` cookie), connects to ``/ws/socket.io`` with the page's auth payload
(``sessionId``, ``clientType``, ``chatProfile``, ``threadId``, ``userEnv``), emits
``connection_successful`` (which starts ``on_chat_start``), answers the ``ask`` calls through
their acknowledgement (an ask for buttons gets the chosen action back, an ask for text gets a
user message), and records every message, stream and element it is sent.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import socketio

OUTCOME = "## Outcome:"
REVIEW_ACTION = "review"  # the name of the outcome's Review button (agents.ui.review)
NONCE = re.compile(r"load-nonce-[0-9a-f]{12}")


@dataclass
class Seen:
    """What one client was shown, and when."""

    index: int
    seat: str | None  # None: observer
    nonce: str
    thread_ids: set[str] = field(default_factory=set)
    messages: dict[str, str] = field(default_factory=dict)  # step id: latest content
    session_ids: set[str] = field(default_factory=set)  # from the Review button offered with the transcript
    tokens: int = 0
    foreign_tokens: int = 0  # streamed into a message this client was never shown
    asks: int = 0
    outcome_id: str | None = None
    outcome_attachments: int = 0  # the transcript files and the Review button on the outcome message
    started: float = 0.0
    finished: float | None = None

    @property
    def nonces(self) -> set[str]:
        return {n for text in self.messages.values() for n in NONCE.findall(text)}

    @property
    def spoke(self) -> bool:
        return any(self.nonce in text for text in self.messages.values())


async def log_in(url: str, user: str, password: str) -> str:
    """The ``Cookie`` header a logged-in page sends."""
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/login", data={"username": user, "password": password}) as response:
            response.raise_for_status()
            return "; ".join(f"{name}={morsel.value}" for name, morsel in response.cookies.items())


class LoadClient:
    """Plays one web session: takes ``seat`` (None: observes) and answers until the outcome arrives."""

    def __init__(self, index: int, seat: str | None, user: str):
        self.user = user
        self.seen = Seen(index, seat, f"load-nonce-{uuid.uuid4().hex[:12]}")
        self.actions: dict[str, dict] = {}
        self.actions_changed = asyncio.Condition()
        self.done = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=False)
        for event in ("new_message", "update_message", "stream_start"):
            self.sio.on(event, self.on_step)
        self.sio.on("stream_token", self.on_token)
        self.sio.on("element", self.on_element)
        self.sio.on("action", self.on_action)
        self.sio.on("ask", self.on_ask)

    async def run(self, url: str, cookie: str, scenario: str, timeout: float) -> Seen:
        auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "chatProfile": scenario, "threadId": ""}
        auth["userEnv"] = "{}"
        self.seen.started = time.perf_counter()
        await self.sio.connect(
            url, headers={"Cookie": cookie}, auth=auth, transports=["websocket"], socketio_path="/ws/socket.io"
        )
        try:
            await self.sio.emit("connection_successful")
            await asyncio.wait_for(self.done.wait(), timeout)
        except TimeoutError:
            pass  # reported as not finished
        finally:
            # As the page does on "New chat": the server drops the session when the socket closes
            # (else it keeps it for the config's session_timeout). A call, so it arrives first.
            await self.sio.call("clear_session", timeout=30)
            await self.sio.disconnect()
        return self.seen

    async def on_step(self, step: dict) -> None:
        self.seen.thread_ids.add(step.get("threadId") or "")
        content = step.get("output") or ""
        self.seen.messages[step["id"]] = content
        if content.startswith(OUTCOME):
            self.seen.outcome_id = step["id"]
            self.check_done()

    async def on_token(self, data: dict) -> None:
        self.seen.tokens += 1
        if data.get("id") not in self.seen.messages:
            self.seen.foreign_tokens += 1

    async def on_element(self, element: dict) -> None:
        self.seen.thread_ids.add(element.get("threadId") or "")
        self.attached(element)

    async def on_action(self, action: dict) -> None:
        if action.get("name") == REVIEW_ACTION:  # its payload names the session (the files have readable names)
            self.seen.session_ids.add(str((action.get("payload") or {}).get("session_id", "")))
        async with self.actions_changed:
            self.actions[action["id"]] = action
            self.actions_changed.notify_all()
        self.attached(action)

    def attached(self, item: dict) -> None:
        if item.get("forId") and item.get("forId") == self.seen.outcome_id:
            self.seen.outcome_attachments += 1
            self.check_done()

    def check_done(self) -> None:
        """Finished once the outcome, its two transcript files and its Review button have arrived."""
        if self.seen.finished is None and self.seen.outcome_id and self.seen.outcome_attachments >= 3:
            self.seen.finished = time.perf_counter()
            self.done.set()

    async def on_ask(self, data: dict) -> dict:
        """The acknowledgement is the answer: the chosen action, or a user message."""
        self.seen.asks += 1
        spec, message = data["spec"], data["msg"]
        await self.on_step(message)
        if spec["type"] == "text":
            return self.user_message(f"Our delegation restates its position ({self.seen.nonce}).", message)
        async with self.actions_changed:
            await asyncio.wait_for(self.actions_changed.wait_for(lambda: set(spec["keys"]) <= set(self.actions)), 30)
        offered = {self.actions[key]["payload"].get("value"): self.actions[key] for key in spec["keys"]}
        return offered[self.choose(list(offered))]

    def choose(self, values: list[str]) -> str:
        """Take the seat, speak once (a statement carrying the nonce), then yield; accept every clause."""
        if "observer" in values:
            return self.seen.seat or "observer"
        if "accept" in values:
            return "accept"
        if "statement" in values and not self.seen.spoke:
            return "statement"
        return "yield" if "yield" in values else values[0]

    def user_message(self, text: str, asked: dict) -> dict:
        return {
            "threadId": "",
            "id": str(uuid.uuid4()),
            "name": self.user,
            "type": "user_message",
            "output": text,
            "createdAt": datetime.now(UTC).isoformat(),
            "metadata": {},
            "parentId": asked.get("parentId"),
        }
