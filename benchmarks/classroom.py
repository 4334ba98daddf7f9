"""Rooms in the web app: R rooms at once, P people each, against the real ``parley ui`` server.

Starts ``parley ui --model scripted`` with login (``web_server.py``) and plays ``--rooms``
rooms at once with Socket.IO clients (``web_client.py``), each logged in as its own user. In
each room a host opens a new chat, chooses *Host a room*, answers the room's questions (answer
time, a short session, no seat of its own) and reads the join code from its board. Then
``--people`` people join, by the room's link (the page's hello names the room) or, every
second one, by choosing *Join a room* and typing the code; the first six take a delegation
each, the rest watch; one observer more joins every room. Once all have joined the host presses
*Start the session*. People answer every question as in ``web_load.py`` (one statement with
a nonce of their own, then yield; accept every clause). Meanwhile the host pauses the talks,
resumes them, and has the chair read news (with a nonce of the room's) to one delegation a
person holds.

Checks: every member of every room got the outcome; each client saw one conversation of its
own and one session (the *Review* button's), its room's, which no other room had; no client
saw a nonce of another room; no private event of its room's transcript (side meetings, news to
one delegation, plans) reached a client whose seat was not in its audience (the host and the
observer sit in none), files offered included; no delegation's private instructions reached
another seat's client unless that seat heard them said; each seated person was shown their
brief. Prints figures and ends with ``rooms finished: R/R, leaks: L, problems: N``; exits 1 if
a check failed, never on timing.

    .venv/bin/python benchmarks/classroom.py --rooms 4 --people 6
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from common import median_p95_ms
from rss import MemorySampler
from web_client import NONCE, ChainlitClient, Seen, log_in
from web_server import PASSWORD, start_server, stop_server, wait_until_up

from agents.core.catalog import Cast, Catalog
from agents.core.events import Event, Message, NewsRead, PlanMade
from agents.sessions.transcript import Transcript, load_transcript

BOARD = re.compile(r"^## Room ([A-Z0-9]+)", re.MULTILINE)
JOINED = "You are in room"
FLOOR = "You have the floor"  # a person's move is asked for
PAUSED, RESUMED = "The chair pauses the talks.", "The chair resumes the talks."
MAX_SEATS = 6
MIN_MARKER = 20  # shorter texts ("I give the floor to China.") say nothing private on their own


class Person(ChainlitClient):
    """A person (or an observer, ``seat`` None) who joins a room by its link or by typing its code."""

    fetch_files = True

    def __init__(self, index: int, seat: str | None, user: str, by_code: bool, gate: asyncio.Event):
        super().__init__(index, seat, user)
        self.by_code = by_code
        self.gate = gate  # the first move waits until the host has used its controls
        self.code = ""
        self.joined = asyncio.Event()

    async def join(self, url: str, cookie: str, scenario: str, code: str) -> None:
        self.code = code
        await self.connect(url, cookie, scenario, hello={} if self.by_code else {"room": code, "key": ""})

    def on_message(self, step_id: str, content: str) -> None:
        if content.startswith(JOINED):
            self.joined.set()

    async def on_ask(self, data: dict) -> dict:
        if FLOOR in (data["msg"].get("output") or ""):
            await self.gate.wait()
        return await super().on_ask(data)

    def answer_text(self, question: str) -> str:
        return self.code if "room's code" in question else super().answer_text(question)

    def choose(self, values: list[str], question: str) -> str:
        if "room-join" in values:  # the landing: the code path
            return "room-join"
        if "observer" in values:  # the room's seats
            return self.seen.seat or "observer"
        return super().choose(values, question)


class Host(ChainlitClient):
    """The instructor: opens a room with no seat of its own, starts it, pauses, resumes, reads news."""

    fetch_files = True
    ROOM_ANSWERS = {"How long may each person": "300", "How long a session": "short", "take a seat": "instructor"}

    def __init__(self, index: int, user: str, news_to: str):
        super().__init__(index, None, user)
        self.news_to = news_to
        self.code = ""
        self.board = asyncio.Event()
        self.notices = {PAUSED: asyncio.Event(), RESUMED: asyncio.Event()}

    def on_message(self, step_id: str, content: str) -> None:
        found = BOARD.search(content)
        if found and not self.code:
            self.code = found[1]
            self.board.set()
        for notice, heard in self.notices.items():
            if notice in content:
                heard.set()

    def answer_text(self, question: str) -> str:
        return f"27 August 2003: The delegations hear news {self.seen.nonce} from their capitals."

    def choose(self, values: list[str], question: str) -> str:
        if "room-host" in values:
            return "room-host"
        for words, value in {**self.ROOM_ANSWERS, "Read it to whom": "some"}.items():
            if words in question:
                return value
        if "Add a delegation" in question:
            return self.news_to if self.news_to in values else "done"
        return super().choose(values, question)

    async def press_named(self, name: str) -> None:
        await self.press(await self.action_named(name))

    async def run_controls(self, gate: asyncio.Event, timeout: float) -> list[str]:
        """Pause and news while a person thinks over the first move (``gate``); once paused, resume.

        The scripted session would otherwise end before a button pressed over HTTP is heard:
        the people's first move waits for the gate, so the chair takes both up after that turn.
        """
        try:
            try:
                await self.press_named("room_pause")
                await self.press_named("room_news")
            finally:
                gate.set()
            await asyncio.wait_for(self.notices[PAUSED].wait(), timeout)
            await self.press_named("room_resume")
            await asyncio.wait_for(self.notices[RESUMED].wait(), timeout)
        except (TimeoutError, AssertionError, aiohttp.ClientError) as problem:
            return [f"host {self.user}: the controls stopped ({type(problem).__name__}: {problem})"]
        return []


@dataclass
class RoomRun:
    """One room as played: its host, its members, when it started, what went wrong on the way."""

    index: int
    host: Host
    people: list[Person]
    opened: float = 0.0  # the host's new chat
    started: float = 0.0  # every member seated: the host presses start
    problems: list[str] = field(default_factory=list)

    @property
    def clients(self) -> list[ChainlitClient]:
        return [self.host, *self.people]

    @property
    def seen(self) -> list[Seen]:
        return [client.seen for client in self.clients]

    @property
    def finished(self) -> bool:
        return all(s.finished is not None for s in self.seen)

    @property
    def time_to_outcome(self) -> float | None:
        ends = [s.finished for s in self.seen]
        return None if None in ends else max(e for e in ends if e is not None) - self.started

    @property
    def session_id(self) -> str | None:
        ids = {i for s in self.seen for i in s.session_ids}
        return next(iter(ids)) if len(ids) == 1 else None


def room_seats(parties: list[str], people: int) -> list[str | None]:
    """One delegation a person up to six, then observers; one observer more."""
    return [parties[i] if i < min(MAX_SEATS, len(parties)) else None for i in range(people)] + [None]


async def play_room(url: str, scenario: str, index: int, seats: list[str | None], timeout: float) -> RoomRun:
    host = Host(len(seats) * index, f"host{index}", news_to=next(s for s in seats if s))
    gate = asyncio.Event()
    people = [
        Person(host.seen.index + 1 + i, seat, f"room{index}-p{i}", by_code=i % 2 == 1, gate=gate)
        for i, seat in enumerate(seats)
    ]
    run = RoomRun(index, host, people)
    cookies = await asyncio.gather(*(log_in(url, client.user, PASSWORD) for client in run.clients))
    run.opened = time.perf_counter()
    await host.connect(url, cookies[0], scenario, hello={})
    try:
        await asyncio.wait_for(host.board.wait(), timeout)
        await asyncio.gather(*(p.join(url, c, scenario, host.code) for p, c in zip(people, cookies[1:], strict=True)))
        await asyncio.wait_for(asyncio.gather(*(p.joined.wait() for p in people)), timeout)
        run.started = time.perf_counter()
        await host.press_named("room_start")
        run.problems += await host.run_controls(gate, timeout)
    except TimeoutError:
        gate.set()
        run.problems.append(f"room {index}: not every member joined, or the room never started")
    await asyncio.gather(*(client.finish(timeout) for client in run.clients))
    return run


# --- the checks -------------------------------------------------------------------------------


def crossings(runs: list[RoomRun]) -> list[str]:
    """Anything a client saw that belongs to another conversation, session or room."""
    leaks, threads = [], {}
    sessions = [run.session_id for run in runs if run.session_id]
    leaks += [f"session {sid} offered to more than one room" for sid in set(sessions) if sessions.count(sid) > 1]
    for run in runs:
        own = {s.nonce for s in run.seen}
        for s in run.seen:
            if len(s.thread_ids) != 1:
                leaks.append(f"room {run.index} client {s.index}: threads {sorted(s.thread_ids)}")
            for thread in s.thread_ids:
                threads.setdefault(thread, []).append(s.index)
            if len(s.session_ids) > 1 or (run.session_id and s.session_ids != {run.session_id}):
                leaks.append(f"room {run.index} client {s.index}: sessions {sorted(s.session_ids)}")
            foreign = {n for text in s.texts() for n in NONCE.findall(text)} - own
            if foreign:
                leaks.append(f"room {run.index} client {s.index} saw another room's words: {sorted(foreign)}")
            if s.foreign_tokens:
                leaks.append(f"room {run.index} client {s.index}: {s.foreign_tokens} tokens into messages not shown")
    leaks += [f"thread {thread} shown to clients {indices}" for thread, indices in threads.items() if len(indices) > 1]
    return leaks


def event_texts(event: Event) -> list[str]:
    """The words of an event as a page would show them: its text, or a plan's parts."""
    if isinstance(event, PlanMade):
        plan = event.plan
        parts = [*plan.goals, *plan.red_lines_at_risk]
        return parts + [text for c in plan.concessions for text in (c.give, c.in_return)]
    text = getattr(event, "text", None)
    return [text] if isinstance(text, str) else []


