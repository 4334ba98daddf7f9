"""What the single-person app and the rooms share about one browser conversation and its seat.

A person's seat is a ``HumanDelegate`` asking through a ``ChainlitPrompter`` on that person's
``Line``, with the advisor of the model that plays the others; ``remember`` stores in the
conversation's Chainlit session what its callbacks (the floor button, *Review*, typing) need.
"""

from __future__ import annotations

import chainlit as cl
from chainlit.data import get_data_layer
from chainlit.user import PersistedUser, User

from agents.core.catalog import Cast
from agents.delegates.advisor import advise, suggest_plan
from agents.delegates.base import PlanContext, PlanResult, TurnContext
from agents.delegates.human import HumanDelegate
from agents.llm.factory import ModelPool
from agents.ui.prompter import ChainlitPrompter
from agents.ui.rejoin import Line, LiveSession


def identifier(user: User | PersistedUser | None) -> str | None:
    return user.identifier if user else None


def current_user() -> str | None:
    """The logged-in user of the conversation in the current context (None without login)."""
    return identifier(cl.user_session.get("user"))


def seat_person(
    pool: ModelPool, cast: Cast, seat: str, model: str, line: Line, user: str | None, answer_seconds: int
) -> HumanDelegate:
    """A person's seat: asked on their own page through ``line``, advised by ``model``."""
    advisor_model = pool.get(model).model

    async def advisor(context: TurnContext):
        return await advise(advisor_model, context)

    async def planner(context: PlanContext) -> PlanResult:  # shown to the person as a private plan event
        return await suggest_plan(advisor_model, context)

    prompter = ChainlitPrompter(cast.chair.short_name, answer_seconds, advisor, line)
    label = f"person ({user})" if user else "person"
    return HumanDelegate(seat, prompter, answer_seconds, label=label, planner=planner)


def remember(live: LiveSession) -> None:
    """What this browser session's callbacks (floor, review, typing) need to know of ``live``."""
    cl.user_session.set("session", live.engine)
    cl.user_session.set("session_id", live.session_id)  # the one session this conversation may review
    cl.user_session.set("seat", live.seat)
    cl.user_session.set("read_only", False)
    cl.user_session.set("page", live.page)


async def name_thread(name: str) -> None:
    """Name this conversation in the history (Chainlit names it after the first button pressed)."""
    layer = get_data_layer()
    if layer is not None:
        await layer.update_thread(thread_id=cl.context.session.thread_id, name=name)
