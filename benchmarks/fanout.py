"""Benchmark 4: the consensus call's fan-out, six ballots at once, against one model call.

Every seat is a fake model that waits ``--delay`` seconds per call. The session is cut to
one delegate turn (``max_turns=1``) so that the chair soon tables its draft and calls for
consensus; the fan-out time runs from the consensus phase's announcement to the last
ballot. One call is a single ballot asked of the same model directly. Goal: fan-out at
most 1.5 times one call.

    .venv/bin/python benchmarks/fanout.py --delay 0.2
"""

from __future__ import annotations

import argparse
import asyncio
import time

from common import SleepyChatModel, check_clean, fixed_reply, prepared_session

from agents.core.catalog import Catalog
from agents.core.draft import Draft
from agents.core.events import Event
from agents.core.memory import Memory
from agents.delegates.base import VoteContext
from agents.delegates.model import ModelDelegate
from agents.sessions.run import run_prepared


def sleepy(delay: float):
    return lambda: SleepyChatModel(reply=fixed_reply, delay=delay, chunk_chars=1_000_000)


async def one_call(delay: float) -> float:
    """One ballot, asked of the model directly, on a one-clause draft."""
    cast = Catalog().cast("six-party-2003")
    phase = next(p for p in cast.scenario.phases if p.kind == "consensus")
    draft = Draft().add("The parties seek a peninsula free of nuclear weapons.", "chair-prc", 0, "tabled")
    context = VoteContext(cast, cast.delegations["usa"], phase, draft, Memory(), 1)
    delegate = ModelDelegate("usa", sleepy(delay)(), "fake")
    start = time.perf_counter()
    await delegate.vote(context)
    return time.perf_counter() - start


async def fan_out(delay: float) -> tuple[float, int]:
    prepared = prepared_session("six-party-2003", sleepy(delay), 1)
    marks: dict[str, float] = {}
    ballots = 0

    def on_event(event: Event) -> None:
        nonlocal ballots
        if event.type == "phase_started" and event.phase == "consensus":
            marks["start"] = time.perf_counter()
        elif event.type == "vote_cast":
            ballots += 1
            marks["end"] = time.perf_counter()

    check_clean(await run_prepared(prepared, on_event))
    return marks["end"] - marks["start"], ballots


async def main(delay: float) -> None:
    await fan_out(0.0)  # warm-up
    single = await one_call(delay)
    fanned, ballots = await fan_out(delay)
    print(
        f"Consensus fan-out: {ballots} ballots at once vs one call, model sleeping {delay * 1000:.0f} ms (goal <= 1.5)"
    )
    print(f"one call:  {single * 1000:.0f} ms")
    print(f"{ballots} ballots: {fanned * 1000:.0f} ms")
    print(f"ratio: {fanned / single:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the fake model sleeps per call")
    asyncio.run(main(parser.parse_args().delay))
