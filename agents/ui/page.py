"""Carry out a ``Presenter``'s decisions on the Chainlit page: messages, streams, the side panel."""

from __future__ import annotations

from collections.abc import Sequence

import chainlit as cl
from chainlit.context import context
from chainlit.element import Element

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import Event
from agents.sessions.markdown import transcript_markdown
from agents.sessions.transcript import Transcript
from agents.sessions.writer import TranscriptWriter
from agents.ui.client import tell_client
from agents.ui.draft_panel import brief_panel_markdown, draft_panel_markdown
from agents.ui.presenter import Presenter, Shown, brief_markdown
from agents.ui.review import REVIEW_ACTION, review_payload
from agents.ui.transcript_files import transcript_file_names

DRAFT_TITLE = "Draft joint statement"
BRIEF_TITLE = "Your brief"
PANEL_TITLES = {True: "Draft and brief", False: "Draft joint statement"}  # one title per page: seated or not
OBSERVER_VIEW = "observer"  # a viewer who sits in no side meeting


class Page:
    """One browser conversation: open streamed messages by author, the side panel's content."""

    def __init__(self, presenter: Presenter):
        self.presenter = presenter
        self.open_messages: dict[str, cl.Message] = {}
        self.draft = Draft()
        self.panel = draft_panel_markdown(self.draft, self.names)
        self.brief: str | None = None
        self.outcome: Shown | None = None
        # On a narrow screen the panel covers the chat: it then opens only when asked for (the
        # page's script says how wide it is; None until it has).
        self.narrow: bool | None = None
        self.panel_pushes = 0

    @property
    def names(self) -> dict[str, str]:
        return self.presenter.cast.names()

    async def open(self, cast: Cast, seat: str | None, observing: str | None = None) -> None:
        """Greet the person, show their brief and the (empty) draft, and offer the floor button.

        ``observing`` is what an observer is told instead of the single-person app's greeting.
        """
        if seat is not None:
            self.brief = brief_markdown(cast.delegations[seat])
            who = cast.delegations[seat].short_name
            text = (
                f"You sit as **{who}**. Your brief and the draft are in the side panel (**Draft and brief**, "
                "top right, reopens it); **Ask for the floor** beside it puts you in the chair's queue at any time."
            )
            await cl.Message(author=cast.chair.short_name, content=text).send()
        else:
            text = observing or "You are observing. Every seat is played by a model."
            await cl.Message(author=cast.chair.short_name, content=text).send()
        if not self.narrow:  # a narrow screen keeps the chat in view: the bar's button opens the panel
            await self.show_panel()

    async def refresh_side_panel(self) -> None:
        """Redraw the panel after a change; on a narrow screen only flag it (the panel would cover the chat)."""
        if self.narrow:
            await tell_client("draft-updated")
            return
        await self.show_panel()

    async def show_panel(self) -> None:
        """Open (or redraw) the side panel: the draft, then the brief, each under its own heading."""
        elements = [cl.Text(name=DRAFT_TITLE, content=self.panel, mime="text/plain")]
        if self.brief is not None:
            brief = brief_panel_markdown(self.brief)
            elements.append(cl.Text(name=BRIEF_TITLE, content=brief, mime="text/plain"))
        self.panel_pushes += 1
        await set_side_panel(PANEL_TITLES[self.brief is not None], elements, f"panel-{self.panel_pushes}")

    async def show_event(self, event: Event) -> None:
        for shown in self.presenter.present(event):
            await self.show(shown)

    async def show(self, shown: Shown) -> None:
        if shown.kind == "post":
            await cl.Message(author=shown.author, content=shown.content).send()
        elif shown.kind == "stream":
            message = self.open_messages.setdefault(shown.author, cl.Message(author=shown.author, content=""))
            await message.stream_token(shown.content)
        elif shown.kind == "finish":
            finished = self.open_messages.pop(shown.author, None)
            message = finished if finished is not None else cl.Message(author=shown.author, content="")
            message.content = shown.content
            await message.send()  # ends the stream (and persists) or posts anew
        elif shown.kind == "draft" and shown.draft is not None:
            self.draft, self.panel = shown.draft, shown.content
            await self.refresh_side_panel()
        elif shown.kind == "outcome":
            self.outcome = shown

    async def close(self, transcript: Transcript, writer: TranscriptWriter) -> None:
        """The outcome, with the transcript to download as JSON and Markdown, and a *Review* button.

        The files offered are the session as this person's seat saw it (an observer sits in
        none): no private meeting it was not in, no recording of other delegations' prompts.
        """
        view = transcript.seen_by(self.presenter.seat or OBSERVER_VIEW)
        json_name, markdown_name = transcript_file_names(transcript, self.presenter.cast, self.presenter.seat)
        contents = {
            json_name: (view.model_dump_json(indent=2), "application/json"),
            markdown_name: (transcript_markdown(view), "text/markdown"),
        }
        files = [
            cl.File(name=name, content=text.encode(), mime=mime, display="inline")
            for name, (text, mime) in contents.items()
        ]
        content = self.outcome.content if self.outcome else f"The session ended ({transcript.status})."
        review = cl.Action(name=REVIEW_ACTION, payload=review_payload(transcript.session_id), label="Review")
        await cl.Message(
            author=self.presenter.cast.chair.short_name, content=content, elements=files, actions=[review]
        ).send()
        await tell_client("ended")  # the page's script: no floor to ask for any more


async def set_side_panel(title: str, elements: Sequence[Element], key: str) -> None:
    """Show ``elements`` in the side panel under ``title``, opening it.

    Chainlit's ``ElementSidebar`` also sends each element as a chat element, and its page opens
    the panel by itself on every ``side`` element it gets, titled after the last one: the panel
    popped over the chat on every draft update and its title changed. Here the elements' text
    is stored for the page to fetch and only the panel is told; a new ``key`` each time, since
    the page keeps an open panel's elements when the key is the same.
    """
    for element in elements:
        await element._create(persist=False)  # stores the text the page fetches; no chat element
    await context.emitter.emit("set_sidebar_elements", {"elements": [e.to_dict() for e in elements], "key": key})
    await context.emitter.emit("set_sidebar_title", title)
