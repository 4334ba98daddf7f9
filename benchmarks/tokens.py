"""Benchmark 2: prompt tokens per delegate turn as a session grows, and in total, against AutoGen.

Parley plays a long six-party scenario with the scripted model; every prompt is in the
transcript's recording. AutoGen's ``SelectorGroupChat`` then replays the same speakers
saying the same words (each agent's system message is Parley's system prompt for that
delegation; a replay selector names the same next speaker). Both sides' prompts are counted
with langchain's ``count_tokens_approximately`` (about 4 characters a token, plus a few per
message), AutoGen's after converting its messages to langchain's.

Goals: Parley's prompt at turn 100 at most 1.3 times its prompt at turn 10; Parley's total
prompt tokens over a 60-turn session at most half of AutoGen's; at least 60% of each seat's
prompts repeating the start of its previous prompt (what a prefix cache can reuse).

    .venv/bin/python benchmarks/tokens.py --turns 100 --total-turns 60
"""

from __future__ import annotations

import argparse
import asyncio
import os

from common import autogen_missing, check_clean, long_scenario, print_table
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.utils import count_tokens_approximately

from agents.core.catalog import Catalog
from agents.core.events import CHAIR
from agents.llm.factory import ModelPool
from agents.llm.recording import ModelCall
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript

ROLES = {"system": SystemMessage, "human": HumanMessage, "ai": AIMessage}


async def parley_session(turns: int) -> Transcript:
    options = RunSettings(scenario=str(long_scenario(turns)), model="scripted", seed=7, max_turns=turns)
    transcript = await run_prepared(prepare(options, ModelPool(), Catalog()))
    check_clean(transcript)
    return transcript


def as_messages(call: ModelCall) -> list[BaseMessage]:
    return [ROLES.get(m.role, HumanMessage)(content=m.content) for m in call.request]


def move_prompts(transcript: Transcript) -> dict[str, dict[int, int]]:
    """Tokens of each delegate turn's (first) prompt, by seat and turn."""
    sizes: dict[str, dict[int, int]] = {}
    for call in transcript.recording:
        seat = sizes.setdefault(call.seat or "", {})
        if call.kind == "Move" and call.turn not in seat:
            seat[call.turn] = count_tokens_approximately(as_messages(call))
    return {seat: turns for seat, turns in sizes.items() if turns}


def at_mark(turns: dict[int, int], mark: int) -> int | None:
    """A seat's prompt at its turn nearest to ``mark`` (within a round of six turns)."""
    nearest = min(turns, key=lambda turn: (abs(turn - mark), turn))
    return turns[nearest] if abs(nearest - mark) <= 6 else None


def growth(sizes: dict[str, dict[int, int]], first: int, last: int) -> dict[str, float]:
    """Each seat's prompt at ``last`` over its own prompt at ``first``.

    Seat by seat, because the delegations' briefs differ in length: comparing one seat's
    turn 100 with another's turn 10 would measure the personas, not the session's growth.
    """
    ratios = {}
    for seat, turns in sizes.items():
        early, late = at_mark(turns, first), at_mark(turns, last)
        if early and late:
            ratios[seat] = late / early
    return ratios


def mean_at(sizes: dict[str, dict[int, int]], mark: int) -> int | None:
    found = [size for turns in sizes.values() if (size := at_mark(turns, mark))]
    return round(sum(found) / len(found)) if found else None


def total_prompt_tokens(
    transcript: Transcript, kinds: tuple[str, ...] = ("Move", "FloorChoice", "Plan", "Ballot")
) -> int:
    """Tokens of every prompt of those kinds: turns, the chair's choices of speaker, private plans, ballots."""
    return sum(count_tokens_approximately(as_messages(call)) for call in transcript.recording if call.kind in kinds)


def flat_prompt(call: ModelCall) -> str:
    """A call's prompt as one text, each message headed by its role, as a chat template lays it out."""
    return "".join(f"<{message.role}>{message.content}" for message in call.request)


