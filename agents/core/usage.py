"""Tokens a model call cost: what events, transcripts and the review add up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


class Usage(BaseModel):
    """Tokens of one model call. ``estimated`` when the backend did not report them.

    ``cached_input_tokens`` are the part of ``input_tokens`` the backend reused from its
    prompt cache instead of reading afresh (OpenAI's ``cached_tokens``; the embedded server's
    reused prefix): billed at the cheaper cached rate, and what makes a long prompt fast.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            estimated=self.estimated or other.estimated,
        )


def cache_read(metadata: Mapping[str, Any]) -> int:
    """Prompt tokens a backend served from its cache, as langchain's usage metadata says
    (``input_token_details.cache_read``: OpenAI's ``cached_tokens``); 0 when it does not say."""
    return (metadata.get("input_token_details") or {}).get("cache_read") or 0
