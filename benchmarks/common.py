"""Helpers shared by the benchmark scripts: fake models, a long scenario, timing figures.

The scripts run from a checkout (``.venv/bin/python benchmarks/<name>.py``); they print
their figures and never assert on them.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import yaml
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk

from agents.core.catalog import Catalog
from agents.core.events import CHAIR, Event
from agents.core.paths import scenarios_dir
from agents.llm.factory import ModelHandle, ModelPool
from agents.sessions.run import PreparedSession, prepare, run_prepared
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import Transcript
from agents.testing import FunctionChatModel

SEATS = ("usa", "dprk", "rok", "prc", "japan", "russia", CHAIR)
STATEMENT = "Our delegation has listened closely and restates its position on this item for the record."


def fixed_reply(messages: list[BaseMessage], tool: str | None) -> dict[str, Any]:
    """A constant answer for each kind of call: a statement, an empty ballot, the first candidate, a short plan."""
    if tool == "Ballot":
        return {"votes": []}
    if tool == "Plan":
        return {"goals": ["Restate our position."]}
    if tool == "FloorChoice":
        return {"speaker": "usa"}
    return {"kind": "statement", "text": STATEMENT}


class SleepyChatModel(FunctionChatModel):
    """A function model that waits ``delay`` seconds (``asyncio.sleep``) before each reply."""

    delay: float = 0.2

    async def _astream(self, messages, stop=None, run_manager=None, **kwargs) -> AsyncIterator[ChatGenerationChunk]:
        await asyncio.sleep(self.delay)
        for chunk in self._chunks(messages):
            yield chunk


def instant_model(reply: Callable = fixed_reply) -> FunctionChatModel:
    """Zero latency, and the whole reply in one chunk (as AutoGen's replay client answers)."""
    return FunctionChatModel(reply=reply, chunk_chars=1_000_000)


def handles(make_model: Callable[[], FunctionChatModel]) -> dict[str, ModelHandle]:
    return {seat: ModelHandle(make_model(), "fake") for seat in SEATS}


def long_scenario(turns: int, folder: Path | None = None) -> Path:
    """six-party-2003 with enough discussion and amendment rounds for ``turns`` delegate turns."""
    data = yaml.safe_load((scenarios_dir() / "six-party-2003.yaml").read_text(encoding="utf-8"))
    parties, items = len(data["parties"]), len(data["agenda"])
    fixed = 4 * parties  # opening, drafting, closing and one pass of amendments
    rounds = max(1, min(10, math.ceil(max(0, turns - fixed) / (items * parties))))
    for phase in data["phases"]:
        if phase["kind"] in ("discussion", "amendments"):
            phase["rounds"] = rounds
    data["id"] = "six-party-long"
    folder = folder or Path(tempfile.mkdtemp(prefix="parley-bench-"))
    path = folder / "six-party-long.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def prepared_session(
    scenario: str | Path, make_model: Callable[[], FunctionChatModel], max_turns: int | None, out: Path | None = None
) -> PreparedSession:
    options = RunSettings(scenario=str(scenario), model="scripted", max_turns=max_turns, out=out)
    return prepare(options, ModelPool(), Catalog(), models=handles(make_model))


async def turn_intervals(prepared: PreparedSession) -> list[float]:
    """Seconds between consecutive delegate turns (from one delegate message event to the next)."""
    marks = [time.perf_counter()]

    def on_event(event: Event) -> None:
        if event.type == "message" and event.speaker != CHAIR:
            marks.append(time.perf_counter())

    check_clean(await run_prepared(prepared, on_event))
    return [later - earlier for earlier, later in zip(marks, marks[1:], strict=False)]


def check_clean(transcript: Transcript) -> None:
    """A benchmark of a session that went wrong measures nothing: stop at the first error event."""
    errors = [event.text for event in transcript.events if event.type == "error"]
    if errors or transcript.status != "complete":
        raise SystemExit(f"the benchmarked session went wrong ({transcript.status}): {errors[:3]}")


def median_p95_ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def autogen_missing() -> str | None:
    """None if AutoGen AgentChat and its extensions import, else why not."""
    try:
        import autogen_agentchat  # noqa: F401
        import autogen_ext.models.replay  # noqa: F401
    except ImportError as error:
        return f"not installed ({error.name}; pip install -e '.[bench]')"
    return None


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))
