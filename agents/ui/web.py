"""The web server's defaults: no file upload, CORS for its own origin only, a limit on wrong passwords,
a login page in plain words, and a page that loads nothing from other hosts.

Chainlit reads ``.chainlit/config.toml`` in its app root and, where there is none (another
``CHAINLIT_APP_ROOT``, an install without Parley's copy), writes a permissive default: uploads
of any type, 500 MB x 20, and ``allow_origins = ["*"]``. Parley never takes files, and a page
on another site has no business calling this server with its user's cookie; so ``harden``
applies both settings in code when the app loads, whatever the file says. It also puts a
``LoginGuard`` in front of Chainlit's login route: Chainlit's password callback is not told
the client's address, the ASGI scope is. ``LoginGuard`` also words the login page: Chainlit's asks
for an "Email address" and shows a wrong password as "Unauthorized: credentialssignin". And
``OfflinePage`` (``agents/ui/offline.py``) drops the page's links to fonts and styles on CDNs.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from agents.ui.asgi import capture, client_address, form_field, read_body, replay, send_whole, without_header
from agents.ui.login_limit import LoginLimiter, TooManyAttempts
from agents.ui.offline import OfflinePage

# Chainlit's login page shows the translation of the failed response's status text (its toast
# shows "<status text>: <detail>"): Parley's wording is added to the translations under these keys.
REFUSAL_KEY = HTTPStatus.TOO_MANY_REQUESTS.phrase
WRONG_PASSWORD_KEY = HTTPStatus.UNAUTHORIZED.phrase
WRONG_PASSWORD = "Wrong user name or password."


def harden(app: Any, config: Any, extra_origins: list[str], limiter: LoginLimiter | None = None) -> None:
    """Apply Parley's defaults to Chainlit's server ``app`` and ``config``, before the server starts."""
    from chainlit.config import SpontaneousFileUploadFeature

    config.features.spontaneous_file_upload = SpontaneousFileUploadFeature(enabled=False)
    origins = allowed_origins(config.run.host, config.run.port, extra_origins)
    config.project.allow_origins = origins
    restrict_cors(app, origins)
    app.add_middleware(LoginGuard, limiter=limiter or LoginLimiter(), root_path=config.run.root_path)
    app.add_middleware(OfflinePage)


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
    limiter how each attempt went (Chainlit answers a wrong password with 401, which it words
    anew). It also puts Parley's login texts (``login_texts``) into the translations the login
    page takes its labels and errors from, whatever the language.

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
            start, answer = await capture(self.app, scope, replay(body, receive))
            if start.get("status") == HTTPStatus.UNAUTHORIZED:
                self.limiter.failed(user, address)
                await wrong_password()(scope, receive, send)
                return
            if start.get("status", 500) < 400:
                self.limiter.succeeded(user)
            await send_whole(send, start, answer)

    async def translations(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Uncompressed, so that the JSON can be read; Chainlit's own handler picks the language.
        start, body = await capture(self.app, without_header(scope, b"accept-encoding"), receive)
        if start["status"] == 200:
            body = with_login_texts(body, login_texts(self.limiter.window))
        await send_whole(send, start, body)


def refusal(refused: TooManyAttempts) -> JSONResponse:
    """429, saying when to try again, in ``detail`` and in ``Retry-After``."""
    headers = {"Retry-After": str(refused.retry_after)}
    return JSONResponse({"detail": str(refused)}, status_code=HTTPStatus.TOO_MANY_REQUESTS, headers=headers)


def wrong_password() -> JSONResponse:
    """401 in plain words (Chainlit's ``detail`` is the code ``credentialssignin``)."""
    return JSONResponse({"detail": WRONG_PASSWORD}, status_code=HTTPStatus.UNAUTHORIZED)


def login_texts(window_seconds: float) -> dict[str, Any]:
    """Parley's texts for the login page, shaped as Chainlit's ``auth.login`` translations.

    Parley's users sign in with a user name, not an email address; the errors are looked up by
    the failed answer's status text, then by Chainlit's code for a wrong password.
    """
    refused = (
        "Too many failed sign-ins for this user or from this address. "
        f"Try again later (within {round(window_seconds / 60)} minutes)."
    )
    return {
        "form": {"email": {"label": "Username", "placeholder": "", "required": "Enter your user name."}},
        "errors": {
            REFUSAL_KEY: refused,
            WRONG_PASSWORD_KEY: WRONG_PASSWORD,
            "credentialsSignin": WRONG_PASSWORD,
            "credentialssignin": WRONG_PASSWORD,
        },
    }


def with_login_texts(body: bytes, texts: dict[str, Any]) -> bytes:
    """Chainlit's translations (one language's JSON) with ``texts`` laid over ``auth.login``."""
    try:
        data = json.loads(body)
        login = data["translation"].setdefault("auth", {}).setdefault("login", {})
        merge(login, texts)
    except (ValueError, KeyError, TypeError, AttributeError):
        return body  # not the shape Chainlit answers with: leave it alone
    return json.dumps(data).encode()


def merge(into: dict[str, Any], texts: dict[str, Any]) -> None:
    """Lay ``texts`` over ``into``, nested dictionaries key by key."""
    for key, value in texts.items():
        if isinstance(value, dict):
            merge(into.setdefault(key, {}), value)
        else:
            into[key] = value
