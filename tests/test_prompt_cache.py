"""The embedded server tells each reply how many prompt tokens it reused (agents/llm/llama_serve.py).

The counting is tested on a stand-in with llama-cpp-python's shape (``generate`` evaluates
only what follows the prefix it holds); the real server is tested in test_embedded_model.
"""

from __future__ import annotations

import pytest

from agents.llm.llama_serve import counting, measuring


class PrefixReusingModel:
    """Like llama_cpp.Llama: keeps the last prompt's tokens and evaluates only the new suffix."""

    def __init__(self) -> None:
        self.held: list[int] = []
        self.evaluated: list[list[int]] = []

    def eval(self, tokens: list[int]) -> None:
        self.evaluated.append(list(tokens))
        self.held += list(tokens)

    def generate(self, tokens: list[int], **_: object):
        same = 0
        for held, new in zip(self.held, tokens, strict=False):
            if held != new:
                break
            same += 1
        self.held = self.held[:same]
        self.eval(tokens[same:])
        for token in (7, 8, 9):
            self.eval([token])
            yield token

    def create_chat_completion(self, messages: list[list[int]], stream: bool = False, max_tokens: int | None = None):
        if stream:
            return self._chunks(messages[0])
        generated = list(self.generate(messages[0]))
        choice = {"finish_reason": "tool_calls"}
        return {"id": "reply", "choices": [choice], "usage": {"prompt_tokens": len(messages[0]), "n": len(generated)}}

    def _chunks(self, prompt: list[int]):
        """Chunks as the real one streams them: the finish reason comes after the last token."""
        for _ in self.generate(prompt):
            yield {"id": "chunk-1", "created": 5, "model": "m", "choices": [{"delta": {"content": "x"}}]}
        yield {"id": "chunk-1", "created": 5, "model": "m", "choices": [{"delta": {}, "finish_reason": "tool_calls"}]}


def test_each_reply_says_how_many_prompt_tokens_were_reused():
    counting(PrefixReusingModel)
    model = PrefixReusingModel()
    first = model.create_chat_completion([[1, 2, 3, 4, 5]])
    assert first["usage"]["prompt_tokens"] == 5 and first["usage"]["prompt_tokens_details"] == {"cached_tokens": 0}
    second = model.create_chat_completion([[1, 2, 3, 4, 5, 7, 8, 6]])  # the first prompt, its reply, one more
    assert second["usage"]["prompt_tokens_details"] == {"cached_tokens": 7}
    assert second["usage"]["completion_tokens"] == 3 and second["usage"]["total_tokens"] == 11


def test_a_stream_ends_with_a_chunk_carrying_the_usage_as_openai_sends_it():
    counting(PrefixReusingModel)
    model = PrefixReusingModel()
    model.create_chat_completion([[1, 2, 3]])
    chunks = list(model.create_chat_completion([[1, 2, 3, 4]], stream=True))
    assert chunks[0]["choices"] and chunks[-1]["choices"] == []
    assert chunks[-1]["id"] == "chunk-1" and chunks[-1]["object"] == "chat.completion.chunk"
    assert chunks[-1]["usage"]["prompt_tokens"] == 4
    assert chunks[-1]["usage"]["prompt_tokens_details"] == {"cached_tokens": 3}


def test_a_reply_that_ran_to_its_limit_ends_with_finish_reason_length_as_openai_says_it():
    counting(PrefixReusingModel)
    model = PrefixReusingModel()  # every reply is three tokens long
    chunks = list(model.create_chat_completion([[1]], stream=True, max_tokens=3))
    ended = [c["choices"][0].get("finish_reason") for c in chunks if c["choices"]]
    assert ended[-1] == "length" and set(ended[:-1]) == {None}
    short_of_it = list(model.create_chat_completion([[2]], stream=True, max_tokens=4))
    assert short_of_it[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert model.create_chat_completion([[3]], max_tokens=3)["choices"][0]["finish_reason"] == "length"
    assert model.create_chat_completion([[4]])["choices"][0]["finish_reason"] == "tool_calls"


def test_the_server_runs_with_its_prompt_cache_unless_told_otherwise(monkeypatch):
    from agents.llm.local_server import LocalModelError, LocalModelServer

    monkeypatch.delenv("PARLEY_PROMPT_CACHE_MB", raising=False)
    command = LocalModelServer().command()
    assert command[command.index("--n_threads") + 1] == "1"  # replies: one thread; prompts: every core
    assert command[command.index("--n_batch") + 1] == "128"  # the logits each cached state copies: 24 MiB
    assert command[command.index("--logits_all") + 1] == "False"  # not every prompt token's logits
    assert command[command.index("--n_threads_batch") + 1] == str(LocalModelServer().threads)
    assert command[command.index("--cache") + 1] == "True"
    assert int(command[command.index("--cache_size") + 1]) == 2048 << 20
    monkeypatch.setenv("PARLEY_PROMPT_CACHE_MB", "0")
    assert "--cache" not in LocalModelServer().command()
    monkeypatch.setenv("PARLEY_PROMPT_CACHE_MB", "lots")
    with pytest.raises(LocalModelError, match="PARLEY_PROMPT_CACHE_MB must be a whole number"):
        LocalModelServer().command()


def test_the_prompt_cache_counts_the_logits_each_state_keeps_and_stays_within_its_size():
    """llama-cpp-python's RAM cache counts only the model's state; the logits beside it must count too."""
    from types import SimpleNamespace

    import numpy as np
    from llama_cpp.llama_cache import LlamaRAMCache

    measuring(LlamaRAMCache)

    def state(model_bytes: int, logits_rows: int):
        scores = np.zeros((logits_rows, 1024), dtype=np.single)  # 4 KiB a row
        return SimpleNamespace(llama_state_size=model_bytes, scores=scores, input_ids=np.zeros(16, dtype=np.intc))

    cache = LlamaRAMCache(capacity_bytes=100 * 1024)
    for prompt in range(5):
        cache[(prompt,)] = state(model_bytes=10 * 1024, logits_rows=5)  # 10 KiB + 20 KiB of logits + ids
    kept = list(cache.cache_state.values())
    assert len(kept) == 3  # 30 KiB each: three fit in 100 KiB; counting the model's state alone kept all five
    assert cache.cache_size == sum(s.llama_state_size + s.scores.nbytes + s.input_ids.nbytes for s in kept)
    assert (4,) in cache and (0,) not in cache  # the oldest went first
