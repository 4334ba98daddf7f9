"""News the chair read in a session (an instructor's ``inject_news``), for a review.

The review is built from the viewer's view of the transcript (``Transcript.seen_by``), which
already leaves out the private news a viewer's seat did not hear.
"""

from __future__ import annotations

from agents.core.events import NewsRead
from agents.review.schema import NewsItem
from agents.sessions.transcript import Transcript


def news_read(transcript: Transcript) -> list[NewsItem]:
    """Each piece of news read out, in order: when, the date it carried, what it said, and to whom."""
    return [
        NewsItem(turn=event.turn, dated=event.dated, text=event.news or event.text, audience=event.audience)
        for event in transcript.events
        if isinstance(event, NewsRead)
    ]
