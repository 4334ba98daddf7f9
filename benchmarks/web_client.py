"""Simulated browsers for the web benchmarks: Socket.IO clients speaking Chainlit 2.x's protocol.

``ChainlitClient`` does what Chainlit's web page does, minus the drawing: it logs in (``POST
/login``, which sets the ``access_token`` cookie), connects to ``/ws/socket.io`` with the page's
auth payload (``sessionId``, ``clientType``, ``chatProfile``, ``threadId``, ``userEnv``), emits
``connection_successful`` (which starts ``on_chat_start``) and, as Parley's page script does,
a ``hello`` window message, answers the ``ask`` calls through their acknowledgement (an ask for
buttons gets the chosen action back, an ask for text gets a user message), presses buttons
(``POST /project/action``), and records every message, stream and element it is sent, with
the text of every file it was offered (fetched as the page does). Subclasses decide the
answers: ``LoadClient`` (``web_load.py``) takes a seat or observes, speaks once and accepts.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import socketio

OUTCOME = "## Outcome:"
REVIEW_ACTION = "review"  # the name of the outcome's Review button (agents.ui.review)
NONCE = re.compile(r"load-nonce-[0-9a-f]{12}")


def new_nonce(prefix: str = "load-nonce") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass
class Seen:
    """What one client was shown, and when."""

    index: int
    seat: str | None  # None: observer
    nonce: str
    thread_ids: set[str] = field(default_factory=set)
    messages: dict[str, str] = field(default_factory=dict)  # step id: latest content
    streamed: dict[str, str] = field(default_factory=dict)  # step id: the tokens streamed into it
    files: dict[str, str] = field(default_factory=dict)  # element id: the text of the file the page may fetch
    session_ids: set[str] = field(default_factory=set)  # from the Review button offered with the transcript
    tokens: int = 0
    foreign_tokens: int = 0  # streamed into a message this client was never shown
    asks: int = 0
    outcome_id: str | None = None
    outcome_attachments: int = 0  # the transcript files and the Review button on the outcome message
    started: float = 0.0
    finished: float | None = None
    errors: list[str] = field(default_factory=list)  # what went wrong on the client's side

    @property
    def nonces(self) -> set[str]:
        return {n for text in self.messages.values() for n in NONCE.findall(text)}

    @property
    def spoke(self) -> bool:
        return any(self.nonce in text for text in self.messages.values())

    @property
    def last_message(self) -> str:
        return next(reversed(self.messages.values()), "")[:120].replace("\n", " ")

    def texts(self) -> list[str]:
        """Everything this client was sent as text: messages, streams, files."""
        return [*self.messages.values(), *self.streamed.values(), *self.files.values()]


async def log_in(url: str, user: str, password: str) -> str:
    """The ``Cookie`` header a logged-in page sends."""
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/login", data={"username": user, "password": password}) as response:
            response.raise_for_status()
            return "; ".join(f"{name}={morsel.value}" for name, morsel in response.cookies.items())


class ChainlitClient:
    """One browser page: connects, records what it is sent, answers through ``answer_text``/``choose``."""

    fetch_files = False  # read the files offered (side panel, transcripts) as the page would

    def __init__(self, index: int, seat: str | None, user: str, nonce: str | None = None):
        self.user = user
        self.seen = Seen(index, seat, nonce or new_nonce())
        self.session_id = str(uuid.uuid4())  # Chainlit's session, as the page names it in its socket auth
        self.url = self.cookie = ""
        self.actions: dict[str, dict] = {}
        self.actions_changed = asyncio.Condition()
        self.done = asyncio.Event()
        self.fetches: set[asyncio.Task] = set()
        self.sio = socketio.AsyncClient(reconnection=False)
        for event in ("new_message", "update_message", "stream_start"):
            self.sio.on(event, self.on_step)
        self.sio.on("stream_token", self.on_token)
        self.sio.on("element", self.on_element)
        self.sio.on("set_sidebar_elements", self.on_sidebar)
        self.sio.on("action", self.on_action)
        self.sio.on("ask", self.on_ask)

    async def connect(self, url: str, cookie: str, scenario: str, hello: dict[str, Any] | None = None) -> None:
        """Open the page: the socket, ``connection_successful``, and the page script's hello."""
        self.url, self.cookie = url, cookie
        auth = {"sessionId": self.session_id, "clientType": "webapp", "chatProfile": scenario, "threadId": ""}
        auth["userEnv"] = "{}"
        self.seen.started = time.perf_counter()
        await self.sio.connect(
            url,
            headers={"Cookie": cookie},
            auth=auth,
            transports=["websocket"],
            socketio_path="/ws/socket.io",
            wait_timeout=30,  # a busy server (other sessions running) takes more than the default second
        )
        await self.sio.emit("connection_successful")
        if hello is not None:
            await self.sio.emit("window_message", {"parleyClient": "hello", "narrow": False, **hello})

    async def finish(self, timeout: float) -> Seen:
        """Wait for the outcome (or ``timeout``), then leave as the page's *New chat* does."""
        try:
            await asyncio.wait_for(self.done.wait(), timeout)
        except TimeoutError:
            pass  # reported as not finished
        finally:
            if self.fetches:
                await asyncio.wait(self.fetches)
            # The server drops the session when the socket closes (else it keeps it for the
            # config's session_timeout). A call, so it arrives first.
            try:
                await self.sio.call("clear_session", timeout=30)
            except socketio.exceptions.SocketIOError as error:  # reported as not finished, if it did not
                self.seen.errors.append(f"clear_session: {type(error).__name__}")
            await self.sio.disconnect()
            if self.fetches:  # files offered while leaving
                await asyncio.wait(self.fetches)
        return self.seen

    async def run(self, url: str, cookie: str, scenario: str, timeout: float) -> Seen:
        await self.connect(url, cookie, scenario, hello={})
        return await self.finish(timeout)

    async def press(self, action: dict) -> dict:
        """Click ``action`` (as received): ``POST /project/action``, which runs its callback to the end."""
        body = {"sessionId": self.session_id, "action": action}
        async with aiohttp.ClientSession(headers={"Cookie": self.cookie}) as http:
            async with http.post(f"{self.url}/project/action", json=body) as response:
                response.raise_for_status()
                return await response.json()

    async def on_step(self, step: dict) -> None:
        self.seen.thread_ids.add(step.get("threadId") or "")
        content = step.get("output") or ""
        self.seen.messages[step["id"]] = content
        self.on_message(step["id"], content)
        if content.startswith(OUTCOME):
            self.seen.outcome_id = step["id"]
            self.check_done()

    def on_message(self, step_id: str, content: str) -> None:
        """A message was shown or updated (for subclasses that wait for one)."""

    async def on_token(self, data: dict) -> None:
        self.seen.tokens += 1
        self.seen.streamed[data.get("id", "")] = self.seen.streamed.get(data.get("id", ""), "") + data.get("token", "")
        if data.get("id") not in self.seen.messages:
            self.seen.foreign_tokens += 1

    async def on_element(self, element: dict) -> None:
        self.seen.thread_ids.add(element.get("threadId") or "")
        self.fetch(element)
        self.attached(element)

    async def on_sidebar(self, data: dict) -> None:
        for element in data.get("elements") or []:
            self.fetch(element)

    def fetch(self, element: dict) -> None:
        """Read the element's file as the page would (``GET /project/file/KEY``), in the background."""
        if self.fetch_files and element.get("chainlitKey"):
            task = asyncio.create_task(self._fetch(element["id"], element["chainlitKey"]))
            self.fetches.add(task)
            task.add_done_callback(self.fetches.discard)

    async def _fetch(self, element_id: str, key: str) -> None:
        async with aiohttp.ClientSession(headers={"Cookie": self.cookie}) as http:
            url = f"{self.url}/project/file/{key}"
            async with http.get(url, params={"session_id": self.session_id}) as response:
                self.seen.files[element_id] = await response.text(errors="replace")

    async def on_action(self, action: dict) -> None:
        if action.get("name") == REVIEW_ACTION:  # its payload names the session (the files have readable names)
            self.seen.session_ids.add(str((action.get("payload") or {}).get("session_id", "")))
        async with self.actions_changed:
            self.actions[action["id"]] = action
            self.actions_changed.notify_all()
        self.attached(action)

    async def action_named(self, name: str, timeout: float = 60) -> dict:
        """The newest button called ``name`` this page was offered (waiting for one up to ``timeout``)."""

        def newest() -> dict | None:
            return next((a for a in reversed(self.actions.values()) if a.get("name") == name), None)

        async with self.actions_changed:
            await asyncio.wait_for(self.actions_changed.wait_for(lambda: newest() is not None), timeout)
        found = newest()
        assert found is not None
        return found

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
        content = message.get("output") or ""
        if spec["type"] == "text":
            return self.user_message(self.answer_text(content), message)
        async with self.actions_changed:
            await asyncio.wait_for(self.actions_changed.wait_for(lambda: set(spec["keys"]) <= set(self.actions)), 30)
        offered = {self.actions[key]["payload"].get("value"): self.actions[key] for key in spec["keys"]}
        return offered[self.choose(list(offered), content)]

    def answer_text(self, question: str) -> str:
        return f"Our delegation restates its position ({self.seen.nonce})."

    def choose(self, values: list[str], question: str) -> str:
        """Speak once (a statement carrying the nonce), then yield; accept every clause."""
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


class LoadClient(ChainlitClient):
    """Plays one web session (``web_load.py``): takes ``seat`` (None: observes) and answers until the outcome."""

    def choose(self, values: list[str], question: str) -> str:
        if "observer" in values:
            return self.seen.seat or "observer"
        return super().choose(values, question)
