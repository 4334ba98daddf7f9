"""The Chainlit app: join a session as any delegation (or watch), in the browser.

It only translates: the engine runs the talks, ``Presenter`` decides what each event looks
like, ``ChainlitPrompter`` asks the person, ``HumanDelegate`` holds their seat.
Run it with ``parley ui``; the top-level ``app.py`` imports this module for Chainlit.
"""

from __future__ import annotations

import chainlit as cl
from chainlit.config import config as chainlit_config
from chainlit.data import get_data_layer as get_data_layer_instance
from chainlit.server import app as chainlit_app
from chainlit.types import ThreadDict

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
    seat = await ask_seat(cast)
    model = await ask_model(cast) if seat else None
    if seat is None or model is None:
        await cl.Message(content="No seat chosen in time. Start a new chat to try again.").send()
        return
    await name_thread(cast, seat)
    await play(cast, None if seat == OBSERVER else seat, model)


async def name_thread(cast: Cast, seat: str) -> None:
    """Name the conversation in the history after the scenario and the seat (not after the button)."""
    layer = get_data_layer_instance()
    if layer is not None:
        who = "observer" if seat == OBSERVER else cast.delegations[seat].short_name
        await layer.update_thread(thread_id=cl.context.session.thread_id, name=f"{cast.scenario.id}: {who}")


def seat_person(cast: Cast, seat: str, model: str) -> HumanDelegate:
    advisor_model = POOL.get(model).model

    async def advisor(context: TurnContext):
        return await advise(advisor_model, context)

    async def planner(context: PlanContext) -> PlanResult:  # shown to the person as a private plan event
        return await suggest_plan(advisor_model, context)

    prompter = ChainlitPrompter(cast.chair.short_name, cast.scenario.human_timeout_seconds, advisor)
    user = cl.user_session.get("user")
    label = f"person ({user.identifier})" if user else "person"
    return HumanDelegate(seat, prompter, cast.scenario.human_timeout_seconds, label=label, planner=planner)


async def play(cast: Cast, seat: str | None, model: str) -> None:
    seats = {seat: seat_person(cast, seat, model)} if seat else {}
    options = RunSettings(scenario=cast.scenario.id, model=model, out=SETTINGS.out)
    prepared = prepare(options, POOL, CATALOG, seats)
    cl.user_session.set("session", prepared.session)
    cl.user_session.set("session_id", prepared.session.session_id)  # the one session this conversation may review
    cl.user_session.set("seat", seat)
    page = Page(Presenter(cast, seat))
    page.narrow = cl.user_session.get("narrow")  # told by the page's script (agents/ui/client.py)
    cl.user_session.set("page", page)
    await page.open(cast, seat)
    transcript = await run_prepared(prepared, page.show_event)
    await page.close(transcript, prepared.writer)


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
    cl.user_session.set("read_only", True)
