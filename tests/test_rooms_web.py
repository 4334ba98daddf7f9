"""Rooms over the socket, without a browser and without login, against a real ``parley ui``.

The server runs ``--model scripted`` with no user list, so nobody logs in: a room member's
link key (``?room=CODE&key=KEY``) is then their only way back. Each page is a Socket.IO client
speaking Chainlit's protocol (``benchmarks/web_client.py``) that records what it is sent and
answers questions; a test waits on what a page received, never on the clock. A person's
question can be held (``Page.hold``) until the test lets it go, so that the host's buttons,
pressed over HTTP, reach a turn that is still running. Every message a page is sent must hang
under a step that page was sent too: Chainlit's page drops any other (``Page.unseen_parents``).

Every room is short (two turns a phase) and the host of each holds no seat unless said.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from agents.sessions.markdown import transcript_markdown
from agents.sessions.transcript import Transcript, load_transcript
from benchmarks.web_client import ChainlitClient
from tests.helpers import running_ui

T = TypeVar("T")
SCENARIO = "six-party-2003"
WAIT = 120.0  # seconds for anything a page waits for: two shared cores, and a session may run meanwhile
FLOOR = "You have the floor"
DRAFTING = "Drafting the joint statement"  # the phase title a move question names
BOARD = re.compile(r"^## Room ([A-Z2-9]{6})", re.MULTILINE)
OWN_LINK = re.compile(r"\?room=([A-Z2-9]{6})&key=([A-Za-z0-9_-]+)")
REVIEW = "## Review:"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rooms-web")
    with running_ui(folder, users="") as url:  # no users: no login
        yield {"url": url, "out": folder / "transcripts"}


def never(question: str) -> bool:
    return False


class Page(ChainlitClient):
    """One browser page as a socket: records what it is sent and lets a test wait for it.

    ``answers`` maps words of a question to the value chosen; a seat's question is answered
    as in the benchmarks (one statement carrying the page's nonce, then yield; accept every
    clause), the statement only once a move question names ``speak_at`` if given. A question
    for which ``hold`` is true waits until the test sets the future ``held`` lists for it.
    """

    fetch_files = True

    def __init__(self, name: str, seat: str | None = None, answers: dict[str, str] | None = None):
        super().__init__(0, seat, name)
        self.answers = answers or {}
        self.hold: Callable[[str], bool] = never
        self.speak_at: str | None = None
        self.landing: str | None = None  # the value chosen on the landing (a seat, a room)
        self.held: list[asyncio.Future[None]] = []
        self.offered: list[tuple[str, list[str]]] = []  # every question with buttons: its text and values
        self.parents: dict[str, str | None] = {}  # step id: the step it hangs under
        self.elements: dict[str, dict] = {}
        self.changed = asyncio.Condition()
        self.tasks: list[str] = []  # Chainlit's task_start and task_end, in order: a callback ran to its end
        self.sio.on("task_start", self.on_task("start"))
        self.sio.on("task_end", self.on_task("end"))

    def on_task(self, kind: str) -> Callable[[], Awaitable[None]]:
        async def told(*_: object) -> None:
            self.tasks.append(kind)
            await self.notify()

        return told

    async def settled(self) -> None:
        """Wait until the chat's start callback has run to its end: nothing more comes of it."""
        await self.until(lambda: True if "start" in self.tasks and self.tasks[-1] == "end" else None)

    async def open(self, url: str, **hello: str) -> Page:
        await self.connect(url, "", SCENARIO, hello=hello)
        return self

    async def until(self, found: Callable[[], T | None], timeout: float = WAIT) -> T:
        """What ``found`` returns once it is not None (it is asked again whenever the page is sent something)."""
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: found() is not None), timeout)
            result = found()
        assert result is not None
        return result

    async def message(self, pattern: str) -> str:
        """The first message whose text matches ``pattern`` (waiting for one)."""
        return await self.until(lambda: next((t for t in self.seen.messages.values() if re.search(pattern, t)), None))

    async def held_question(self) -> asyncio.Future[None]:
        """The question being held now (waiting for one): set its future to let the answer go."""
        return await self.until(lambda: next((gate for gate in self.held if not gate.done()), None))

    def let_go(self) -> None:
        """Answer every question from now on, the held ones included."""
        self.hold = never
        for gate in self.held:
            if not gate.done():
                gate.set_result(None)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def on_step(self, step: dict) -> None:
        self.parents[step["id"]] = step.get("parentId")
        await super().on_step(step)
        await self.notify()

    async def on_action(self, action: dict) -> None:
        await super().on_action(action)
        await self.notify()

    async def on_sidebar(self, data: dict) -> None:
        for element in data.get("elements") or []:
            self.elements[element["id"]] = element
        await super().on_sidebar(data)
        await self.notify()

    async def on_element(self, element: dict) -> None:
        self.elements[element["id"]] = element
        await super().on_element(element)
        await self.notify()

    async def _fetch(self, element_id: str, key: str) -> None:
        await super()._fetch(element_id, key)
        await self.notify()

    async def on_ask(self, data: dict) -> dict:
        if self.hold(data["msg"].get("output") or ""):
            gate = asyncio.get_running_loop().create_future()
            self.held.append(gate)
            await self.on_step(data["msg"])  # shown (and the test told) while it waits
            await gate
        return await super().on_ask(data)

    def choose(self, values: list[str], question: str) -> str:
        self.offered.append((question, values))
        for words, value in self.answers.items():
            if words in question and value in values:
                return value
        if self.landing is not None and self.landing in values:
            return self.landing
        if "Choose a free seat" in question:
            return self.seen.seat or "observer"
        if self.speak_at is not None and "statement" in values:
            return "statement" if self.speak_at in question and not self.seen.spoke else "yield"
        return super().choose(values, question)

    def unseen_parents(self) -> list[str]:
        """Messages whose parent step this page was never sent: a browser's page drops them."""
        return [step for step, parent in self.parents.items() if parent is not None and parent not in self.parents]

    async def press_named(self, name: str) -> dict:
        return await self.press(await self.action_named(name, WAIT))

    async def outcome_files(self) -> dict[str, str]:
        """The outcome's files by name, once the outcome and the text of each file have arrived."""
        await asyncio.wait_for(self.done.wait(), WAIT)

        def fetched() -> dict[str, str] | None:
            attached = [e for e in self.elements.values() if e.get("forId") == self.seen.outcome_id]
            if len(attached) < 2 or any(e["id"] not in self.seen.files for e in attached):
                return None
            return {e["name"]: self.seen.files[e["id"]] for e in attached}

        return await self.until(fetched)

    async def leave(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        self.let_go()


HOST_ANSWERS = {"How long may each person": "300", "How long a session": "short", "take a seat": "instructor"}


async def host_a_room(url: str, seat: str = "instructor") -> tuple[Page, str, str]:
    """A host's page with a short room open; the room's code and the host's own key."""
    host = Page("host", None if seat == "instructor" else seat, {**HOST_ANSWERS, "take a seat": seat})
    host.landing = "room-host"
    await host.open(url)
    board = await host.message(BOARD.pattern)
    code = BOARD.search(board)[1]  # type: ignore[index]
    own = OWN_LINK.search(board)
    assert own is not None and own[1] == code, board
    return host, code, own[2]


async def join(url: str, name: str, seat: str | None, code: str) -> tuple[Page, str]:
    """A person who joins by the room's link and takes ``seat`` (None: watches); their own key."""
    page = await Page(name, seat).open(url, room=code)
    welcome = await page.message(r"^You are in room")
    own = OWN_LINK.search(welcome)
    assert own is not None and own[1] == code, welcome
    return page, own[2]


async def ended(server: dict, *pages: Page) -> Transcript:
    """Once every page has the outcome: the one session their *Review* buttons name."""
    await asyncio.wait_for(asyncio.gather(*(page.done.wait() for page in pages)), WAIT)
    sessions = {sid for page in pages for sid in page.seen.session_ids}
    assert len(sessions) == 1, sessions
    return load_transcript(server["out"] / f"{sessions.pop()}.json")


async def check_ending(page: Page, transcript: Transcript, seat: str | None) -> None:
    """The outcome with two files, each the transcript as ``seat`` (None: an observer) saw it."""
    view = transcript.seen_by(seat or "observer")
    files = await page.outcome_files()
    assert len(files) == 2, files.keys()
    (json_name, json_text), (md_name, md_text) = sorted(files.items())
    assert json_name.endswith(".json") and md_name.endswith(".md")
    assert ("observer's view" if seat is None else f"{transcript.names()[seat]}'s view") in json_name
    assert json.loads(json_text) == json.loads(view.model_dump_json())
    assert md_text == transcript_markdown(view)


async def check_review(page: Page) -> None:
    """The outcome's *Review* button reviews the room's session for this page."""
    await page.press_named("review")
    review = await page.message(rf"^{REVIEW}|review is not available")
    assert review.startswith(REVIEW), review


async def leave(*pages: Page) -> None:
    for page in pages:
        await page.leave()


def kinds(transcript: Transcript) -> list[str]:
    return [event.type for event in transcript.events]


def spoken(transcript: Transcript, seat: str, words: str) -> bool:
    return any(e.type == "message" and e.speaker == seat and words in getattr(e, "text", "") for e in transcript.events)


def holding_the_floor(question: str) -> bool:
    return FLOOR in question


async def test_a_guest_and_the_host_come_back_by_their_keys_on_new_connections(server):
    url = server["url"]
    host, code, host_key = await host_a_room(url)
    guest, key = await join(url, "guest", "usa", code)
    pages = [host, guest]
    try:
        guest.hold = holding_the_floor
        await host.press_named("room_start")
        await guest.held_question()
        await guest.leave()  # for good: this socket and its Chainlit session are not used again

        back = Page("guest again", "usa")
        back.hold = holding_the_floor
        pages.append(back)
        await back.open(url, room=code, key=key)
        await back.message(rf"^You are back in room \*\*{code}\*\* as United States\.")
        await back.held_question()  # the question pending for the seat, asked again here
        assert back.offered == [] and any(FLOOR in text for text in back.seen.messages.values())

        await host.leave()
        boss = Page("host again")
        pages.append(boss)
        await boss.open(url, room=code, key=host_key)
        await boss.message(rf"^You are back in room \*\*{code}\*\* as an observer\.")
        await boss.message(rf"^## Room {code}")
        await boss.press_named("room_pause")
        await boss.message(r"^The chair pauses the talks once the current turn ends\.")
        back.let_go()  # the answer moves the session on; the chair then pauses
        await boss.message(r"The chair pauses the talks\.\*")
        await boss.press_named("room_resume")
        await boss.message(r"The chair resumes the talks\.\*")

        transcript = await ended(server, back, boss)
        await check_ending(back, transcript, "usa")
        await check_ending(boss, transcript, None)
        await check_review(back)
        await check_review(boss)
    finally:
        await leave(*pages)
    assert spoken(transcript, "usa", back.seen.nonce)
    order = kinds(transcript)
    assert order.count("session_paused") == order.count("session_resumed") == 1
    assert order.index("session_paused") < order.index("session_resumed")
    assert len(transcript.seen_by("usa").events) > len(transcript.seen_by("observer").events)  # views differ
    assert all(page.unseen_parents() == [] for page in pages)  # a browser's page would show every message


async def test_a_guest_back_by_key_before_the_start_gets_their_page_and_questions_there(server):
    url = server["url"]
    host, code, _ = await host_a_room(url)
    guest, key = await join(url, "guest", "dprk", code)
    await guest.leave()
    back = Page("guest again", "dprk")
    try:
        await back.open(url, room=code, key=key)
        await back.message(rf"^You are back in room \*\*{code}\*\* as North Korea\.")
        await host.press_named("room_start")
        await back.message(r"^You sit as \*\*North Korea\*\*")
        transcript = await ended(server, host, back)
        await check_ending(back, transcript, "dprk")
    finally:
        await leave(host, back)
    assert spoken(transcript, "dprk", back.seen.nonce)
    assert not any(FLOOR in text for text in guest.seen.messages.values())  # all asked on the new connection
    assert back.unseen_parents() == []


async def test_a_wrong_key_or_a_wrong_code_gets_a_clear_message_and_no_seat(server):
    url = server["url"]
    host, code, _ = await host_a_room(url)
    stranger = Page("stranger", "usa")
    lost = Page("lost", "usa")
    try:
        await stranger.open(url, room=code, key="not-a-key-of-this-room")
        await lost.open(url, room="ZZZZ")
        await stranger.message(rf"^This link's key is not one of room \*\*{code}\*\*'s")
        await lost.message(r"^No room is open with the code ZZZZ\. Start a new chat")
        await stranger.settled()
        await lost.settled()
    finally:
        await leave(host, stranger, lost)
    assert stranger.offered == [] and lost.offered == []  # no seat was offered, none taken


async def test_a_late_joiner_may_only_watch_and_gets_the_draft_later_events_and_the_outcome(server, catalog):
    url = server["url"]
    host, code, _ = await host_a_room(url, seat="usa")
    host.speak_at = DRAFTING
    host.hold = lambda question: FLOOR in question and DRAFTING in question
    first_clause = catalog.cast(SCENARIO).scenario.agenda[0].chair_clause
    late = Page("late")
    try:
        await host.press_named("room_start")
        await host.held_question()  # the draft has clauses now, and the session waits for the host
        await late.open(url, room=code)
        await late.message(rf"^You are in room \*\*{code}\*\* as an observer\.")
        assert [values for _, values in late.offered] == [["observer"]]
        await late.until(lambda: True if any(first_clause in text for text in late.seen.files.values()) else None)
        host.let_go()
        await late.message(host.seen.nonce)  # said at the table after the late observer joined
        transcript = await ended(server, host, late)
        await check_ending(late, transcript, None)
        await check_ending(host, transcript, "usa")
        await check_review(late)
    finally:
        await leave(host, late)
    assert not any(e.get("name") == "Your brief" for e in late.elements.values())
    assert host.unseen_parents() == [] and late.unseen_parents() == []


async def test_the_hosts_extend_pass_and_end_reach_the_running_turn_and_the_transcript(server):
    url = server["url"]
    host, code, _ = await host_a_room(url)
    host.answers["End the talks now?"] = "yes"
    guest, _ = await join(url, "guest", "usa", code)
    guest.hold = holding_the_floor
    try:
        await host.press_named("room_start")
        first = await guest.held_question()
        await host.press_named("room_extend")
        await host.message(r"^2 more minutes given\.")
        await host.press_named("room_pass")
        await host.message(r"^The chair passes the turn\.")
        await guest.message(r"^The chair passed your turn")
        first.set_result(None)  # its answer comes too late: the chair passed the turn
        await guest.held_question()
        await host.press_named("room_end")
        await host.message(r"^The chair ends the talks after the current turn")
        guest.let_go()
        transcript = await ended(server, host, guest)
        await check_ending(guest, transcript, "usa")
        await check_ending(host, transcript, None)
    finally:
        await leave(host, guest)
    passed = [e for e in transcript.events if e.type == "turn_passed"]
    assert [e.speaker for e in passed] == ["usa"]
    assert spoken(transcript, "usa", guest.seen.nonce)  # the question the host's end did not cut
    order = kinds(transcript)
    assert order.count("ended_early") == 1 and transcript.outcome is not None and transcript.outcome.ended_early
    later = {e.phase for e in transcript.events[order.index("ended_early") + 1 :] if e.type == "phase_started"}
    assert later <= {"consensus", "closing"}
    assert host.unseen_parents() == [] and guest.unseen_parents() == []
