"""Names a person can read for the transcript files the web page offers to download.

On the server a transcript is named by its session id (``six-party-2003-20261130-214733-
a1b2c3.json``); the download says what it is: the scenario, whose view, and when it began,
e.g. ``six-party-2003, Russia's view, 30 Nov 2026 21.47 UTC.json``. Only characters that are
safe in a file name on any system are used.
"""

from __future__ import annotations

import re
from datetime import datetime

from agents.core.catalog import Cast
from agents.sessions.transcript import Transcript

_UNSAFE = re.compile(r"[^A-Za-z0-9 ,.'()_-]+")


def started_words(started: str) -> str:
    """``2026-11-30T21:47:33+00:00`` as ``30 Nov 2026 21.47 UTC`` (the text itself if it is no time)."""
    try:
        moment = datetime.fromisoformat(started)
    except ValueError:
        return started
    return f"{moment.day} {moment:%b %Y %H.%M} UTC"


def transcript_file_names(transcript: Transcript, cast: Cast, seat: str | None) -> tuple[str, str]:
    """The JSON and Markdown download names of ``transcript`` as ``seat`` saw it (None: an observer)."""
    view = f"{cast.name(seat)}'s view" if seat else "observer's view"
    stem = _UNSAFE.sub("-", f"{transcript.scenario.id}, {view}, {started_words(transcript.started)}").strip(" .-")
    return f"{stem}.json", f"{stem}.md"
