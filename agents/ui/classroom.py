"""The rooms in the web app: host one, join one, start it, come back to it.

The rules of rooms and the fan-out are in ``agents.ui.rooms``; this module asks and shows,
in Chainlit. Whatever is sent to one member is sent from a task of its own that has entered
that member's ``Line`` (``through``), so a callback of one browser never leaves the Chainlit
context of another behind it.

The host's conversation is the instructor's page: the room's board (code, link, who sits
where) with its controls (``agents.ui.instructor``). The host may take a seat as well, or
only run the room, seeing what an observer sees.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import chainlit as cl
from chainlit.config import config as chainlit_config
from chainlit.context import ChainlitContext, get_context

from agents.core.catalog import Cast, Catalog
from agents.llm.factory import ModelPool
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript
from agents.ui.client import RoomLink
from agents.ui.conversation import current_user, name_thread, remember, seat_person
from agents.ui.instructor import CONTROLS, Instructor
from agents.ui.instructor import ask as ask_host
from agents.ui.page import Page
from agents.ui.presenter import Presenter
from agents.ui.prompter import ChainlitPrompter
from agents.ui.rejoin import Line, LiveSession, LiveSessions, current_chainlit_steps
from agents.ui.rooms import Member, Outbox, Room, RoomError, Rooms, normalise_code, through
from agents.ui.settings import UiSettings

log = logging.getLogger(__name__)
HOST_CHOICE, JOIN_CHOICE = "room-host", "room-join"
ROOM_CHOICES = {HOST_CHOICE: "Host a room (a class at one table)", JOIN_CHOICE: "Join a room (code)"}
OBSERVE, INSTRUCTOR_ONLY = "observer", "instructor"
ANSWER_TIMES = {"120": "2 minutes", "300": "5 minutes", "600": "10 minutes"}
SHORT_PHASE_TURNS = 2
LENGTHS = {"short": f"Short: every phase, {SHORT_PHASE_TURNS} turns each", "full": "Full session"}
NOT_IN_TIME = "no answer in time. Start a new chat to try again."


@dataclass
class Classroom:
    """The rooms of this server and what the app's callbacks do with them."""

    pool: ModelPool
    catalog: Catalog
    settings: UiSettings
    live: LiveSessions
    rooms: Rooms = field(default_factory=Rooms)
    boards: dict[str, cl.Message] = field(default_factory=dict)  # by room code: the board on the host's page

    def __post_init__(self) -> None:
        self.instructor = Instructor(self.pool, self.show_board)

    def install(self) -> None:
        """Register *Start* and the instructor's controls as Chainlit action callbacks."""
        cl.action_callback("room_start")(self.on_start)
        for name, handler in self.instructor.handlers().items():
            cl.action_callback(name)(self.as_host(handler))

    # --- hosting and joining -------------------------------------------------------------

    async def host(self, cast: Cast, model: str) -> None:
        """Ask the room's settings, open it, and show the host its board."""
        ask = ask_host(cast)
        answer_time = await ask.choose("How long may each person take to answer?", ANSWER_TIMES)
        length = await ask.choose("How long a session?", LENGTHS) if answer_time else None
        seats = {**cast.party_names(), INSTRUCTOR_ONLY: "No seat: only run the room"}
        seat = await ask.choose("Do you take a seat yourself?", seats) if length else None
        if seat is None or answer_time is None:
            await cl.Message(content=f"The room was not opened: {NOT_IN_TIME}").send()
            return
        host = self.new_member()
        phase_turns = SHORT_PHASE_TURNS if length == "short" else None
        room = self.rooms.create(cast, model, int(answer_time), phase_turns, host)
        room.take_seat(host, None if seat == INSTRUCTOR_ONLY else seat)
        await name_thread(f"{cast.scenario.id}: room {room.code}, host")
        cl.user_session.set("room", room.code)
        await self.show_board(room)

    def new_member(self) -> Member:
        """The person of the current conversation, as a member (not yet in a room)."""
        user = current_user()
        context = get_context()
        parent = context.current_step.id if context.current_step else None
        name = user or f"guest {context.session.id[:6]}"  # without login: told apart by their connection
        line = Line(context, steps=current_chainlit_steps())  # see ``Line``: sent from other members' tasks
        return Member(name, user, line, context.session.thread_id, parent_id=parent)

    async def join_by_code(self, cast: Cast) -> None:
        answer = await cl.AskUserMessage(
            content="Type the room's code (the host's page shows it).",
            author=cast.chair.short_name,
            timeout=cast.scenario.human_timeout_seconds,
        ).send()
        if answer is None:
            await cl.Message(content="No code given in time. Start a new chat to try again.").send()
            return
        await self.follow(cast, RoomLink(normalise_code(answer["output"])))

    async def follow(self, cast: Cast, link: RoomLink) -> None:
        """Come into a room by its link or code: back to one's own place with a key, else take a seat."""
        if link.key:
            found = self.rooms.by_key(link.code, link.key)
            if found is not None:
                await self.come_back(*found, get_context())
                return
        try:
            room = self.rooms.get(link.code)
        except RoomError as problem:
            await cl.Message(author=cast.chair.short_name, content=f"{problem} Start a new chat to try again.").send()
            return
        if link.key:  # someone's way back that brings nobody back: never a new place instead
            text = (
                f"This link's key is not one of room **{room.code}**'s: it brings nobody back to a place. "
                "To join the room, open its link without a key (the host's page shows it)."
            )
            await cl.Message(author=cast.chair.short_name, content=text).send()
            return
        await self.take_a_place(room)

    async def take_a_place(self, room: Room) -> None:
        """Choose a free seat (or watch); once the session runs, only watching is left."""
        chair = room.cast.chair.short_name
        member = self.new_member()
        names = room.cast.party_names()
        options = {seat: names[seat] for seat in room.free_seats()} if room.state == "waiting" else {}
        options[OBSERVE] = "Observer (watch only)"
        while True:
            text = f"**Room {room.code}**: {room.cast.scenario.title}. Choose a free seat, or watch."
            choice = await ChainlitPrompter(chair, room.cast.scenario.human_timeout_seconds).choose(text, options)
            if choice is None:
                await cl.Message(content="No seat chosen in time. Start a new chat to try again.").send()
                return
            try:
                if choice == OBSERVE:
                    room.watch(member)
                else:
                    room.take_seat(member, choice)
                late = room.state == "running"  # else ``start`` opens this member's page with everyone's
                break
            except RoomError as problem:  # taken meanwhile, or the session started
                await cl.Message(author=chair, content=str(problem)).send()
                options.pop(choice, None)
        cl.user_session.set("room", room.code)
        who = names[member.seat] if member.seat else "observer"
        await name_thread(f"{room.cast.scenario.id}: room {room.code}, {who}")
        await cl.Message(author=chair, content=self.welcome(room, member)).send()
        if late:
            await self.open_page(room, member)
        await self.show_board(room)

    def welcome(self, room: Room, member: Member) -> str:
        where = f"as **{room.cast.delegations[member.seat].short_name}**" if member.seat else "as an observer"
        text = f"You are in room **{room.code}** {where}."
        if room.state == "waiting":
            text += " The session starts when the host starts it."
        if member.user is None:
            text += f" Your own way back to this place: [{self.link(room, member.key)}]({self.link(room, member.key)})."
        return text

    def link(self, room: Room, key: str | None = None) -> str:
        root = chainlit_config.run.root_path or ""
        return f"{root}/?room={room.code}" + (f"&key={key}" if key else "")

    # --- the host's board ----------------------------------------------------------------

    def board_markdown(self, room: Room) -> str:
        length = "full session" if room.phase_turns is None else f"every phase, {room.phase_turns} turns each"
        lines = [
            f"## Room {room.code}",
            f"**{room.cast.scenario.title}**. Join code **{room.code}**, link [{self.link(room)}]({self.link(room)}).",
            "",
            f"Empty seats: model `{room.model}`. Answer time {room.answer_seconds // 60} min; {length}.",
            "",
            "| Delegation | Held by |",
            "|---|---|",
            *(f"| {seat} | {holder} |" for seat, holder in room.seat_list()),
            "",
            f"Observers: {len(room.observers()) - (1 if room.host.seat is None else 0)}. State: {room.state}.",
        ]
        if room.host.user is None:
            lines.append(f"\nYour own link back to these controls (keep it private): {self.link(room, room.host.key)}")
        return "\n".join(lines)

    async def show_board(self, room: Room) -> None:
        """The board on the host's page, with the controls for the room's state: *Start* while it
        waits, the instructor's once it runs. The last board is taken down first, so the page
        shows one (Chainlit's ``update`` of a message sent from another task adds a copy)."""
        board = self.board_markdown(room)
        if room.state == "waiting":
            actions = [cl.Action(name="room_start", payload={"room": room.code}, label="Start the session")]
        else:
            actions = [cl.Action(name=name, payload={"room": room.code}, label=text) for name, text in CONTROLS.items()]

        async def post() -> None:
            previous = self.boards.pop(room.code, None)
            if previous is not None:
                await previous.remove()
            posted = cl.Message(author=room.cast.chair.short_name, content=board, actions=actions)
            self.boards[room.code] = posted
            await posted.send()

        await through(room.host.line, post)

    def hosted_room(self, payload: dict) -> Room | None:
        """The room this conversation hosts, if the action names it."""
        try:
            room = self.rooms.get(str(payload.get("room", "")))
        except RoomError:
            return None
        return room if room.host.line.context.session.id == cl.context.session.id else None

    def as_host(self, handler: Callable[[Room], Awaitable[None]]) -> Callable[[cl.Action], Awaitable[None]]:
        async def callback(action: cl.Action) -> None:
            room = self.hosted_room(action.payload)
            if room is None or room.state != "running":
                await cl.Message(content="Only the host of a running room has these controls.").send()
                return
            try:
                await handler(room)
            finally:
                # A typed answer (the news) leaves the page waiting for the end of a task that the
                # answer did not start; until told, it keeps every button disabled.
                await cl.context.emitter.task_end()

        return callback

    # --- running ---------------------------------------------------------------------------

    async def on_start(self, action: cl.Action) -> None:
        room = self.hosted_room(action.payload)
        if room is None or room.state != "waiting":
            await cl.Message(content="Only the host can start this room, once.").send()
            return
        await action.remove()
        await self.start(room)

    async def start(self, room: Room) -> None:
        """Seat the people, give the empty seats to the model, open every page and run the session."""
        people = room.people()
        seats = {
            seat: seat_person(self.pool, room.cast, seat, room.model, m.line, m.user, room.answer_seconds)
            for seat, m in people.items()
        }
        options = RunSettings(
            scenario=room.cast.scenario.id, model=room.model, out=self.settings.out, phase_turns=room.phase_turns
        )
        room.prepared = prepare(options, self.pool, self.catalog, seats)
        room.state = "running"
        for member in list(room.members):
            await self.open_page(room, member)
        await self.show_board(room)
        room.task = asyncio.create_task(self.run(room))

    async def open_page(self, room: Room, member: Member) -> None:
        """Open ``member``'s page (greeting, brief, draft) and start fanning events out to it."""
        page = member.page = Page(Presenter(room.cast, member.seat))
        live = self.live_of(room, member)

        async def opened() -> None:
            page.narrow = cl.user_session.get("narrow")
            remember(live)
            await page.open(room.cast, member.seat, observing=self.observing(room, member))

        await through(member.line, opened)
        self.live.add(live)
        member.outbox = Outbox(member.line, page.show_event)
        if room.last_draft is not None:  # joined late: the draft as it stands
            member.outbox.put(room.last_draft)

    def observing(self, room: Room, member: Member) -> str:
        names = room.cast.party_names()
        people = ", ".join(f"{names[seat]} ({person.name})" for seat, person in room.people().items())
        held = f"People hold {people}; the model plays the others." if people else "The model plays every seat."
        if member is room.host:
            sees = "you see what an observer sees (the table; no side meeting, no brief)"
            return f"You run room **{room.code}**: {sees}. {held}"
        return f"You are observing room **{room.code}**: you see what is said at the table. {held}"

    async def run(self, room: Room) -> Transcript:
        """Run the session to its end, then give every member the outcome and their files."""
        assert room.prepared is not None
        prepared = room.prepared
        try:
            transcript = await run_prepared(prepared, room.fan_out)
        except Exception:  # the transcript is written however the run ends; members still get it
            log.exception("room %s: the session stopped", room.code)
            transcript = prepared.writer.transcript
        finally:
            self.rooms.close(room)
            self.boards.pop(room.code, None)
        for member in room.members:
            await self.finish_page(member, transcript, room)
        return transcript

    async def finish_page(self, member: Member, transcript: Transcript, room: Room) -> None:
        assert room.prepared is not None
        writer = room.prepared.writer
        if member.outbox is not None:
            await member.outbox.close()
        page = member.page
        if page is not None:
            try:
                await through(member.line, lambda: page.close(transcript, writer))
            except Exception:
                log.exception("room %s: could not show the outcome to %s", room.code, member.name)
        found = self.live.find(member.thread_id, member.user)
        if found is not None:
            self.live.remove(found)

    # --- coming back ---------------------------------------------------------------------

    async def come_back(self, room: Room, member: Member, context: ChainlitContext) -> None:
        """``member`` is back on a new connection (a reload, a link with their key): re-point their line."""
        member.line.hold()
        if context.session.thread_id != member.thread_id:
            # A new conversation (a key's link): its page never had the old one's steps, and
            # drops a message hanging under a step it lacks, so what is sent hangs under its own.
            member.line.steps = current_chainlit_steps()
            member.parent_id = context.current_step.id if context.current_step else None
        try:
            page = member.page
            if page is not None and room.prepared is not None:
                remember(self.live_of(room, member))
                await page.refresh_side_panel()
            cl.user_session.set("room", room.code)
            where = room.cast.delegations[member.seat].short_name if member.seated and member.seat else "an observer"
            text = f"You are back in room **{room.code}** as {where}."
            await cl.Message(author=room.cast.chair.short_name, content=text, parent_id=member.parent_id).send()
        finally:
            member.line.attach(context)
        if member is room.host:
            await self.show_board(room)

    def live_of(self, room: Room, member: Member) -> LiveSession:
        assert room.prepared is not None and member.page is not None
        return LiveSession(
            thread_id=member.thread_id,
            name=f"{room.cast.scenario.id}: room {room.code}",
            user=member.user,
            seat=member.seat,
            session_id=room.prepared.session.session_id,
            line=member.line,
            engine=room.prepared.session,
            page=member.page,
            parent_id=member.parent_id,
        )
