"""The Chainlit app: join a session as any delegation (or watch), in the browser.

It only translates: the engine runs the talks, ``Presenter`` decides what each event looks
like, ``ChainlitPrompter`` asks the person, ``HumanDelegate`` holds their seat.
Run it with ``parley ui``; the top-level ``app.py`` imports this module for Chainlit.

A running session belongs to its conversation, not to one browser connection: it is kept in
``LIVE`` and a reload or a dropped socket rejoins it (``agents.ui.rejoin``). Reopening a
finished one rebuilds its ending from the transcript (``agents.ui.reopen``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import chainlit as cl
from chainlit.config import config as chainlit_config
from chainlit.context import ChainlitContext, get_context, init_ws_context
from chainlit.server import app as chainlit_app
from chainlit.server import sio
from chainlit.session import WebsocketSession
from chainlit.types import ThreadDict

from agents.core.catalog import Cast, Catalog
from agents.llm.factory import ModelPool, ModelSettings
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.ui.classroom import HOST_CHOICE, JOIN_CHOICE, ROOM_CHOICES, Classroom
from agents.ui.client import install as install_client
from agents.ui.client import on_client_message, wait_for_hello
from agents.ui.conversation import current_user, identifier, name_thread, remember, seat_person
from agents.ui.page import OBSERVER_VIEW, Page
from agents.ui.persistence import data_layer
from agents.ui.presenter import Presenter, landing_markdown
from agents.ui.prompter import ChainlitPrompter
from agents.ui.rejoin import Handler, Line, LiveSession, LiveSessions, wrap_socket_handler
from agents.ui.reopen import show_ending
from agents.ui.review import REVIEW_ACTION, show_review
from agents.ui.rooms import Member, Room
from agents.ui.settings import UiSettings
from agents.ui.web import harden

OBSERVER = "observer"
DEFAULT_SCENARIO = "six-party-2003"
SETTINGS = UiSettings.from_env()
CATALOG = Catalog()
POOL = ModelPool(ModelSettings())  # one per server process: the local model starts once
harden(chainlit_app, chainlit_config, SETTINGS.origins)  # no uploads, CORS for this server, login limits
install_client(chainlit_config)  # Parley's script on the page: floor and panel controls, countdown
cl.on_window_message(on_client_message)
LIVE = LiveSessions()  # the sessions running in this process, by conversation
CLASSROOM = Classroom(POOL, CATALOG, SETTINGS, LIVE)  # rooms: several people at one table
CLASSROOM.install()
AFTER_RESUME: dict[str, Callable[[], Awaitable[None]]] = {}  # by Chainlit session: once the thread is on the page


@cl.data_layer
def get_data_layer():
    return data_layer(SETTINGS.db_path)


if SETTINGS.auth_enabled:

    @cl.password_auth_callback
    async def login(username: str, password: str) -> cl.User | None:
        if SETTINGS.check_password(username, password):
            return cl.User(identifier=username, metadata={"role": "delegate", "provider": "credentials"})
        return None


@cl.set_chat_profiles
async def chat_profiles(current_user: cl.User | None = None, language: str | None = None) -> list[cl.ChatProfile]:
    profiles = []
    names = sorted((path.stem for path in CATALOG.scenario_paths()), key=lambda name: name != DEFAULT_SCENARIO)
    for name in names:
        scenario = CATALOG.cast(name).scenario
        description = (
            f"**{scenario.title}**\n\n{scenario.venue}, {scenario.date}. Parties: {', '.join(scenario.parties)}."
        )
        profiles.append(cl.ChatProfile(name=scenario.id, display_name=scenario.id, markdown_description=description))
    return profiles


async def ask_seat(cast: Cast) -> str | None:
    chooser = ChainlitPrompter(cast.chair.short_name, cast.scenario.human_timeout_seconds)
    options = {**cast.party_names(), OBSERVER: "Observer (watch only)", **ROOM_CHOICES}
    return await chooser.choose(landing_markdown(cast.scenario.title), options)


async def ask_model(cast: Cast) -> str | None:
    if len(SETTINGS.models) == 1:
        return SETTINGS.models[0]
    chooser = ChainlitPrompter(cast.chair.short_name, cast.scenario.human_timeout_seconds)
    return await chooser.choose("Which model plays the other delegations?", {m: m for m in SETTINGS.models})


@cl.on_chat_start
async def start() -> None:
    scenario_id = cl.user_session.get("chat_profile") or DEFAULT_SCENARIO
    cast = CATALOG.cast(scenario_id)
    link = await wait_for_hello()  # the page says whether it was opened with a room's link
    if link is not None:
        await CLASSROOM.follow(cast, link)
        return
    await point_to_running(cast, current_user())
    seat = await ask_seat(cast)
    if seat == JOIN_CHOICE:
        await CLASSROOM.join_by_code(cast)
        return
    model = await ask_model(cast) if seat else None
    if seat is None or model is None:
        await cl.Message(content="No seat chosen in time. Start a new chat to try again.").send()
        return
    if seat == HOST_CHOICE:
        await CLASSROOM.host(cast, model)
        return
    await name_thread(conversation_name(cast, seat))
    await play(cast, None if seat == OBSERVER else seat, model)


async def point_to_running(cast: Cast, user: str | None) -> None:
    """Show a user who opens a new chat the way back to their sessions still running.

    A reload where the address stayed ``/`` (a narrow window has no history sidebar, which is
    what moves it to the conversation's address) opens a new chat: choosing a seat again would
    start a second session, and list a second conversation in the history.
    """
    running = LIVE.of_user(user) if user is not None else []  # without login there is no history to reopen
    if running:
        root = chainlit_config.run.root_path
        links = ", ".join(f"[{live.name}]({root}/thread/{live.thread_id})" for live in running)
        text = f"Still running: {links}. Open it from the history to take your seat again, or choose one below."
        await cl.Message(author=cast.chair.short_name, content=text).send()


def conversation_name(cast: Cast, seat: str | None) -> str:
    """The conversation's name in the history: the scenario and the seat (not the button pressed first)."""
    who = "observer" if seat in (None, OBSERVER) else cast.delegations[seat].short_name
    return f"{cast.scenario.id}: {who}"


async def play(cast: Cast, seat: str | None, model: str) -> None:
    line = Line(get_context())  # every send goes through it: a reload or a reconnect re-points it
    timeout = cast.scenario.human_timeout_seconds
    seats = {seat: seat_person(POOL, cast, seat, model, line, current_user(), timeout)} if seat else {}
    options = RunSettings(scenario=cast.scenario.id, model=model, out=SETTINGS.out, phase_turns=SETTINGS.phase_turns)
    prepared = prepare(options, POOL, CATALOG, seats)
    page = Page(Presenter(cast, seat))
    page.narrow = cl.user_session.get("narrow")  # told by the page's script (agents/ui/client.py)
    live = LiveSession(
        thread_id=cl.context.session.thread_id,
        name=conversation_name(cast, seat),
        user=current_user(),
        seat=seat,
        session_id=prepared.session.session_id,
        line=line,
        engine=prepared.session,
        page=page,
        parent_id=cl.context.current_step.id if cl.context.current_step else None,
    )
    remember(live)
    LIVE.add(live)
    try:
        await line.enter()
        await page.open(cast, seat)

        async def show(event) -> None:
            await line.enter()
            await page.show_event(event)

        transcript = await run_prepared(prepared, show)
        await line.enter()
        await page.close(transcript, prepared.writer)
    finally:
        LIVE.remove(live)


@cl.action_callback(REVIEW_ACTION)
async def review(action: cl.Action) -> None:
    own_session = cl.user_session.get("session_id")
    viewer = cl.user_session.get("seat") or OBSERVER_VIEW
    author = review_author()
    await show_review(SETTINGS.out, action.payload, own_session, POOL, CATALOG, author, viewer, SETTINGS.judge)


def review_author() -> str:
    scenario_id = cl.user_session.get("chat_profile") or DEFAULT_SCENARIO
    return CATALOG.cast(scenario_id).chair.short_name


@cl.action_callback("request_floor")
async def request_floor(action: cl.Action) -> None:
    session, seat = cl.user_session.get("session"), cl.user_session.get("seat")
    if session is not None and seat is not None:
        session.request_floor(seat)


@cl.on_message
async def on_message(message: cl.Message) -> None:
    if cl.user_session.get("read_only"):
        text = "This is a past session, shown read-only. Start a new chat to negotiate again."
    else:
        text = "It is not your turn. Use **Ask for the floor**, and answer when the chair gives it to you."
    await cl.Message(content=text).send()


@cl.on_chat_resume
async def on_resume(thread: ThreadDict) -> None:
    user = current_user()
    if LIVE.find(thread["id"], user) is not None or CLASSROOM.rooms.member(user, thread["id"]) is not None:
        return  # still running: the browser rejoins it once Chainlit has sent the conversation (rejoin_on_connect)
    cl.user_session.set("read_only", True)
    session_id, seat = cl.user_session.get("session_id"), cl.user_session.get("seat")
    AFTER_RESUME[cl.context.session.id] = lambda: show_ending(thread, SETTINGS.out, CATALOG, session_id, seat)


async def rejoin_on_connect(sid: str, chainlit_handler: Handler) -> None:
    """Chainlit's own connection handler; then, if this conversation's session runs here, rejoin it.

    The line is held meanwhile, so that the engine's next page updates wait for the new page
    instead of going to the old one while Chainlit sends the conversation so far. A resumed
    finished conversation gets its ending once the conversation is on the page.
    """
    session = WebsocketSession.get(sid)
    in_room = CLASSROOM.rooms.member(identifier(session.user), session.thread_id) if session else None
    if in_room is not None:
        await rejoin_room(sid, chainlit_handler, session, *in_room)
        return
    live = LIVE.find(session.thread_id, identifier(session.user)) if session else None
    if live is not None and live.user is None and live.line.context.session is not session:
        live = None  # without login, only the connection that started the session may come back to it
    if live is not None:
        live.line.hold()
    try:
        await chainlit_handler(sid)
    finally:
        if live is not None:
            await rejoin(live, init_ws_context(session))
    follow_up = AFTER_RESUME.pop(session.id, None) if session else None
    if follow_up is not None:
        init_ws_context(session)
        await follow_up()


async def rejoin_room(sid: str, chainlit_handler: Handler, session: WebsocketSession, room: Room, member: Member):
    """A room member's conversation reconnects: as ``rejoin_on_connect``, through the room."""
    member.line.hold()
    try:
        await chainlit_handler(sid)
    finally:
        await CLASSROOM.come_back(room, member, init_ws_context(session))


async def rejoin(live: LiveSession, context: ChainlitContext) -> None:
    """Attach ``live`` to this connection: its callbacks' values, the side panel, a word, then the question again."""
    try:
        remember(live)
        await live.page.refresh_side_panel()
        chair = live.page.presenter.cast.chair.short_name
        if live.seat is not None:
            who = live.page.presenter.cast.delegations[live.seat].short_name
            floor = cl.Action(name="request_floor", payload={"seat": live.seat}, label="Ask for the floor")
            text = f"You are back in your seat as **{who}**. The session went on; it waits for you where you were."
            await cl.Message(author=chair, content=text, actions=[floor], parent_id=live.parent_id).send()
        else:
            text = "You are back: the session went on while you were away."
            await cl.Message(author=chair, content=text, parent_id=live.parent_id).send()
    finally:
        live.line.attach(context)  # whatever failed above, the engine must not wait for ever


wrap_socket_handler(sio, "connection_successful", rejoin_on_connect)