def heard_by(transcript: Transcript, seat: str | None) -> str:
    """Everything ``seat`` (None: an observer) was allowed to hear, as one text."""
    return "\n".join(
        text for e in transcript.events if e.audience is None or seat in e.audience for text in event_texts(e)
    )


def client_text(seen: Seen) -> str:
    """What the client was sent, with the strings of any JSON file it was offered read out."""
    parts = []
    for text in seen.texts():
        parts.append(text)
        try:
            parts += list(json_strings(json.loads(text)))
        except ValueError:
            continue
    return "\n".join(parts)


def json_strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from json_strings(item)


def private_leaks(run: RoomRun, transcript: Transcript, cast: Cast) -> tuple[list[str], int, int]:
    """Private words on a client whose seat did not hear them; how many were checked and seen by their audience."""
    leaks, checked, seen_by_audience = [], 0, 0
    texts = {s.index: client_text(s) for s in run.seen}
    for event in transcript.events:
        if event.audience is None:
            continue
        for marker in event_texts(event):
            if len(marker) < MIN_MARKER:
                continue
            checked += 1
            for s in run.seen:
                shown = marker in texts[s.index]
                if shown and s.seat in event.audience:
                    seen_by_audience += 1
                elif shown and marker not in heard_by(transcript, s.seat):
                    kind = "news" if isinstance(event, NewsRead) else event.type
                    leaks.append(
                        f"room {run.index} client {s.index} ({s.seat or 'no seat'}) saw {kind} "
                        f"for {event.audience}: {marker[:60]!r}"
                    )
    return leaks, checked, seen_by_audience


