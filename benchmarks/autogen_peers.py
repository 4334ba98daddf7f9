"""The same talks run by AutoGen AgentChat teams, for the side-by-side rows. Imported only when installed.

Six ``AssistantAgent``s, one per delegation, each answering from a ``ReplayChatCompletionClient``
with the replies it is given, in a ``RoundRobinGroupChat`` or a ``SelectorGroupChat`` (whose
selector model is a replay client naming the next speaker). Every prompt an agent or the
selector receives is kept, so that its tokens can be counted the same way as Parley's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TaskResult
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.teams import RoundRobinGroupChat, SelectorGroupChat
from autogen_ext.models.replay import ReplayChatCompletionClient
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

TASK = "The chair opens the Six-Party Talks. Each delegation speaks in turn."


@dataclass
class AutogenRun:
    """Seconds between consecutive agent messages, and the prompts each client received."""

    intervals: list[float] = field(default_factory=list)
    agent_prompts: list[list[BaseMessage]] = field(default_factory=list)
    selector_prompts: list[list[BaseMessage]] = field(default_factory=list)


def as_langchain(messages) -> list[BaseMessage]:
    """AutoGen LLM messages as langchain messages, to count their tokens like Parley's."""
    converted: list[BaseMessage] = []
    for message in messages:
        content = message.content if isinstance(message.content, str) else str(message.content)
        kind = type(message).__name__
        if kind == "SystemMessage":
            converted.append(SystemMessage(content=content))
        elif kind == "AssistantMessage":
            converted.append(AIMessage(content=content))
        else:
            converted.append(HumanMessage(content=content))
    return converted


async def run_team(
    kind: str, speakers: list[str], replies: list[str], systems: dict[str, str] | None = None
) -> AutogenRun:
    """Run ``len(replies)`` turns: ``speakers[i]`` says ``replies[i]``. ``kind`` is ``round-robin`` or ``selector``."""
    seats = list(dict.fromkeys(speakers))
    clients = {
        seat: ReplayChatCompletionClient([r for s, r in zip(speakers, replies, strict=True) if s == seat])
        for seat in seats
    }
    agents = [
        AssistantAgent(seat, clients[seat], system_message=(systems or {}).get(seat, f"You are the {seat} delegation."))
        for seat in seats
    ]
    termination = MaxMessageTermination(len(replies) + 1)
    selector = None
    if kind == "selector":
        selector = ReplayChatCompletionClient(list(speakers))
        team = SelectorGroupChat(agents, selector, termination_condition=termination, allow_repeated_speaker=True)
    else:
        team = RoundRobinGroupChat(agents, termination_condition=termination)
    run = AutogenRun()
    last = time.perf_counter()
    async for item in team.run_stream(task=TASK):
        if isinstance(item, TaskResult) or getattr(item, "source", "user") == "user":
            continue
        now = time.perf_counter()
        run.intervals.append(now - last)
        last = now
    run.agent_prompts = [as_langchain(call["messages"]) for client in clients.values() for call in client.create_calls]
    if selector is not None:
        run.selector_prompts = [as_langchain(call["messages"]) for call in selector.create_calls]
    return run


def prompts_in_turn_order(run: AutogenRun, speakers: list[str]) -> list[list[BaseMessage]]:
    """The agents' prompts re-ordered by turn (``run.agent_prompts`` is grouped by agent)."""
    seats = list(dict.fromkeys(speakers))
    per_seat = {seat: [] for seat in seats}
    index = 0
    for seat in seats:
        count = speakers.count(seat)
        per_seat[seat] = run.agent_prompts[index : index + count]
        index += count
    taken = {seat: 0 for seat in seats}
    ordered = []
    for seat in speakers:
        ordered.append(per_seat[seat][taken[seat]])
        taken[seat] += 1
    return ordered
