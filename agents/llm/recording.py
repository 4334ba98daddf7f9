"""Record every model call of a session: what was asked, what came back, what it cost, for whom.

Each seat's chat model is wrapped in a ``RecordingChatModel``; all of a session's wrappers
share one ``Recorder``, whose calls go into the transcript (``recording``). That is enough
to replay the session without any model (``agents.sessions.replay``) or to fork it at a turn
(``agents.sessions.fork``).

A call is tagged with the delegate turn it belongs to: a delegate's move and ballot say so
through ``agents.core.current_turn`` (set by the engine); any other call (the chair choosing
between speakers) belongs to the latest turn a delegate was called for. The order of calls
is canonical: by graph step, and within one step (the concurrent vote) by seat, so that a
replay, whose calls finish in another order, records the same list. A call that ran out of
time and was made again is recorded once, as its last attempt (``agents.llm.deadline``).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import var_child_runnable_config
from langchain_core.utils._merge import merge_dicts
from pydantic import BaseModel, ConfigDict, Field

from agents.core.current_turn import current_turn
from agents.core.usage import cache_read
from agents.llm.deadline import CallTimeout, is_retry
from agents.llm.wrapper import ChatModelWrapper, tool_name


class RecordedMessage(BaseModel):
    """One message of a request: its role (``system``, ``human``, ``ai``) and its text."""

    model_config = ConfigDict(extra="forbid")

    role: str
    content: str


class RecordedUsage(BaseModel):
    """Tokens as the model reported them (its ``usage_metadata``)."""

    model_config = ConfigDict(extra="forbid")

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_input_tokens: int = Field(default=0, description="prompt tokens reused from the backend's cache")


class ModelCall(BaseModel):
    """One call to a model, as the transcript keeps it.

    ``kind`` is the tool the model was asked to call (``Move``, ``Ballot``, ``FloorChoice``).
    ``content`` is the reply's text and ``arguments`` its raw tool-call arguments, exactly as
    streamed. ``usage`` and ``model_name`` are what the model reported, None if it did not.
    A call that raised has ``error_type`` and ``error`` instead of a reply.
    """

    model_config = ConfigDict(extra="forbid")

    seat: str
    kind: str
    turn: int
    request: list[RecordedMessage]
    content: str = ""
    arguments: str = ""
    usage: RecordedUsage | None = None
    model_name: str | None = None
    error_type: str | None = None
    error: str | None = None


def recorded_messages(messages: list[BaseMessage]) -> list[RecordedMessage]:
    """The request as plain role and text pairs."""
    return [RecordedMessage(role=message.type, content=_text(message)) for message in messages]


def _text(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else str(message.content)


class _Pending:
    """A call in flight: the parts of its reply as they stream in. Made a ``ModelCall`` at the end.

    Usage and metadata are merged as langchain merges message chunks, without building the
    merged message: this runs for every chunk of every call.
    """

    def __init__(self, seat: str, kind: str, turn: int, messages: list[BaseMessage], order: tuple[int, str, int]):
        self.seat, self.kind, self.turn, self.messages, self.order = seat, kind, turn, messages, order
        self.content: list[str] = []
        self.arguments: list[str] = []
        self.usage: UsageMetadata | None = None
        self.metadata: dict[str, Any] = {}
        self.error: BaseException | None = None

    def take(self, chunk: AIMessageChunk) -> None:
        self.arguments += [part.get("args") or "" for part in chunk.tool_call_chunks if part.get("index") in (0, None)]
        if isinstance(chunk.content, str) and chunk.content:
            self.content.append(chunk.content)
        if chunk.usage_metadata:
            self.usage = add_usage(self.usage, chunk.usage_metadata)
        if chunk.response_metadata:
            self.metadata = merge_dicts(self.metadata, chunk.response_metadata)

    def fail(self, error: BaseException) -> None:
        self.error = error

    def call(self) -> ModelCall:
        usage = None
        if self.usage:
            usage = RecordedUsage(
                input_tokens=self.usage.get("input_tokens", 0),
                output_tokens=self.usage.get("output_tokens", 0),
                total_tokens=self.usage.get("total_tokens", 0),
                cached_input_tokens=cache_read(self.usage),
            )
        name = self.metadata.get("model_name")
        return ModelCall(
            seat=self.seat,
            kind=self.kind,
            turn=self.turn,
            request=recorded_messages(self.messages),
            content="".join(self.content),
            arguments="".join(self.arguments),
            usage=usage,
            model_name=str(name) if name else None,
            error_type=type(self.error).__name__ if self.error else None,
            error=str(self.error) if self.error else None,
        )


class TurnClock:
    """Tells which delegate turn a model call made now belongs to (see the module docstring).

    Share one clock between all the seats of a session: it learns the latest turn from the
    delegates' calls, and gives it to the calls that don't say (the chair's).
    """

    def __init__(self) -> None:
        self.last = 0

    def now(self) -> int:
        turn = current_turn()
        if turn is None:
            return self.last
        self.last = max(self.last, turn)
        return turn


class Recorder:
    """The calls of one session, shared by all its seats' recording models."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._count = itertools.count()
        self.clock = TurnClock()

    def open(self, seat: str, kind: str, messages: list[BaseMessage]) -> _Pending:
        if is_retry():
            self._drop_timed_out(seat, kind)
        turn = self.clock.now()
        step, index = _graph_step(), next(self._count)
        # Outside a graph there is no step to group by: keep the order the calls began in.
        order = (step, seat, index) if step >= 0 else (step, "", index)
        pending = _Pending(seat, kind, turn, list(messages), order)
        self._pending.append(pending)
        return pending

    def _drop_timed_out(self, seat: str, kind: str) -> None:
        """Forget the attempt a retry replaces (``agents.llm.deadline``): a seat's calls of one kind
        are sequential, so it is the seat's latest of that kind, if it ran out of time."""
        latest = next((p for p in reversed(self._pending) if (p.seat, p.kind) == (seat, kind)), None)
        if latest is not None and isinstance(latest.error, CallTimeout):
            self._pending.remove(latest)

    @property
    def calls(self) -> list[ModelCall]:
        """Every call so far, in canonical order."""
        return [pending.call() for pending in sorted(self._pending, key=lambda pending: pending.order)]


def _graph_step() -> int:
    config = var_child_runnable_config.get() or {}
    step = (config.get("metadata") or {}).get("langgraph_step")
    return step if isinstance(step, int) else -1


class RecordingChatModel(ChatModelWrapper):
    """Wraps a seat's model and records each of its calls in a shared ``Recorder``."""

    seat: str
    recorder: Recorder = Field(exclude=True, repr=False)

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def _llm_type(self) -> str:
        return "parley-recording"

    async def astream_call(
        self, messages: list[BaseMessage], tools: list[Any], tool_choice: Any, config: RunnableConfig | None, **kwargs
    ) -> AsyncIterator[AIMessageChunk]:
        pending = self.recorder.open(self.seat, tool_name(tools) or "text", messages)
        try:
            async for chunk in super().astream_call(messages, tools, tool_choice, config, **kwargs):
                pending.take(chunk)
                yield chunk
        except Exception as error:
            pending.fail(error)
            raise

    def stream_call(
        self, messages: list[BaseMessage], tools: list[Any], tool_choice: Any, config: RunnableConfig | None, **kwargs
    ) -> Iterator[AIMessageChunk]:
        pending = self.recorder.open(self.seat, tool_name(tools) or "text", messages)
        try:
            for chunk in super().stream_call(messages, tools, tool_choice, config, **kwargs):
                pending.take(chunk)
                yield chunk
        except Exception as error:
            pending.fail(error)
            raise
