"""Ask a chat model for a pydantic-typed answer through a forced tool call, streaming its text.

One path for every backend (OpenAI, an OpenAI-compatible server, the scripted model): bind
the schema as the only tool, stream the reply, parse the tool arguments ourselves. Parsing
the arguments (not ``message.tool_calls``) matters: llama-cpp-python's server repeats the
tool name in every streamed chunk, so the merged name is garbage while the arguments are fine.
A call that runs out of time (``agents.llm.deadline``) is made again from the start.

A reply that does not parse is asked for once more, with the error, unless it was cut off at
the reply limit (``finish_reason`` "length"): asked again under the same limit, a model runs
to it again (the embedded model repeated itself word for word). A cut-off reply is taken as
far as it went: its JSON closed where it stopped, if that makes a valid answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.messages.utils import count_tokens_approximately
from langchain_core.utils._merge import merge_dicts
from langchain_core.utils.json import parse_partial_json
from pydantic import BaseModel, ValidationError

from agents.core.loading import describe_validation_error
from agents.core.prompts import render
from agents.core.usage import Usage, cache_read
from agents.llm.deadline import CallTimeout, retrying

SchemaT = TypeVar("SchemaT", bound=BaseModel)
TextSink = Callable[[str], None]
RETRY_NOTE = " [no complete reply in time; asking again] "


@dataclass
class StructuredReply(Generic[SchemaT]):
    """The parsed answer (or None), the best text we could salvage, and what it cost."""

    value: SchemaT | None
    text: str
    usage: Usage
    model: str
    repaired: bool = False
    error: str | None = None
    cut_off: bool = False  # the reply ran to the reply limit; ``value`` is what it held by then


@dataclass
class _Attempt:
    """One streamed reply. Usage and metadata are merged as langchain merges message chunks,
    without building the merged message (a pydantic model re-validated on every addition)."""

    arguments: str
    content: str
    usage: UsageMetadata | None
    metadata: dict | None  # None if no chunk came back

    @property
    def raw(self) -> str:
        """The answer as written: the tool call's arguments, else the plain text."""
        return self.arguments.strip() or self.content.strip()

    @property
    def cut_off(self) -> bool:
        """Whether the model stopped at the reply limit rather than at the end of its answer."""
        return (self.metadata or {}).get("finish_reason") == "length"


async def ask_structured(
    model: BaseChatModel,
    messages: list[BaseMessage],
    schema: type[SchemaT],
    on_text: TextSink | None = None,
    text_field: str = "text",
) -> StructuredReply[SchemaT]:
    """Ask once; if the reply does not parse, ask once more with the error; never raise on bad output.

    Model errors (network, timeouts, after their retries) do propagate.
    """
    first = await _stream_attempt(model, messages, schema, on_text, text_field)
    value, error = _parse(first, schema)
    usage = _usage(messages, first)
    if value is not None:
        return StructuredReply(value, _text_of(first, text_field), usage, _model_name(model, first))
    if first.cut_off:
        value = _completed(first, schema)
        problem = None if value is not None else f"cut off at the reply limit, {error}"
        text = _text_of(first, text_field)
        return StructuredReply(value, text, usage, _model_name(model, first), error=problem, cut_off=True)
    repair = [
        *messages,
        AIMessage(content=first.content or first.arguments),
        HumanMessage(content=render("repair.j2", schema=schema.__name__, error=error)),
    ]
    second = await _stream_attempt(model, repair, schema, None, text_field)
    usage = usage + _usage(repair, second)
    value, second_error = _parse(second, schema)
    text = _text_of(second, text_field) or _text_of(first, text_field)
    return StructuredReply(
        value=value,
        text=text,
        usage=usage,
        model=_model_name(model, second),
        repaired=value is not None,
        error=None if value is not None else second_error,
    )


async def _stream_attempt(
    model: BaseChatModel,
    messages: list[BaseMessage],
    schema: type[BaseModel],
    on_text: TextSink | None,
    text_field: str,
) -> _Attempt:
    """One reply, streamed; a call that ran out of time is made afresh, as often as its error allows."""
    retries = 0
    while True:
        try:
            with retrying(retries > 0):
                return await _stream_once(model, messages, schema, on_text, text_field)
        except CallTimeout as timeout:
            if retries >= timeout.retries:
                raise
            retries += 1
            if on_text is not None:
                on_text(RETRY_NOTE)  # what streamed so far is dropped: the reply starts again


async def _stream_once(
    model: BaseChatModel,
    messages: list[BaseMessage],
    schema: type[BaseModel],
    on_text: TextSink | None,
    text_field: str,
) -> _Attempt:
    bound = model.bind_tools([schema], tool_choice=schema.__name__)
    arguments, content = "", ""
    usage: UsageMetadata | None = None
    metadata: dict | None = None
    shown = 0
    async for chunk in bound.astream(messages):
        metadata = merge_dicts(metadata or {}, chunk.response_metadata)
        if chunk.usage_metadata:
            usage = add_usage(usage, chunk.usage_metadata)
        # bind_tools is typed as a runnable giving AIMessage, but a chat model streams AIMessageChunks.
        parts = cast(AIMessageChunk, chunk).tool_call_chunks
        arguments += "".join(part.get("args") or "" for part in parts if part.get("index") in (0, None))
        if isinstance(chunk.content, str):
            content += chunk.content
        if on_text is not None:
            text = _partial_field(arguments, text_field)
            if len(text) > shown:
                on_text(text[shown:])
                shown = len(text)
    return _Attempt(arguments=arguments, content=content, usage=usage, metadata=metadata)


def _partial_field(arguments: str, field: str) -> str:
    try:
        partial = parse_partial_json(arguments) if arguments else None
    except (ValueError, TypeError):
        return ""
    value = partial.get(field) if isinstance(partial, dict) else None
    return value if isinstance(value, str) else ""


def _parse(attempt: _Attempt, schema: type[SchemaT]) -> tuple[SchemaT | None, str]:
    raw = attempt.raw
    if not raw:
        return None, "the reply was empty"
    try:
        return schema.model_validate(json.loads(raw, strict=False)), ""
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error.msg} at character {error.pos})"
    except ValidationError as error:
        return None, "; ".join(describe_validation_error(error))


def _completed(attempt: _Attempt, schema: type[SchemaT]) -> SchemaT | None:
    """A cut-off reply's JSON closed where it stopped, if that is a valid answer."""
    try:
        partial = parse_partial_json(attempt.raw)
        return schema.model_validate(partial)
    except (ValueError, TypeError, ValidationError):  # ValidationError is a ValueError; named for the reader
        return None


def _text_of(attempt: _Attempt, field: str) -> str:
    return (_partial_field(attempt.arguments, field) or attempt.content).strip()


def _usage(messages: list[BaseMessage], attempt: _Attempt) -> Usage:
    reported = attempt.usage
    if reported and reported.get("input_tokens"):
        return Usage(
            input_tokens=reported["input_tokens"],
            output_tokens=reported["output_tokens"],
            cached_input_tokens=cache_read(reported),
        )
    output = AIMessage(content=attempt.arguments + attempt.content)
    return Usage(
        input_tokens=count_tokens_approximately(messages),
        output_tokens=count_tokens_approximately([output]),
        estimated=True,
    )


def _model_name(model: BaseChatModel, attempt: _Attempt) -> str:
    if attempt.metadata is not None:
        name = attempt.metadata.get("model_name")
        if name:
            return str(name)
    return getattr(model, "model_name", None) or type(model).__name__
