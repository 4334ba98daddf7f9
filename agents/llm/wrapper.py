"""A chat model that hands every call to another one: the base of the recording and fork models.

``bind_tools`` returns a light ``BoundCall`` rather than a copy of the wrapper: a call on it
goes straight to ``astream_call``, which binds the tools on the model ``target()`` names at
that moment and streams its reply through. Skipping a second pass through langchain's own
call machinery (callbacks, serialisation, chunk merging) halves the wrapper's cost per
call, which matters when a session's whole overhead is about a millisecond a turn.
Subclasses decide which model answers (``target``) or watch the call go by (``astream_call``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import Field, PrivateAttr


def tool_name(tools: Sequence[Any]) -> str | None:
    """The name of the first tool (a pydantic class, a function or a schema dict)."""
    if not tools:
        return None
    first = tools[0]
    if isinstance(first, dict):
        return first.get("name") or (first.get("function") or {}).get("name")
    return getattr(first, "__name__", None)


class ChatModelWrapper(BaseChatModel):
    """Passes each call to ``target()``; see the module docstring."""

    inner: BaseChatModel = Field(repr=False)
    _bindings: dict[tuple, BoundCall] = PrivateAttr(default_factory=dict)
    _bound_models: dict[tuple, tuple[Any, ...]] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "parley-wrapper"

    @property
    def model_name(self) -> str:
        """The wrapped model's name, so that labels read the same with or without the wrapper."""
        return getattr(self.inner, "model_name", None) or type(self.inner).__name__

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> BoundCall:  # type: ignore[override]
        key = (
            tuple(tool_name([tool]) for tool in tools),
            tool_choice if isinstance(tool_choice, str) else id(tool_choice),
        )
        if key not in self._bindings:
            self._bindings[key] = BoundCall(self, list(tools), tool_choice)
        return self._bindings[key]

    def target(self, tools: list[Any]) -> BaseChatModel:
        """The model that answers the next call asking for ``tools``."""
        return self.inner

    def _bind(self, tools: list[Any], tool_choice: Any) -> Runnable:
        model = self.target(tools)
        if not tools:
            return model
        # A BoundCall passes the same ``tools`` list every time: bind once per answering model.
        # (ChatOpenAI's bind_tools converts the schema anew on each call, some 300 us.)
        key = (id(model), id(tools), tool_choice if isinstance(tool_choice, str) else id(tool_choice))
        cached = self._bound_models.get(key)
        if cached is None:
            if len(self._bound_models) >= 64:  # a target() that makes a new model per call gains nothing
                self._bound_models.clear()
            cached = (model, tools, tool_choice, model.bind_tools(tools, tool_choice=tool_choice))
            self._bound_models[key] = cached  # holding the objects keeps their ids from being reused
        return cached[3]

    async def astream_call(
        self, messages: list[BaseMessage], tools: list[Any], tool_choice: Any, config: RunnableConfig | None, **kwargs
    ) -> AsyncIterator[AIMessageChunk]:
        """One call: stream the answering model's chunks."""
        async for chunk in self._bind(tools, tool_choice).astream(messages, config, **kwargs):
            yield chunk

    def stream_call(
        self, messages: list[BaseMessage], tools: list[Any], tool_choice: Any, config: RunnableConfig | None, **kwargs
    ) -> Iterator[AIMessageChunk]:
        """The same, synchronously."""
        yield from self._bind(tools, tool_choice).stream(messages, config, **kwargs)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        async for chunk in self.astream_call(messages, [], None, None, stop=stop, **kwargs):
            yield ChatGenerationChunk(message=chunk)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in self.stream_call(messages, [], None, None, stop=stop, **kwargs):
            yield ChatGenerationChunk(message=chunk)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        merged = merge_chunks(list(self.stream_call(messages, [], None, None, stop=stop, **kwargs)))
        return ChatResult(generations=[ChatGeneration(message=merged)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        chunks = [chunk async for chunk in self.astream_call(messages, [], None, None, stop=stop, **kwargs)]
        return ChatResult(generations=[ChatGeneration(message=merge_chunks(chunks))])


class BoundCall(Runnable[LanguageModelInput, BaseMessage]):
    """A wrapper with tools bound: each call goes to the wrapper's ``astream_call``."""

    def __init__(self, wrapper: ChatModelWrapper, tools: list[Any], tool_choice: Any):
        self.wrapper = wrapper
        self.tools = tools
        self.tool_choice = tool_choice

    def _messages(self, input: LanguageModelInput) -> list[BaseMessage]:
        if isinstance(input, list) and all(isinstance(message, BaseMessage) for message in input):
            return list(input)  # what the conversion below gives for a list of messages, without its cost
        return self.wrapper._convert_input(input).to_messages()

    async def astream(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[AIMessageChunk]:
        async for chunk in self.wrapper.astream_call(
            self._messages(input), self.tools, self.tool_choice, config, **kwargs
        ):
            yield chunk

    def stream(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[AIMessageChunk]:
        yield from self.wrapper.stream_call(self._messages(input), self.tools, self.tool_choice, config, **kwargs)

    def invoke(self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any) -> BaseMessage:
        return merge_chunks(list(self.stream(input, config, **kwargs)))

    async def ainvoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> BaseMessage:
        return merge_chunks([chunk async for chunk in self.astream(input, config, **kwargs)])


def merge_chunks(chunks: list[AIMessageChunk]) -> AIMessage:
    """Streamed chunks as one message."""
    merged: AIMessageChunk | None = None
    for chunk in chunks:
        merged = chunk if merged is None else merged + chunk
    if merged is None:
        return AIMessage(content="")
    return AIMessage(**merged.model_dump(exclude={"type", "tool_call_chunks", "chunk_position"}))
