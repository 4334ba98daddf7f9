"""The web server's defaults: no file upload, CORS for its own origin only, a limit on wrong passwords.

Chainlit reads ``.chainlit/config.toml`` in its app root and, where there is none (another
``CHAINLIT_APP_ROOT``, an install without Parley's copy), writes a permissive default: uploads
of any type, 500 MB x 20, and ``allow_origins = ["*"]``. Parley never takes files, and a page
on another site has no business calling this server with its user's cookie; so ``harden``
applies both settings in code when the app loads, whatever the file says. It also puts a
``LoginGuard`` in front of Chainlit's login route: Chainlit's password callback is not told
the client's address, the ASGI scope is.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agents.ui.login_limit import LoginLimiter, TooManyAttempts

# Chainlit's login page shows the translation of the failed response's status text (its toast
# shows the ``detail``): the refusal's wording is added to the translations under this key.
REFUSAL_KEY = HTTPStatus.TOO_MANY_REQUESTS.phrase


def harden(app: Any, config: Any, extra_origins: list[str], limiter: LoginLimiter | None = None) -> None:
    """Apply Parley's defaults to Chainlit's server ``app`` and ``config``, before the server starts."""
    from chainlit.config import SpontaneousFileUploadFeature

    config.features.spontaneous_file_upload = SpontaneousFileUploadFeature(enabled=False)
    origins = allowed_origins(config.run.host, config.run.port, extra_origins)
    config.project.allow_origins = origins
    restrict_cors(app, origins)
    app.add_middleware(LoginGuard, limiter=limiter or LoginLimiter(), root_path=config.run.root_path)


def allowed_origins(host: str, port: int, extra: list[str]) -> list[str]:
    """The server's own origin, then the ones given (``parley ui --allow-origin``)."""
    own = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    return [own, *(origin for origin in extra if origin != own)]


def restrict_cors(app: Any, origins: list[str]) -> None:
    """Give Chainlit's CORS middleware ``origins`` in place of its config's list (read at import)."""
    if getattr(app, "middleware_stack", None) is not None:
        raise RuntimeError("the server has started: its CORS origins can no longer change")
    for middleware in app.user_middleware:
        if middleware.cls is CORSMiddleware:
            middleware.kwargs["allow_origins"] = origins
            return
    raise RuntimeError("Chainlit's CORS middleware was not found: cannot restrict its origins")


class LoginGuard:
    """ASGI middleware: refuses ``POST /login`` with 429 past the limiter's limits, and tells the
    limiter how each attempt went (Chainlit answers a wrong password with 401). It also adds the
    refusal's wording to the translations the login page shows its errors from.

    Sign-ins are checked one at a time (each takes milliseconds): attempts sent all at once are
    then counted exactly, instead of all passing the check before the first failure is noted.
    """

    def __init__(self, app: ASGIApp, limiter: LoginLimiter, root_path: str = ""):
        self.app = app
        self.limiter = limiter
        self.login_path = f"{root_path}/login"
        self.translations_path = f"{root_path}/project/translations"
        self.one_at_a_time = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = (scope.get("method"), scope.get("path")) if scope["type"] == "http" else None
        if route == ("POST", self.login_path):
            await self.login(scope, receive, send)
        elif route == ("GET", self.translations_path):
            await self.translations(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def login(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)  # before queueing: a slow client holds up nobody
        user, address = await form_field(scope, body, "username"), client_address(scope)
        async with self.one_at_a_time:
            try:
                self.limiter.check(user, address)
            except TooManyAttempts as refused:
                await refusal(refused)(scope, receive, send)
                return
            status = await forward(self.app, scope, replay(body, receive), send)
            if status == HTTPStatus.UNAUTHORIZED:
                self.limiter.failed(user, address)
            elif status is not None and status < 400:
                self.limiter.succeeded(user)

    async def translations(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Uncompressed, so that the JSON can be read; Chainlit's own handler picks the language.
        headers = [(name, value) for name, value in scope["headers"] if name != b"accept-encoding"]
        start, body = await capture(self.app, {**scope, "headers": headers}, receive)
        if start["status"] == 200:
            body = with_refusal_text(body, self.limiter.window)
            start["headers"] = [(n, v) for n, v in start["headers"] if n != b"content-length"]
            start["headers"].append((b"content-length", str(len(body)).encode()))
        await send(start)
        await send({"type": "http.response.body", "body": body})


def refusal(refused: TooManyAttempts) -> JSONResponse:
    """429, saying when to try again, in ``detail`` and in ``Retry-After``."""
    headers = {"Retry-After": str(refused.retry_after)}
    return JSONResponse({"detail": str(refused)}, status_code=HTTPStatus.TOO_MANY_REQUESTS, headers=headers)


def with_refusal_text(body: bytes, window_seconds: float) -> bytes:
    """Chainlit's translations with the login page's wording for ``REFUSAL_KEY``."""
    try:
        data = json.loads(body)
        login = data["translation"].setdefault("auth", {}).setdefault("login", {})
    except (ValueError, KeyError, TypeError, AttributeError):
        return body  # not the shape Chainlit answers with: leave it alone
    login.setdefault("errors", {})[REFUSAL_KEY] = (
        "Too many failed sign-ins for this user or from this address. "
        f"Try again later (within {round(window_seconds / 60)} minutes)."
    )
    return json.dumps(data).encode()


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


async def forward(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> int | None:
    """Run ``app``; the status it answered with."""
    status = None

    async def watch(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    await app(scope, receive, watch)
    return status


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