def brief_leaks(run: RoomRun, transcript: Transcript, cast: Cast) -> list[str]:
    """Each seat's private instructions only on its own client (or where that seat was heard saying them)."""
    leaks = []
    for seat, persona in cast.delegations.items():
        for claim in persona.private_instructions:
            for s in run.seen:
                if s.seat != seat and claim.text in client_text(s) and claim.text not in heard_by(transcript, s.seat):
                    leaks.append(
                        f"room {run.index} client {s.index} ({s.seat or 'no seat'}) "
                        f"saw {seat}'s brief: {claim.text[:60]!r}"
                    )
    return leaks


def briefs_missing(run: RoomRun, cast: Cast) -> list[str]:
    return [
        f"room {run.index} client {s.index} ({s.seat}) was never shown its brief"
        for s in run.seen
        if s.seat and not all(c.text in client_text(s) for c in cast.delegations[s.seat].private_instructions)
    ]


def room_checks(run: RoomRun, out: Path, cast: Cast) -> tuple[list[str], list[str], int, int]:
    """(leaks, problems, private texts checked, private texts seen by their audience) for one room."""
    problems = list(run.problems)
    problems += [
        f"room {run.index} client {s.index} ({s.seat}): no outcome; last shown {s.last_message!r} {s.errors}"
        for s in run.seen
        if s.finished is None
    ]
    problems += [
        f"room {run.index} person {s.index} ({s.seat}): its statement never came back"
        for s in run.seen
        if s.seat and not s.spoke
    ]
    if run.session_id is None:
        return [], [*problems, f"room {run.index}: not one session offered to its members"], 0, 0
    transcript = load_transcript(out / f"{run.session_id}.json")
    news = [e for e in transcript.events if isinstance(e, NewsRead)]
    if not any(run.host.seen.nonce in e.text and e.audience == [run.host.news_to] for e in news):
        problems.append(f"room {run.index}: the host's news to {run.host.news_to} is not in the transcript")
    if not any(isinstance(e, Message) and e.audience for e in transcript.events):
        problems.append(f"room {run.index}: no side meeting was held")
    leaks, checked, seen = private_leaks(run, transcript, cast)
    leaks += brief_leaks(run, transcript, cast)
    return leaks, problems + briefs_missing(run, cast), checked, seen


