"""The embedded model's server: llama-cpp-python's own, telling each reply how much of its prompt was reused.

llama-cpp-python's server keeps evaluated prompts (its KV cache, and with ``--cache`` a RAM
cache of earlier prompts' states) and evaluates only what follows the longest prefix it
already holds. It never says how much that was, and reports no usage at all while
streaming. Run as ``python -m agents.llm.llama_serve <llama_cpp.server arguments>``, this
module counts, for every chat completion, the prompt tokens and the ones actually evaluated,
and adds OpenAI's usage to the reply: ``prompt_tokens_details.cached_tokens`` holds the
reused ones, in a non-streamed reply's ``usage`` and in a last chunk of a stream (as OpenAI
sends it). langchain-openai reads that as ``input_token_details["cache_read"]``, the same
field a real OpenAI prefix cache fills, so the rest of Parley counts both alike. A reply that
ran to ``max_tokens`` ends with ``finish_reason`` "length", as OpenAI's does: llama-cpp-python
says "tool_calls" for a forced tool call however it ended.

Its RAM cache is bounded by ``--cache_size``, but counts only the model's own state of each
prompt, not the logits and token ids kept beside it; ``measuring`` makes it count them too,
so that the size given bounds the memory the cache really takes.

The server handles one request at a time per model (it holds a lock for the whole stream),
so the count can live on the model object.
"""

from __future__ import annotations

import runpy
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass
class CallTokens:
    """Tokens of one chat completion, over every generation it ran."""

    prompt: int = 0
    evaluated: int = 0
    completion: int = 0
    awaiting_prompt: bool = False
    max_tokens: int | None = None  # the reply limit the request gave

    @property
    def cut_off(self) -> bool:
        """Whether the reply ran to its limit (and so may stop mid-sentence or mid-JSON)."""
        return self.max_tokens is not None and self.completion >= self.max_tokens

    def usage(self) -> dict[str, Any]:
        """OpenAI's usage object, with the reused prompt tokens as ``cached_tokens``."""
        return {
            "prompt_tokens": self.prompt,
            "completion_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
            "prompt_tokens_details": {"cached_tokens": max(0, self.prompt - self.evaluated)},
        }


def counting(llama_class: Any) -> None:
    """Patch ``llama_class`` (llama_cpp's ``Llama``) so that each chat completion counts its tokens; once only."""
    if getattr(llama_class, "_parley_counting", False):
        return
    llama_class._parley_counting = True
    generate, evaluate, chat = llama_class.generate, llama_class.eval, llama_class.create_chat_completion

    def counted_generate(self: Any, tokens: Any, *args: Any, **kwargs: Any) -> Iterator[int]:
        call: CallTokens | None = getattr(self, "_parley_call", None)
        if call is not None:
            call.prompt += len(tokens)
            call.awaiting_prompt = True  # the next eval is the part of the prompt not reused
        for token in generate(self, tokens, *args, **kwargs):
            if call is not None:
                call.completion += 1
            yield token

    def counted_eval(self: Any, tokens: Any) -> None:
        call: CallTokens | None = getattr(self, "_parley_call", None)
        if call is not None and call.awaiting_prompt:
            call.evaluated += len(tokens)
            call.awaiting_prompt = False
        return evaluate(self, tokens)

    def counted_chat(self: Any, *args: Any, **kwargs: Any) -> Any:
        call = CallTokens(max_tokens=kwargs.get("max_tokens"))
        self._parley_call = call
        reply = chat(self, *args, **kwargs)
        if kwargs.get("stream"):
            return with_usage_chunk(reply, call)
        reply["usage"] = call.usage()
        return finished(reply, call)

    llama_class.generate = counted_generate
    llama_class.eval = counted_eval
    llama_class.create_chat_completion = counted_chat


def state_bytes(state: Any) -> int:
    """All a cached prompt state holds: the model's state, and the logits and token ids beside it."""
    return int(state.llama_state_size + state.scores.nbytes + state.input_ids.nbytes)


def measuring(cache_class: Any) -> None:
    """Patch ``cache_class`` (llama_cpp's ``LlamaRAMCache``) to count each state's whole size; once only."""
    if getattr(cache_class, "_parley_measuring", False):
        return
    cache_class._parley_measuring = True
    cache_class.cache_size = property(lambda self: sum(state_bytes(s) for s in self.cache_state.values()))


def finished(reply: dict, call: CallTokens) -> dict:
    """``reply`` (a completion or a chunk), its finish reason "length" if the call ran to its limit."""
    choices = reply.get("choices") or []
    if not call.cut_off or not any(choice.get("finish_reason") for choice in choices):
        return reply
    return {**reply, "choices": [{**choice, "finish_reason": "length"} for choice in choices]}


def with_usage_chunk(chunks: Iterator[dict], call: CallTokens) -> Iterator[dict]:
    """The stream's chunks, then one with no choices and the call's usage, as OpenAI ends a stream."""
    last: dict = {}
    for chunk in chunks:
        last = chunk
        yield finished(chunk, call)
    yield {
        "id": last.get("id", "chatcmpl-parley"),
        "object": "chat.completion.chunk",
        "created": last.get("created", int(time.time())),
        "model": last.get("model", ""),
        "choices": [],
        "usage": call.usage(),
    }


def main() -> None:
    from llama_cpp import Llama
    from llama_cpp.llama_cache import LlamaRAMCache

    counting(Llama)
    measuring(LlamaRAMCache)
    sys.argv = ["llama_cpp.server", *sys.argv[1:]]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
