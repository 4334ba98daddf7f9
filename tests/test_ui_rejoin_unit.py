"""Rejoining a running session without a browser: the line, the question asked again, the registry.

``Line`` is given its own context variable here in place of Chainlit's, and questions are
fakes with Chainlit's ``send``/``remove`` shape, so every step is visible to the test.
"""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from agents.core.moves import Move
from agents.delegates.human import HumanDelegate
from agents.ui.rejoin import Line, LiveSession, LiveSessions, ask_through, wrap_socket_handler

ATTACHED: contextvars.ContextVar[str] = contextvars.ContextVar("attached", default="none")


class Page:
    """Stands for one browser connection: the questions asked on it, answered by the test."""

    def __init__(self, name: str):
        self.name = name
        self.asked: list[FakeQuestion] = []


class FakeQuestion:
    """A question as Chainlit's ask-messages behave: ``send`` waits for the answer; ``remove`` takes it down."""

    pages: dict[str, Page] = {}

    def __init__(self, text: str):
        self.text = text
        self.page = self.pages[ATTACHED.get()]  # built in the context the line entered
        self.answer: asyncio.Future = asyncio.get_running_loop().create_future()
        self.sent_on: str | None = None
        self.cancelled = False
        self.removed_on: str | None = None

    async def send(self):
        self.sent_on = ATTACHED.get()  # the task asking runs in that context too
        self.page.asked.append(self)
        try:
            return await self.answer
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    async def remove(self):
        self.removed_on = ATTACHED.get()


@pytest.fixture
def pages():
    FakeQuestion.pages = {name: Page(name) for name in ("old", "new", "newer")}
    return FakeQuestion.pages


def line_on(name: str) -> Line:
    return Line(name, use=ATTACHED.set)


async def asked_on(page: Page, count: int = 1) -> FakeQuestion:
    """The ``count``-th question asked on ``page``, once it is there (the asking task runs first)."""
    for _ in range(100):
        if len(page.asked) >= count:
            return page.asked[count - 1]
        await asyncio.sleep(0)  # let the asking task run: a turn of the loop, no wall-clock wait
    raise AssertionError(f"no question {count} was asked on the {page.name} page")


async def test_without_a_line_the_question_is_asked_once_where_we_are(pages):
    ATTACHED.set("old")
    asking = asyncio.ensure_future(ask_through(None, lambda: FakeQuestion("Choose your move:")))
    question = await asked_on(pages["old"])
    question.answer.set_result("statement")
    assert await asking == "statement"


async def test_a_question_pending_when_the_browser_comes_back_is_asked_again_there(pages):
    line = line_on("old")
    asking = asyncio.ensure_future(ask_through(line, lambda: FakeQuestion("Choose your move:")))
    first = await asked_on(pages["old"])
    line.attach("new")
    second = await asked_on(pages["new"])
    assert first.cancelled and first.removed_on == "new"  # taken down from the new page and the history
    assert second.sent_on == "new" and second.text == first.text
    second.answer.set_result("statement")
    assert await asking == "statement"
    assert pages["old"].asked == [first]  # asked once on each page


async def test_each_new_connection_gets_the_question_again(pages):
    line = line_on("old")
    asking = asyncio.ensure_future(ask_through(line, lambda: FakeQuestion("Type your statement:")))
    await asked_on(pages["old"])
    line.attach("new")
    second = await asked_on(pages["new"])
    line.attach("newer")
    third = await asked_on(pages["newer"])
    assert second.cancelled and second.removed_on == "newer"
    third.answer.set_result({"output": "We ask for a forum."})
    assert await asking == {"output": "We ask for a forum."}


async def test_an_answer_given_before_the_move_is_kept(pages):
    line = line_on("old")
    asking = asyncio.ensure_future(ask_through(line, lambda: FakeQuestion("Choose your move:")))
    first = await asked_on(pages["old"])
    first.answer.set_result("yield")
    line.attach("new")  # the answer came first: nothing is asked again
    assert await asking == "yield"
    assert pages["new"].asked == [] and first.removed_on is None


async def test_a_time_out_of_the_seat_cancels_the_question_it_was_waiting_for(pages):
    line = line_on("old")
    asking = asyncio.ensure_future(ask_through(line, lambda: FakeQuestion("Choose your move:")))
    question = await asked_on(pages["old"])
    asking.cancel()  # what HumanDelegate's time limit does
    with pytest.raises(asyncio.CancelledError):
        await asking
    assert question.cancelled


async def test_a_held_line_makes_sends_wait_until_the_new_connection_is_attached():
    line = line_on("old")
    line.hold()
    assert line.held
    entered = asyncio.ensure_future(entered_context(line))
    await asyncio.sleep(0)
    assert not entered.done()  # waiting, not sending to the old connection
    line.attach("new")
    assert await entered == "new" and not line.held


async def entered_context(line: Line) -> str:
    await line.enter()
    return ATTACHED.get()