def print_figures(runs: list[RoomRun], wall: float, memory: MemorySampler, checked: int, seen: int) -> None:
    times = [run.time_to_outcome for run in runs if run.time_to_outcome is not None] or [0.0]
    median, p95 = median_p95_ms(times)
    messages = sorted(len(s.messages) for run in runs for s in run.seen)
    fill_median, fill_p95 = median_p95_ms([run.started - run.opened for run in runs if run.started] or [0.0])
    print(f"wall time: {wall:.1f} s")
    print(
        "time to fill a room (host's new chat to every member seated): "
        f"median {fill_median / 1000:.2f} s, p95 {fill_p95 / 1000:.2f} s"
    )
    print(
        "time to outcome per room (start pressed to the last member's outcome): "
        f"median {median / 1000:.2f} s, p95 {p95 / 1000:.2f} s"
    )
    print(f"messages per client: median {messages[len(messages) // 2]}, min {messages[0]}, max {messages[-1]}")
    print(
        f"answers given (seat, moves, text, ballots, host's questions): {sum(s.asks for run in runs for s in run.seen)}"
    )
    print(f"files read (side panel, transcripts): {sum(len(s.files) for run in runs for s in run.seen)}")
    print(f"private texts checked: {checked}; shown to a member of their audience {seen} times")
    print(f"server RSS: start {memory.start:.0f} MiB, peak {memory.peak:.0f} MiB, end {memory.end:.0f} MiB")


async def main(rooms: int, people: int, scenario: str, timeout: float) -> int:
    cast = Catalog().cast(scenario)
    seats = room_seats(list(cast.scenario.parties), people)
    folder = Path(tempfile.mkdtemp(prefix="parley-classroom-"))
    users = [f"host{r}" for r in range(rooms)] + [f"room{r}-p{i}" for r in range(rooms) for i in range(len(seats))]
    process, url = start_server(folder, users)
    try:
        await wait_until_up(url, process)
        async with MemorySampler(process.pid) as memory:
            started = time.perf_counter()
            runs = list(await asyncio.gather(*(play_room(url, scenario, r, seats, timeout) for r in range(rooms))))
            wall = time.perf_counter() - started
    finally:
        stop_server(process)
    leaks, problems, checked, seen = crossings(runs), [], 0, 0
    for run in runs:
        room_leaks, room_problems, room_checked, room_seen = room_checks(run, folder / "transcripts", cast)
        leaks, problems, checked, seen = (
            leaks + room_leaks,
            problems + room_problems,
            checked + room_checked,
            seen + room_seen,
        )
    print(f"Classroom: {rooms} rooms at once, {people} people each (+1 observer, a host with no seat), {scenario}")
    print_figures(runs, wall, memory, checked, seen)
    for line in (leaks + problems)[:30]:
        print(f"  {line}")
    print(
        f"rooms finished: {sum(run.finished for run in runs)}/{rooms}, leaks: {len(leaks)}, problems: {len(problems)}"
    )
    return 1 if leaks or problems or not all(run.finished for run in runs) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=4, help="rooms at once")
    parser.add_argument(
        "--people", type=int, default=6, help="people per room (one delegation each up to 6; the rest observe)"
    )
    parser.add_argument("--scenario", default="six-party-2003")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a room counts as lost")
    arguments = parser.parse_args()
    if arguments.people < 1 or arguments.rooms < 1:
        parser.error("--rooms and --people must be at least 1 (the host reads news to a person's delegation)")
    sys.exit(asyncio.run(main(arguments.rooms, arguments.people, arguments.scenario, arguments.timeout)))
