"""Reopening a finished session's conversation: its ending, rebuilt from the transcript in ``--out``.

Chainlit stores the messages of a conversation but neither its buttons nor (without a blob
store) its files, and the side panel is no message at all. So when a person reopens a
session that has ended, the side panel (final draft, their brief) is sent again and the
outcome message is posted again by ``Page.close``, with the transcript files and the *Review*
button; the stored copy of the outcome is removed, so the history keeps one.
"""

from __future__ import annotations

from pathlib import Path

import chainlit as cl
from chainlit.types import ThreadDict

from agents.core.catalog import Catalog
from agents.core.draft import Draft
from agents.core.events import SessionEnded
from agents.core.loading import ConfigError
from agents.sessions.transcript import Transcript, load_transcript
from agents.sessions.writer import TranscriptWriter
from agents.ui.page import Page
from agents.ui.presenter import Presenter, brief_markdown
from agents.ui.review import transcript_for


def ending_page(catalog: Catalog, transcript: Transcript, seat: str | None) -> Page:
    """A ``Page`` holding what ``transcript``'s last page held: the final draft, the brief, the outcome."""
    cast = catalog.cast(transcript.scenario.id)
    page = Page(Presenter(cast, seat))
    page.draft = transcript.draft or Draft()
    if seat is not None and seat in cast.delegations:
        page.brief = brief_markdown(cast.delegations[seat])
    for event in transcript.events:  # all of them: the outcome quotes the objectors' reasons from their ballots
        shown = page.presenter.present(event)
        if isinstance(event, SessionEnded):  # the outcome as the page showed it, for ``close``
            page.outcome = next((item for item in shown if item.kind == "outcome"), None)
    return page


def stored_copies(thread: ThreadDict, content: str) -> list[str]:
    """The ids of the conversation's stored messages that read ``content`` exactly."""
    return [step["id"] for step in thread.get("steps", []) if step.get("output") == content and "id" in step]


async def show_ending(thread: ThreadDict, out: Path, catalog: Catalog, session_id: str | None, seat: str | None):
    """Send the side panel and the outcome (files, *Review*) of the session this conversation ran.

    Says so in a notice (not stored in the history) when there is nothing to rebuild from: the
    transcript left the output folder, or the session stopped before its end.
    """
    if not session_id:
        return  # no session started in this conversation (no seat chosen)
    try:
        transcript = load_transcript(transcript_for(out, {"session_id": session_id}, session_id))
    except ConfigError:
        await notice("The transcript of this session is no longer in the output folder: shown read-only.")
        return
    if transcript.status != "complete":
        await notice("This session stopped before its end (the server was stopped): shown read-only.")
        return
    page = ending_page(catalog, transcript, seat)
    await page.refresh_side_panel()
    if page.outcome is not None:
        for step_id in stored_copies(thread, page.outcome.content):
            await cl.Message(content="", id=step_id).remove()
    await page.close(transcript, TranscriptWriter(transcript))  # no folder: names the files, writes nothing


async def notice(text: str) -> None:
    await cl.context.emitter.send_toast(text, "info")
