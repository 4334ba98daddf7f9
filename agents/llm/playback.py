"""Chat models that answer from a recording: for replaying a session, and for forking one.

A ``Tape`` queues a transcript's recorded calls per seat and per kind (``Move``, ``Ballot``,
``FloorChoice``): a seat's calls of one kind are made one after another, even while the six
ballots are cast at once, so each queue replays in order whatever the interleaving. A
``ReplayChatModel`` answers each call with the next recorded reply, streamed as the model
streamed it (text, tool arguments, usage, model name), or raises the recorded error (after
what it had streamed, if it failed mid-stream: a call that ran out of time, say). A
``ForkChatModel`` replays up to a turn and then hands the seat to a live model.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from functools import cache
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import ConfigDict, Field

from agents.llm.function_model import CHUNK_CHARS, FunctionChatModel
from agents.llm.recording import ModelCall, TurnClock, recorded_messages
from agents.llm.wrapper import ChatModelWrapper, tool_name

MOVE = "Move"


class ReplayExhausted(RuntimeError):
    """A call the recording has no reply for: the replayed session went another way."""


class RecordedModelError(RuntimeError):
    """Base of the errors a replay raises where the recorded call raised."""


@cache
def _error_class(name: str) -> type[RecordedModelError]:
    # The engine reports errors by class name: replay raises one of the same name.
    return type(name, (RecordedModelError,), {})


class Tape:
    """A session's recorded calls, queued per (seat, kind); notes where a request differs."""

    def __init__(self, calls: list[ModelCall]):
        self._queues: dict[tuple[str, str], deque[ModelCall]] = defaultdict(deque)
        for call in calls:
            self._queues[(call.seat, call.kind)].append(call)
        self.divergences: list[str] = []

    def has_next(self, seat: str, kind: str) -> bool:
        return bool(self._queues.get((seat, kind)))

    def next(self, seat: str, kind: str, messages: list[BaseMessage]) -> ModelCall:
        """The next recorded call of ``seat`` and ``kind``; notes it if its request differs from ``messages``."""
        queue = self._queues.get((seat, kind))
        if not queue:
            raise ReplayExhausted(f"the recording has no further {kind} call for {seat}")
        call = queue.popleft()
        if recorded_messages(messages) != call.request:
            self.divergences.append(f"{seat} {kind} at turn {call.turn}: the prompt differs from the recorded one")
        return call


def replay_chunks(call: ModelCall, tool: str | None) -> Iterator[ChatGenerationChunk]:
    """The recorded reply as stream chunks: its text, then its tool arguments, then usage and model name."""
    pieces = [call.arguments[i : i + CHUNK_CHARS] for i in range(0, len(call.arguments), CHUNK_CHARS)]
    parts: list[dict[str, Any]] = [
        {"name": tool if index == 0 else None, "args": piece, "id": "call_replay" if index == 0 else None, "index": 0}
        for index, piece in enumerate(pieces)
    ]
    last: dict[str, Any] = {}
    if call.usage is not None:
        last["usage_metadata"] = call.usage.model_dump(exclude={"cached_input_tokens"})
        if call.usage.cached_input_tokens:
            last["usage_metadata"]["input_token_details"] = {"cache_read": call.usage.cached_input_tokens}
    if call.model_name:
        last["response_metadata"] = {"model_name": call.model_name}
    if call.content:
        yield ChatGenerationChunk(message=AIMessageChunk(content=call.content))
    for index, part in enumerate(parts):
        extra = last if index == len(parts) - 1 else {}
        yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[part], **extra))
    if not parts:
        yield ChatGenerationChunk(message=AIMessageChunk(content="", **last))


class ReplayChatModel(FunctionChatModel):
    """Plays one seat from a ``Tape``: each call gets that seat's next recorded reply."""

    tape: Tape = Field(exclude=True, repr=False)
    seat: str
    model_name: str = "replay"

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def _llm_type(self) -> str:
        return "parley-replay"

    def _chunks(self, messages: list[BaseMessage]) -> Iterator[ChatGenerationChunk]:
        self.calls.append(list(messages))
        call = self.tape.next(self.seat, self.tool_name or "text", messages)
        if call.error_type is None or call.content or call.arguments:  # a call can fail mid-stream
            yield from replay_chunks(call, self.tool_name)
        if call.error_type is not None:
            raise _error_class(call.error_type)(call.error or "")


class ForkChatModel(ChatModelWrapper):
    """Replays a seat's calls up to delegate turn ``through_turn``, then lets the live model (``inner``) answer.

    A move for a turn up to ``through_turn`` is replayed; so is any other call (a ballot, the
    chair's choice of speaker) made before that turn was complete. All the seats of a fork
    share one ``clock``.
    """

    replay: BaseChatModel = Field(repr=False)
    tape: Tape = Field(exclude=True, repr=False)
    seat: str
    through_turn: int
    clock: TurnClock = Field(exclude=True, repr=False)

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def _llm_type(self) -> str:
        return "parley-fork"

    def replays(self, kind: str) -> bool:
        """Whether a call of ``kind`` made now is answered from the recording."""
        turn = self.clock.now()
        before = turn <= self.through_turn if kind == MOVE else turn < self.through_turn
        return before and self.tape.has_next(self.seat, kind)

    def target(self, tools: list[Any]) -> BaseChatModel:
        return self.replay if self.replays(tool_name(tools) or "text") else self.inner
