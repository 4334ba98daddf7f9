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
from chainlit.data import get_data_layer as get_data_layer_instance
from chainlit.server import app as chainlit_app
from chainlit.server import sio
from chainlit.session import WebsocketSession
from chainlit.types import ThreadDict
from chainlit.user import PersistedUser, User

from agents.core.catalog import Cast, Catalog
from agents.delegates.advisor import advise, suggest_plan
from agents.delegates.base import PlanContext, PlanResult, TurnContext
from agents.delegates.human import HumanDelegate
from agents.llm.factory import ModelPool, ModelSettings
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.ui.client import install as install_client
from agents.ui.client import on_client_message
from agents.ui.page import OBSERVER_VIEW, Page
from agents.ui.persistence import data_layer
from agents.ui.presenter import Presenter, landing_markdown
from agents.ui.prompter import ChainlitPrompter
from agents.ui.rejoin import Handler, Line, LiveSession, LiveSessions, wrap_socket_handler
from agents.ui.reopen import show_ending
from agents.ui.review import REVIEW_ACTION, show_review
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
    options = {**cast.party_names(), OBSERVER: "Observer (watch only)"}
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
    await point_to_running(cast, identifier(cl.user_session.get("user")))
    seat = await ask_seat(cast)
    model = await ask_model(cast) if seat else None
    if seat is None or model is None:
        await cl.Message(content="No seat chosen in time. Start a new chat to try again.").send()
        return
    await name_thread(cast, seat)
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


async def name_thread(cast: Cast, seat: str) -> None:
    """Name this conversation in the history (Chainlit names it after the first button pressed)."""
    layer = get_data_layer_instance()
    if layer is not None:
        await layer.update_thread(thread_id=cl.context.session.thread_id, name=conversation_name(cast, seat))


def seat_person(cast: Cast, seat: str, model: str, line: Line) -> HumanDelegate:
    advisor_model = POOL.get(model).model

    async def advisor(context: TurnContext):
        return await advise(advisor_model, context)

    async def planner(context: PlanContext) -> PlanResult:  # shown to the person as a private plan event
        return await suggest_plan(advisor_model, context)

    prompter = ChainlitPrompter(cast.chair.short_name, cast.scenario.human_timeout_seconds, advisor, line)
    user = identifier(cl.user_session.get("user"))
    label = f"person ({user})" if user else "person"
    return HumanDelegate(seat, prompter, cast.scenario.human_timeout_seconds, label=label, planner=planner)


def identifier(user: User | PersistedUser | None) -> str | None:
    return user.identifier if user else None


async def play(cast: Cast, seat: str | None, model: str) -> None:
    line = Line(get_context())  # every send goes through it: a reload or a reconnect re-points it
    seats = {seat: seat_person(cast, seat, model, line)} if seat else {}
    options = RunSettings(scenario=cast.scenario.id, model=model, out=SETTINGS.out)
    prepared = prepare(options, POOL, CATALOG, seats)
    page = Page(Presenter(cast, seat))
    page.narrow = cl.user_session.get("narrow")  # told by the page's script (agents/ui/client.py)
    live = LiveSession(
        thread_id=cl.context.session.thread_id,
        name=conversation_name(cast, seat),
        user=identifier(cl.user_session.get("user")),
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


def remember(live: LiveSession) -> None:
    """What this browser session's callbacks (floor, review, typing) need to know of ``live``."""
    cl.user_session.set("session", live.engine)
    cl.user_session.set("session_id", live.session_id)  # the one session this conversation may review
    cl.user_session.set("seat", live.seat)
    cl.user_session.set("read_only", False)
    cl.user_session.set("page", live.page)


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
    if LIVE.find(thread["id"], identifier(cl.user_session.get("user"))) is not None:
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