async def test_the_persons_answer_on_the_new_page_ends_the_engines_wait(pages):
    """Through ``HumanDelegate``: the move the engine gets is the one given on the page that came back."""
    line = line_on("old")

    class Prompter:
        async def ask_move(self, context):
            kind = await ask_through(line, lambda: FakeQuestion("Choose your move:"))
            return Move(kind=kind) if kind else None

        async def ask_ballot(self, context):
            return None

        async def tell(self, text):
            return None

    delegate = HumanDelegate("russia", Prompter(), timeout_seconds=60)
    turn = asyncio.ensure_future(delegate.take_turn(None, lambda text: None))
    await asked_on(pages["old"])
    line.attach("new")
    (await asked_on(pages["new"])).answer.set_result("yield")
    result = await turn
    assert result.move.kind == "yield" and result.note is None  # answered, not timed out


def live(thread: str, user: str | None) -> LiveSession:
    line = line_on("old")
    return LiveSession(thread, "six-party-2003: Russia", user, "russia", "s", line, None, None)  # type: ignore[arg-type]


def test_the_registry_finds_a_running_session_by_conversation_and_only_for_its_user():
    sessions = LiveSessions()
    alice = live("thread-1", "alice")
    sessions.add(alice)
    assert sessions.find("thread-1", "alice") is alice
    assert sessions.find("thread-1", "mallory") is None  # another user's session is never found
    assert sessions.find("thread-2", "alice") is None
    assert sessions.find(None, "alice") is None
    assert sessions.of_user("alice") == [alice] and sessions.of_user("mallory") == []
    sessions.remove(alice)
    assert sessions.find("thread-1", "alice") is None and len(sessions) == 0


def test_a_finished_session_does_not_remove_a_newer_one_in_its_conversation():
    sessions = LiveSessions()
    old, new = live("thread-1", None), live("thread-1", None)
    sessions.add(old)
    sessions.add(new)
    sessions.remove(old)
    assert sessions.find("thread-1", None) is new


async def test_the_socket_handler_wrapper_runs_chainlits_handler_inside_ours():
    calls: list[str] = []

    async def chainlit_handler(sid: str) -> None:
        calls.append(f"chainlit {sid}")

    class Server:
        handlers = {"/": {"connection_successful": chainlit_handler}}

        def on(self, event, handler):
            self.handlers["/"][event] = handler

    async def around(sid, handler):
        calls.append("before")
        await handler(sid)
        calls.append("after")

    server = Server()
    wrap_socket_handler(server, "connection_successful", around)
    await server.handlers["/"]["connection_successful"]("sid-1")
    assert calls == ["before", "chainlit sid-1", "after"]


async def test_a_reopened_finished_session_has_its_final_draft_brief_and_outcome(tmp_path, catalog):
    from agents.sessions.run import run_session
    from agents.sessions.settings import RunSettings
    from agents.ui.reopen import ending_page

    transcript = await run_session(RunSettings(model="scripted", seed=1, out=tmp_path))
    assert transcript.status == "complete" and transcript.draft and transcript.draft.clauses
    page = ending_page(catalog, transcript, "russia")
    assert page.draft == transcript.draft
    assert page.brief and "Private instructions (yours only)" in page.brief
    assert page.outcome is not None and page.outcome.content.startswith("## Outcome: ")
    assert ending_page(catalog, transcript, None).brief is None  # an observer has no brief


async def test_a_reopened_outcome_reads_as_the_live_page_showed_it_objectors_reasons_included(tmp_path, catalog):
    """The stored copy is found by its text (``stored_copies``): the rebuilt outcome must match it exactly."""
    from agents.core.events import SessionEnded
    from agents.sessions.run import run_session
    from agents.sessions.settings import RunSettings
    from agents.ui.presenter import Presenter
    from agents.ui.reopen import ending_page

    seen = []
    transcript = await run_session(RunSettings(model="scripted", seed=1, out=tmp_path), seen.append)
    live = Presenter(catalog.cast(transcript.scenario.id), "russia")
    shown = [item for event in seen for item in live.present(event) if isinstance(event, SessionEnded)]
    live_outcome = next(item.content for item in shown if item.kind == "outcome")
    assert "objects: “" in live_outcome  # a reason from a ballot, which only the ballots carry
    assert ending_page(catalog, transcript, "russia").outcome.content == live_outcome


def test_the_stored_copy_of_the_outcome_is_found_by_its_text():
    from agents.ui.reopen import stored_copies

    thread = {
        "id": "t",
        "steps": [
            {"id": "a", "output": "## Outcome: No consensus\n\nRule: consensus."},
            {"id": "b", "output": "## Outcome: No consensus"},
            {"id": "c", "output": "*I give the floor to Russia.*"},
        ],
    }
    assert stored_copies(thread, "## Outcome: No consensus") == ["b"]
    assert stored_copies(thread, "## Outcome: Consensus reached") == []
