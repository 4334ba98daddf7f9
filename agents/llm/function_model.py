"""A chat model whose replies come from a Python function: the base of the scripted model and of tests.

It behaves like a tool-calling model: ``bind_tools`` records which schema is asked for, and
each reply is streamed as tool-call chunks with usage metadata, so the engine's real code
path (streaming, parsing, repair, usage) runs against it. A function returning a ``dict``
answers with those tool arguments; returning a ``str`` sends that text as the raw arguments,
which is how tests feed malformed output. Every prompt it receives is kept in ``calls``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.utils import count_tokens_approximately
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

Reply = Callable[[list[BaseMessage], str | None], "dict[str, Any] | str"]
CHUNK_CHARS = 24


def _no_reply(messages: list[BaseMessage], tool: str | None) -> dict[str, Any]:
    return {}


class FunctionChatModel(BaseChatModel):
    """Replies computed by ``reply(messages, tool_name)``; prompts recorded in ``calls``."""

    reply: Reply = Field(default=_no_reply, exclude=True, repr=False)
    model_name: str = "function"
    tool_name: str | None = None
    calls: list[list[BaseMessage]] = Field(default_factory=list, exclude=True, repr=False)
    chunk_chars: int = Field(default=CHUNK_CHARS, description="characters of arguments per streamed chunk")
    pause_seconds: float = Field(default=0.0, description="simulated latency before each streamed reply")
    _copies: dict[str | None, FunctionChatModel] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "parley-function"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any):
        first = tools[0] if tools else None
        name = getattr(first, "__name__", None) or (first or {}).get("name")
        bound = self._copies.get(name)
        if bound is None:  # one copy per tool, reused: langchain caches its serialised form per instance
            bound = self.model_copy(update={"tool_name": name})
            bound.calls = self.calls  # copies share one record of prompts
            self._copies[name] = bound
        return bound

    def reply_text(self, messages: list[BaseMessage]) -> str:
        """The raw tool-call arguments for this prompt."""
        answer = self.reply(messages, self.tool_name)
        return answer if isinstance(answer, str) else json.dumps(answer)

    def _metadata(self, messages: list[BaseMessage], arguments: str) -> dict[str, Any]:
        usage = {"input_tokens": count_tokens_approximately(messages), "output_tokens": max(1, len(arguments) // 4)}
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        return {"usage_metadata": usage, "response_metadata": {"model_name": self.model_name}}

    def _chunks(self, messages: list[BaseMessage]) -> Iterator[ChatGenerationChunk]:
        self.calls.append(list(messages))
        arguments = self.reply_text(messages)
        call_id = "call_" + hashlib.sha1(arguments.encode()).hexdigest()[:12]
        size = self.chunk_chars
        pieces = [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]
        for index, piece in enumerate(pieces):
            first, last = index == 0, index == len(pieces) - 1
            part = {
                "name": self.tool_name if first else None,
                "args": piece,
                "id": call_id if first else None,
                "index": 0,
            }
            extra = self._metadata(messages, arguments) if last else {}
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[part], **extra))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        merged = None
        for chunk in self._chunks(messages):
            merged = chunk.message if merged is None else merged + chunk.message
        assert merged is not None, "_chunks yields at least one chunk, an empty one for an empty reply"
        message = AIMessage(**merged.model_dump(exclude={"type", "tool_call_chunks"}))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield from self._chunks(messages)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        if self.pause_seconds:
            await asyncio.sleep(self.pause_seconds)  # a simulated model latency, not a wait for a race
        for chunk in self._chunks(messages):
            yield chunk
