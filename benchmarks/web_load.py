"""Benchmark 6: concurrent web sessions against the real ``parley ui`` server (scripted model).

Starts ``parley ui --model scripted`` on a free loopback port with login enabled (its own
database and transcript folder in a temporary directory), logs in one user per session, and
plays ``--sessions`` sessions at once through Socket.IO clients (``web_client.py``): the
first ``--delegates`` of them sit in a delegation (taking the parties in turn), speak once
with a statement carrying a nonce, yield afterwards and accept every clause; the rest
observe. ``--rounds`` repeats the whole wave, to see whether the server's memory levels off.

Checks, per session: it reached its outcome; everything it was sent belongs to one thread
that no other client saw, it was offered one transcript no other client was offered, it
saw its own nonce and nobody else's, and no token was streamed into a message it was not
shown. After the run: every session's thread is in the history under its own user, its
checkpoints are in ``checkpoints.sqlite``, and the server logged no database error.
Prints figures (times, messages, server memory); exits 1 if a check failed, never on timing.

    .venv/bin/python benchmarks/web_load.py --sessions 20
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from common import median_p95_ms
from rss import MemorySampler
from web_client import LoadClient, Seen, log_in
from web_server import PASSWORD, start_server, stop_server, wait_until_up

from agents.core.catalog import Catalog

DB_ERRORS = ("database is locked", "An error occurred", "OperationalError")


async def play_wave(url: str, scenario: str, seats: list[str | None], timeout: float) -> list[Seen]:
    users = [f"load{i}" for i in range(len(seats))]
    cookies = await asyncio.gather(*(log_in(url, user, PASSWORD) for user in users))
    clients = [LoadClient(i, seat, user) for i, (seat, user) in enumerate(zip(seats, users, strict=True))]
    runs = [client.run(url, cookie, scenario, timeout) for client, cookie in zip(clients, cookies, strict=True)]
    return list(await asyncio.gather(*runs))


def leaks(seen: list[Seen]) -> list[str]:
    """What any client was shown that belongs to another session (or that it cannot place)."""
    problems = []
    owners: dict[str, list[int]] = {}
    for s in seen:
        for key in (*(f"thread {t}" for t in s.thread_ids), *(f"transcript {n}" for n in s.session_ids)):
            owners.setdefault(key, []).append(s.index)
        if len(s.thread_ids) != 1 or len(s.session_ids) > 1:
            problems.append(f"session {s.index}: threads {sorted(s.thread_ids)}, transcripts {sorted(s.session_ids)}")
        if s.nonces - {s.nonce}:
            problems.append(f"session {s.index} saw another session's statement: {sorted(s.nonces - {s.nonce})}")
        if s.foreign_tokens:
            problems.append(f"session {s.index}: {s.foreign_tokens} tokens streamed into messages it was not shown")
    problems += [f"{key} shown to sessions {indices}" for key, indices in owners.items() if len(indices) > 1]
    return problems


def unfinished(seen: list[Seen]) -> list[str]:
    problems = [f"session {s.index}: no outcome" for s in seen if s.finished is None]
    problems += [f"session {s.index}: no transcript offered" for s in seen if s.finished and not s.session_ids]
    problems += [f"session {s.index} ({s.seat}): its statement never came back" for s in seen if s.seat and not s.spoke]
    return problems


def stored(folder: Path, seen: list[Seen]) -> list[str]:
    """Each session's thread is in the history under its own user, with its messages; its checkpoints exist."""
    problems = []
    with sqlite3.connect(folder / "ui.sqlite") as db:
        for s in seen:
            (thread,) = s.thread_ids or {""}
            row = db.execute('SELECT "userIdentifier" FROM threads WHERE id = ?', (thread,)).fetchone()
            steps = db.execute('SELECT count(*) FROM steps WHERE "threadId" = ?', (thread,)).fetchone()[0]
            if row is None or row[0] != f"load{s.index}" or steps == 0:
                problems.append(f"session {s.index}: history has owner {row and row[0]!r}, {steps} messages")
    with sqlite3.connect(folder / "transcripts" / "checkpoints.sqlite") as db:
        kept = {row[0] for row in db.execute("SELECT DISTINCT thread_id FROM checkpoints")}
    problems += [f"session {s.index}: no checkpoints" for s in seen if not s.session_ids <= kept]
    log = (folder / "server.log").read_text(errors="replace")
    problems += [f"server log: {line.strip()[:200]}" for line in log.splitlines() if any(e in line for e in DB_ERRORS)]
    return problems


def print_figures(seen: list[Seen], wall: float, rounds: int, memory: MemorySampler) -> None:
    done = [s for s in seen if s.finished is not None]
    times = [s.finished - s.started for s in done] or [0.0]
    median, p95 = median_p95_ms(times)
    messages = sorted(len(s.messages) for s in seen)
    tokens = sorted(s.tokens for s in seen)
    print(f"sessions finished: {len(done)}/{len(seen)}")
    print(f"wall time: {wall:.1f} s ({rounds} round(s))")
    print(f"per-session time: median {median / 1000:.2f} s, p95 {p95 / 1000:.2f} s")
    print(f"messages per session: median {messages[len(messages) // 2]}, min {messages[0]}, max {messages[-1]}")
    print(f"streamed tokens per session: median {tokens[len(tokens) // 2]}")
    print(f"answers given (seat, moves, text, ballots): {sum(s.asks for s in seen)}")
    print(f"server RSS: start {memory.start:.0f} MiB, peak {memory.peak:.0f} MiB, end {memory.end:.0f} MiB")
    print("server RSS after each round: " + ", ".join(f"{mib:.0f} MiB" for mib in memory.marks))


async def main(
    sessions: int, delegates: int, scenario: str, rounds: int, timeout: float, phase_turns: int | None = None
) -> int:
    parties = Catalog().cast(scenario).scenario.parties
    seats = [parties[i % len(parties)] if i < delegates else None for i in range(sessions)]
    folder = Path(tempfile.mkdtemp(prefix="parley-web-load-"))
    process, url = start_server(folder, [f"load{i}" for i in range(sessions)], phase_turns)
    seen: list[Seen] = []
    try:
        await wait_until_up(url, process)
        async with MemorySampler(process.pid) as memory:
            started = time.perf_counter()
            for _ in range(rounds):
                seen += await play_wave(url, scenario, seats, timeout)
                memory.mark()
            wall = time.perf_counter() - started
    finally:
        stop_server(process)
    print(f"Web load: {sessions} sessions at once ({delegates} in a delegation, the rest observing), {scenario}")
    print_figures(seen, wall, rounds, memory)
    print(f"leaks: {len(leaks(seen))}")
    problems = unfinished(seen) + leaks(seen) + stored(folder, seen)
    print(f"problems: {len(problems)}")
    for problem in problems[:20]:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="web sessions at once")
    parser.add_argument("--delegates", type=int, default=None, help="how many sit in a delegation (default: half)")
    parser.add_argument("--scenario", default="six-party-2003")
    parser.add_argument("--rounds", type=int, default=1, help="waves of --sessions, one after the other")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a session counts as lost")
    parser.add_argument("--phase-turns", type=int, default=None, help="cap on delegate turns a phase (default: none)")
    a = parser.parse_args()
    delegates = a.sessions // 2 if a.delegates is None else a.delegates
    sys.exit(asyncio.run(main(a.sessions, delegates, a.scenario, a.rounds, a.timeout, a.phase_turns)))