def prefix_reuse(transcript: Transcript) -> dict[str, float]:
    """Per seat: the share of its prompts (in characters) that repeats the start of its previous prompt.

    That share is what a prefix cache (OpenAI's, or the embedded server's) can serve instead of
    reading afresh. A seat's first call counts as all new.
    """
    reused: dict[str, int] = {}
    total: dict[str, int] = {}
    previous: dict[str, str] = {}
    for call in transcript.recording:
        seat, prompt = call.seat or CHAIR, flat_prompt(call)
        reused[seat] = reused.get(seat, 0) + len(os.path.commonprefix([previous.get(seat, ""), prompt]))
        total[seat] = total.get(seat, 0) + len(prompt)
        previous[seat] = prompt
    shares = {seat: reused[seat] / total[seat] for seat in total if total[seat]}
    shares["all seats"] = sum(reused.values()) / max(1, sum(total.values()))
    return shares


def script(transcript: Transcript) -> tuple[list[str], list[str], dict[str, str]]:
    """Who spoke at each turn, what they said, and each delegation's system prompt."""
    turns = [e for e in transcript.events if e.type == "message" and e.speaker != CHAIR]
    systems = {}
    for call in transcript.recording:
        if call.kind == "Move" and call.seat not in systems:
            systems[call.seat] = call.request[0].content
    return [e.speaker for e in turns], [e.text for e in turns], systems


async def autogen_figures(transcript: Transcript, total_turns: int, marks: list[int]) -> tuple[dict[int, int], int]:
    from autogen_peers import prompts_in_turn_order, run_team

    speakers, replies, systems = script(transcript)
    run = await run_team("selector", speakers, replies, systems)
    per_turn = prompts_in_turn_order(run, speakers)
    sizes = {mark: count_tokens_approximately(per_turn[mark - 1]) for mark in marks if mark <= len(per_turn)}
    short = await run_team("selector", speakers[:total_turns], replies[:total_turns], systems)
    total = sum(count_tokens_approximately(p) for p in short.agent_prompts + short.selector_prompts)
    return sizes, total


async def main(turns: int, total_turns: int) -> None:
    marks = [mark for mark in (10, 50, 100) if mark <= turns] or [turns]
    long_run = await parley_session(turns)
    sizes = move_prompts(long_run)
    short_run = await parley_session(total_turns)
    total = total_prompt_tokens(short_run)
    talk = total_prompt_tokens(short_run, ("Move", "FloorChoice", "Plan"))  # plans are Parley's own cost
    missing = autogen_missing()
    theirs, their_total = ({}, None) if missing else await autogen_figures(long_run, total_turns, marks)

    print("Prompt tokens per delegate turn (count_tokens_approximately on both sides)")
    print("Parley: mean over the seats of each seat's prompt at its turn nearest to turn N")
    rows = [["Parley", *(str(mean_at(sizes, m) or "-") for m in marks), str(talk), str(total)]]
    if missing:
        rows.append(["AutoGen SelectorGroupChat", *(["-"] * len(marks)), missing, "-"])
    else:
        rows.append(["AutoGen SelectorGroupChat", *(str(theirs.get(m, "-")) for m in marks), str(their_total), "-"])
    headers = [f"turn {m}" for m in marks] + [f"total, {total_turns} turns", "same + consensus ballots"]
    print_table(["framework", *headers], rows)
    ratios = growth(sizes, marks[0], marks[-1])
    if ratios:
        worst = max(ratios, key=ratios.__getitem__)
        figure = f"{ratios[worst]:.2f} (goal <= 1.3)"
        print(f"Parley turn {marks[-1]} / turn {marks[0]}, seat by seat, the worst ({worst}): {figure}")
    if their_total:
        print(
            f"Parley / AutoGen total over the turns (speakers chosen, no vote): {talk / their_total:.2f} (goal <= 0.5)"
        )
        print(f"Parley with its six consensus ballots / AutoGen: {total / their_total:.2f}")
    shares = prefix_reuse(short_run)
    seats = ", ".join(f"{seat} {share:.0%}" for seat, share in shares.items() if seat != "all seats")
    print(f"Prompt prefix reused from the seat's previous call, {total_turns} turns: {seats}")
    print(f"Prefix reuse, all seats: {shares['all seats']:.0%} (goal >= 60%)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100, help="length of the long session (turns 10, 50, 100)")
    parser.add_argument("--total-turns", type=int, default=60, help="length of the session whose total is counted")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.turns, arguments.total_turns))
