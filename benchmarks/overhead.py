"""Benchmark 1: orchestration overhead per turn with a zero-latency fake model.

Six delegations, ``--turns`` delegate turns. Parley runs a long six-party scenario through
the same path as ``parley run`` (prompts, structured output, recording, LangGraph with an
in-memory checkpointer; a second row with the SQLite checkpointer ``parley run`` writes; a
third with delegates that answer without a model call, which leaves the engine alone).
AutoGen AgentChat runs ``RoundRobinGroupChat`` and ``SelectorGroupChat`` with
``ReplayChatCompletionClient``s. The time per turn is the interval between consecutive
delegate messages as the caller receives them. Goal: Parley's median at most 1 ms.

    .venv/bin/python benchmarks/overhead.py --turns 100
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from common import (
    STATEMENT,
    autogen_missing,
    instant_model,
    long_scenario,
    median_p95_ms,
    prepared_session,
    print_table,
    turn_intervals,
)

from agents.core.moves import Move
from agents.delegates.base import PlanResult, TurnResult, VoteResult

SPEAKERS = ["usa", "dprk", "rok", "prc", "japan", "russia"]


async def parley_row(turns: int, sqlite: bool) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    scenario = long_scenario(turns, folder)
    await turn_intervals(prepared_session(scenario, instant_model, turns))  # warm-up: imports, template cache
    prepared = prepared_session(scenario, instant_model, turns, out=folder / "out" if sqlite else None)
    intervals = await turn_intervals(prepared)
    median, p95 = median_p95_ms(intervals)
    name = "Parley (SQLite checkpoints)" if sqlite else "Parley (in-memory checkpoints)"
    return [name, str(len(intervals)), f"{median:.2f}", f"{p95:.2f}"]


class InstantDelegate:
    """A seat that answers without any model call: what is left is the engine itself."""

    label = "instant"

    def __init__(self, seat: str):
        self.seat = seat

    async def take_turn(self, context, on_text) -> TurnResult:
        on_text(STATEMENT)
        return TurnResult(Move(kind="statement", text=STATEMENT), "instant")

    async def vote(self, context) -> VoteResult:
        return VoteResult(None, "instant")

    async def plan(self, context) -> PlanResult:
        return PlanResult(None, "instant")


async def engine_row(turns: int) -> list[str]:
    scenario = long_scenario(turns)
    for _ in range(2):  # the first is a warm-up
        prepared = prepared_session(scenario, instant_model, turns)
        prepared.session.delegates = {seat: InstantDelegate(seat) for seat in prepared.session.delegates}
        intervals = await turn_intervals(prepared)
    median, p95 = median_p95_ms(intervals)
    return ["Parley engine only (no model call)", str(len(intervals)), f"{median:.2f}", f"{p95:.2f}"]


async def autogen_row(kind: str, turns: int) -> list[str]:
    name = "AutoGen " + ("SelectorGroupChat" if kind == "selector" else "RoundRobinGroupChat")
    missing = autogen_missing()
    if missing:
        return [name, "-", missing, "-"]
    from autogen_peers import run_team

    speakers = [SPEAKERS[i % len(SPEAKERS)] for i in range(turns)]
    await run_team(kind, speakers[:6], [STATEMENT] * 6)  # warm-up
    run = await run_team(kind, speakers, [STATEMENT] * turns)
    median, p95 = median_p95_ms(run.intervals)
    return [name, str(len(run.intervals)), f"{median:.2f}", f"{p95:.2f}"]


async def main(turns: int) -> None:
    rows = [await parley_row(turns, sqlite=False), await parley_row(turns, sqlite=True), await engine_row(turns)]
    rows += [await autogen_row("round-robin", turns), await autogen_row("selector", turns)]
    print(f"Orchestration overhead per turn, zero-latency model, 6 delegations, {turns} turns (goal: Parley <= 1 ms)")
    print_table(["framework", "turns", "median ms/turn", "p95 ms/turn"], rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100, help="delegate turns per session")
    asyncio.run(main(parser.parse_args().turns))
