"""Small ASGI helpers for the server's middleware: read a request's body and form, keep an answer and send it on."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def read_body(receive: Receive) -> bytes:
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then whatever the client sends next (a disconnect)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again


async def form_field(scope: Scope, body: bytes, name: str) -> str:
    """Field ``name`` of the request's form (urlencoded or multipart, as the login page sends it); "" if none."""

    async def nothing_more() -> Message:
        return {"type": "http.disconnect"}

    try:
        form = await Request(scope, replay(body, nothing_more)).form()
    except Exception:  # a malformed form: Chainlit will refuse it too
        return ""
    value = form.get(name)
    await form.close()
    return value if isinstance(value, str) else ""


async def capture(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
    """Run ``app`` and keep its answer: the start message and the whole body."""
    start: Message = {}
    parts: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = dict(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(parts)


async def send_whole(send: Send, start: Message, body: bytes) -> None:
    """Send an answer kept by ``capture``, perhaps changed, with its ``content-length`` set to ``body``'s."""
    if not start:
        return  # the app answered nothing (the client went away)
    headers = [(name, value) for name, value in start.get("headers", []) if name != b"content-length"]
    await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def without_header(scope: Scope, name: bytes) -> Scope:
    """``scope`` without request header ``name`` (``accept-encoding``: an answer that can be read)."""
    return {**scope, "headers": [(key, value) for key, value in scope["headers"] if key != name]}
