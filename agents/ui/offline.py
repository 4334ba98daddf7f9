"""The page loads nothing from other hosts: it works offline, and tells no CDN who opened it.

Chainlit's page links a Google font (with ``preconnect`` hints to Google's hosts) and KaTeX's
style sheet on a CDN, whatever the config says (Parley turns LaTeX off). ``OfflinePage`` drops
every ``<link>`` and ``<script>`` of the page that names another host; the page then uses the
system's sans-serif font. Everything else the page loads comes from the server itself.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agents.ui.asgi import capture, send_whole, without_header

# A tag whose href or src is absolute (scheme:// or //): the link tags span lines in Chainlit's page.
OUTSIDE_LINK = re.compile(r"""<link\b[^>]*\bhref=["'](?:[a-z][a-z0-9+.-]*:)?//[^>]*>""", re.IGNORECASE)
OUTSIDE_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc=["'](?:[a-z][a-z0-9+.-]*:)?//[^>]*>\s*</script\s*>""", re.IGNORECASE
)


class OfflinePage:
    """ASGI middleware: the HTML page the browser navigates to, without links to other hosts.

    Only requests for a page (``Accept: text/html``) are read whole, uncompressed; assets and
    the Socket.IO connection pass untouched.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not wants_page(scope):
            await self.app(scope, receive, send)
            return
        start, body = await capture(self.app, without_header(scope, b"accept-encoding"), receive)
        if start.get("status") == 200 and is_html(start):
            body = without_outside_links(body.decode()).encode()
        await send_whole(send, start, body)


def wants_page(scope: Scope) -> bool:
    if scope["type"] != "http" or scope.get("method") != "GET":
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept


def is_html(start: Message) -> bool:
    return dict(start.get("headers", [])).get(b"content-type", b"").startswith(b"text/html")


def without_outside_links(html: str) -> str:
    """``html`` without the ``<link>`` and ``<script src>`` tags that name another host."""
    return OUTSIDE_SCRIPT.sub("", OUTSIDE_LINK.sub("", html))
