"""The instructor's controls of a running room: buttons on the host's board, in Chainlit.

Each calls one of the engine session's instructor methods (``agents.engine.instructor``);
the chair applies it between turns, as an event (journaled, checkpointed, shown to the seats
it concerns like any other). These callbacks only ask the host what is needed and say what
will happen.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import chainlit as cl

from agents.core.catalog import Cast
from agents.delegates.human import InputRejected
from agents.llm.factory import ModelPool
from agents.sessions.run import model_seat
from agents.ui.prompter import ChainlitPrompter
from agents.ui.rooms import Room, through

EXTRA_SECONDS = 120
CONTROLS = {
    "room_pause": "Pause",
    "room_resume": "Resume",
    "room_news": "Read news",
    "room_extend": f"+{EXTRA_SECONDS // 60} min for the person speaking",
    "room_pass": "Pass the person's turn",
    "room_handover": "Hand a seat to the model",
    "room_end": "End the talks early",
}
DATE = r"\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}"  # 2003-08-27, 27 August 2003, ...
DATED = re.compile(rf"^\s*(?P<date>{DATE})\s*:\s*(?P<text>.+)$", re.DOTALL)


def dated_news(text: str) -> tuple[str | None, str]:
    """``"27 August 2003: The talks ..."`` to the date and the text; no leading date: (None, text)."""
    match = DATED.match(text)
    return (match["date"], match["text"].strip()) if match else (None, text.strip())


def ask(cast: Cast) -> ChainlitPrompter:
    """Questions to the host, in the current conversation."""
    return ChainlitPrompter(cast.chair.short_name, cast.scenario.human_timeout_seconds)


class Instructor:
    """The host's controls; ``show_board`` redraws the host's board (after a seat changes hands)."""

    def __init__(self, pool: ModelPool, show_board: Callable[[Room], Awaitable[None]]):
        self.pool = pool
        self.show_board = show_board

    def handlers(self) -> dict[str, Callable[[Room], Awaitable[None]]]:
        """Each control's action name and what it does."""
        return {
            "room_pause": self.pause,
            "room_resume": self.resume,
            "room_news": self.news,
            "room_extend": self.extend,
            "room_pass": self.pass_turn,
            "room_handover": self.handover,
            "room_end": self.end,
        }

    async def tell_host(self, room: Room, text: str) -> None:
        await cl.Message(author=room.cast.chair.short_name, content=text).send()

    async def pause(self, room: Room) -> None:
        room.engine.pause()
        await self.tell_host(room, "The chair pauses the talks once the current turn ends.")

    async def resume(self, room: Room) -> None:
        room.engine.resume_play()
        await self.tell_host(room, "The talks go on.")

    async def end(self, room: Room) -> None:
        sure = await ask(room.cast).choose(
            "End the talks now? The chair goes straight to the consensus call and its summary.",
            {"yes": "End the talks", "no": "Go on"},
        )
        if sure == "yes":
            room.engine.end_early()
            await self.tell_host(room, "The chair ends the talks after the current turn: the consensus call follows.")

    async def extend(self, room: Room) -> None:
        given = room.engine.extend_turn(EXTRA_SECONDS)
        text = f"{EXTRA_SECONDS // 60} more minutes given." if given else "No person is answering just now."
        await self.tell_host(room, text)

    async def pass_turn(self, room: Room) -> None:
        passed = room.engine.pass_turn()
        await self.tell_host(room, "The chair passes the turn." if passed else "No person is answering just now.")

    async def news(self, room: Room) -> None:
        """The news text (a leading date is taken as its date), then to whom the chair reads it."""
        prompter = ask(room.cast)
        typed = await cl.AskUserMessage(
            content="Type the news the chair reads out; start with its date if it has one (27 August 2003: ...).",
            author=room.cast.chair.short_name,
            timeout=room.cast.scenario.human_timeout_seconds,
        ).send()
        if typed is None:
            return
        dated, text = dated_news(typed["output"])
        audience: list[str] | None = None
        whom = await prompter.choose("Read it to whom?", {"all": "All delegations", "some": "Chosen delegations"})
        if whom == "some":
            audience = await self.choose_delegations(room, prompter)
        try:
            room.engine.inject_news(text, audience, dated)
        except InputRejected as problem:
            await self.tell_host(room, f"Not read: {problem}")
            return
        names = room.cast.party_names()
        to = "all" if audience is None else ", ".join(names[seat] for seat in audience)
        await self.tell_host(room, f"The chair reads the news to {to} before the next turn.")

    async def choose_delegations(self, room: Room, ask: ChainlitPrompter) -> list[str]:
        chosen: list[str] = []
        names = room.cast.party_names()
        while True:
            left = {seat: name for seat, name in names.items() if seat not in chosen}
            if chosen:
                left = {"done": f"Done ({', '.join(names[s] for s in chosen)})", **left}
            pick = await ask.choose("Add a delegation:", left)
            if pick is None or pick == "done":
                return chosen
            chosen.append(pick)
            if len(chosen) == len(names):
                return chosen

    async def handover(self, room: Room) -> None:
        """Give a person's seat to the model from the next turn (they watch on); the transcript says when."""
        people = room.people()
        options = {seat: f"{room.cast.delegations[seat].short_name} ({m.name})" for seat, m in people.items()}
        if not options:
            await self.tell_host(room, "No seat is held by a person.")
            return
        seat = await ask(room.cast).choose("Hand which seat to the model?", options)
        if seat is None or room.prepared is None:
            return
        member = people[seat]
        room.engine.hand_seat(seat, model_seat(room.prepared, self.pool, seat, room.model))
        member.left = True
        who = room.cast.delegations[seat].short_name
        await self.tell_host(room, f"The model holds {who} from the next turn.")

        async def tell_member() -> None:
            text = f"The host handed **{who}** to the model from the next turn. You can watch on."
            await cl.Message(author=room.cast.chair.short_name, content=text).send()

        await through(member.line, tell_member)
        await self.show_board(room)
