"""Carry out a ``Presenter``'s decisions on the Chainlit page: messages, streams, the side panel."""

from __future__ import annotations

import chainlit as cl

from agents.core.catalog import Cast
from agents.core.draft import Draft
from agents.core.events import Event
from agents.sessions.markdown import transcript_markdown
from agents.sessions.transcript import Transcript
from agents.sessions.writer import TranscriptWriter
from agents.ui.presenter import Presenter, Shown, brief_markdown, draft_markdown
from agents.ui.review import REVIEW_ACTION, review_payload

DRAFT_TITLE = "Draft joint statement"
BRIEF_TITLE = "Your brief"
OBSERVER_VIEW = "observer"  # a viewer who sits in no side meeting


class Page:
    """One browser conversation: open streamed messages by author, the side panel's content."""

    def __init__(self, presenter: Presenter):
        self.presenter = presenter
        self.open_messages: dict[str, cl.Message] = {}
        self.draft = Draft()
        self.brief: str | None = None
        self.outcome: Shown | None = None

    @property
    def names(self) -> dict[str, str]:
        return self.presenter.cast.names()

    async def open(self, cast: Cast, seat: str | None) -> None:
        """Greet the person, show their brief and the (empty) draft, and offer the floor button."""
        if seat is not None:
            self.brief = brief_markdown(cast.delegations[seat])
            who = cast.delegations[seat].short_name
            actions = [cl.Action(name="request_floor", payload={"seat": seat}, label="Ask for the floor")]
            text = f"You sit as **{who}**. Your brief and the draft are in the side panel."
            await cl.Message(author=cast.chair.short_name, content=text, actions=actions).send()
        else:
            await cl.Message(
                author=cast.chair.short_name, content="You are observing. Every seat is played by a model."
            ).send()
        await self.refresh_side_panel()

    async def refresh_side_panel(self) -> None:
        elements = [cl.Text(name=DRAFT_TITLE, content=draft_markdown(self.draft, self.names), display="side")]
        if self.brief is not None:
            elements.append(cl.Text(name=BRIEF_TITLE, content=self.brief, display="side"))
        await cl.ElementSidebar.set_title(DRAFT_TITLE if self.brief is None else "Draft and brief")
        await cl.ElementSidebar.set_elements(elements)

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
            self.draft = shown.draft
            await self.refresh_side_panel()
        elif shown.kind == "outcome":
            self.outcome = shown

    async def close(self, transcript: Transcript, writer: TranscriptWriter) -> None:
        """The outcome, with the transcript to download as JSON and Markdown, and a *Review* button.

        The files offered are the session as this person's seat saw it (an observer sits in
        none): no private meeting it was not in, no recording of other delegations' prompts.
        """
        view = transcript.seen_by(self.presenter.seat or OBSERVER_VIEW)
        contents = {
            writer.json_path.name: (view.model_dump_json(indent=2), "application/json"),
            writer.markdown_path.name: (transcript_markdown(view), "text/markdown"),
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
