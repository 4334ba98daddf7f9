"""Turn a model spec (``openai:<name>``, ``local``, ``scripted``) into a langchain chat model.

A ``ModelPool`` owns what the models need while a session (or a batch) runs: it starts the
embedded model's server once, on first use, and stops it on exit. Backends are imported
lazily, so a missing optional package is reported with the spec that needed it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel

from agents.llm.local_server import MODEL_ALIAS, LocalModelServer
from agents.llm.scripted.model import ScriptedChatModel

if TYPE_CHECKING:
    from agents.llm.limits import CallLimits

LOCAL_LABEL = "local:SmolLM2-135M-Instruct"
SCRIPTED_LABEL = "scripted (deterministic rehearsal model, not a language model)"


class ModelSpecError(ValueError):
    """A model spec that names no known backend, or one that cannot be used here."""


@dataclass(frozen=True)
class ModelSettings:
    """Sampling and reliability settings shared by every model of a session."""

    seed: int | None = None
    temperature: float = 0.7
    max_tokens: int = 320
    timeout_seconds: float = 120.0  # for the whole of one call, streaming included
    max_retries: int = 2  # of a call that failed or timed out
    repeat_penalty: float = 1.2
    requests_per_second: float | None = None  # shared by every openai: model of the pool
    max_concurrent_calls: int | None = None  # likewise: calls in flight at once


@dataclass
class ModelHandle:
    model: BaseChatModel
    label: str


def default_spec(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The spec to use when none is given, and why."""
    variables = os.environ if environ is None else environ
    if variables.get("OPENAI_API_KEY"):
        return "openai:gpt-4o-mini", "OPENAI_API_KEY is set"
    return "local", "OPENAI_API_KEY is not set, so the embedded SmolLM2-135M-Instruct model is used"


def check_spec(spec: str) -> str:
    """Return ``spec`` if it is well formed, else raise ModelSpecError."""
    if spec in ("local", "scripted"):
        return spec
    if re.fullmatch(r"scripted:\d+(\.\d+)?", spec):  # scripted, pausing that many seconds per call
        return spec
    if spec.startswith("openai:") and len(spec) > len("openai:"):
        return spec
    raise ModelSpecError(f"unknown model spec '{spec}': use openai:<model name>, local, scripted or scripted:<seconds>")


@dataclass
class ModelPool:
    """Creates chat models from specs; owns the local server. Use ``with ModelPool(...) as pool``."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    environ: dict[str, str] | None = None
    _server: LocalModelServer | None = None
    _limits: CallLimits | None = None

    def get(self, spec: str, seed: int | None = None) -> ModelHandle:
        """A model for ``spec``; ``seed`` (else the pool's) seeds its sampling."""
        check_spec(spec)
        settings = self.settings if seed is None else replace(self.settings, seed=seed)
        if spec.startswith("scripted"):
            pause = float(spec.partition(":")[2] or 0)
            return ModelHandle(ScriptedChatModel(seed=settings.seed or 0, pause_seconds=pause), SCRIPTED_LABEL)
        if spec == "local":
            return ModelHandle(self._local_model(settings), LOCAL_LABEL)
        return ModelHandle(self._openai_model(spec.removeprefix("openai:"), settings), spec)

    @property
    def limits(self) -> CallLimits:
        """The rate limiter and concurrency cap every remote model of this pool shares."""
        if self._limits is None:
            from agents.llm.limits import CallLimits

            self._limits = CallLimits.create(self.settings.requests_per_second, self.settings.max_concurrent_calls)
        return self._limits

    def _openai_model(self, name: str, settings: ModelSettings) -> BaseChatModel:
        environ = os.environ if self.environ is None else self.environ
        base_url = environ.get("OPENAI_BASE_URL") or None
        api_key = environ.get("OPENAI_API_KEY") or ("not-needed" if base_url else None)
        if api_key is None:
            raise ModelSpecError(
                f"model 'openai:{name}' needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)"
            )
        limits = self.limits
        return self._chat_openai(
            name, base_url, api_key, settings, rate_limiter=limits.rate_limiter, call_slots=limits.slots
        )

    def _local_model(self, settings: ModelSettings) -> BaseChatModel:
        if self._server is None:
            self._server = LocalModelServer().start()
        extra = {"repeat_penalty": settings.repeat_penalty}
        return self._chat_openai(MODEL_ALIAS, self._server.base_url, "local", settings, extra_body=extra)

    def _chat_openai(
        self, name: str, base_url: str | None, api_key: str, settings: ModelSettings, **extra
    ) -> BaseChatModel:
        try:
            from agents.llm.limits import CappedChatOpenAI
        except ImportError as error:  # pragma: no cover - a base dependency
            raise ModelSpecError("openai models need langchain-openai: pip install langchain-openai") from error
        return CappedChatOpenAI(
            model=name,
            base_url=base_url,
            api_key=api_key,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            seed=settings.seed,
            call_timeout=settings.timeout_seconds,
            # httpx's own timeout only limits each wait for bytes. Kept longer than the whole-call
            # limit (which starts first), so that a timeout is always the one that is retried alike.
            timeout=2 * settings.timeout_seconds,
            max_retries=settings.max_retries,
            stream_usage=True,
            **extra,
        )

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> ModelPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
