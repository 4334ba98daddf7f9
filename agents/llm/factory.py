"""Turn a model spec (``openai:<name>``, ``local``, ``scripted``) into a langchain chat model.

A spec is ``BACKEND`` or ``BACKEND:ARGUMENT``; ``BACKENDS`` maps each backend's name to how
its argument is checked and how its model is built, so a new backend is one entry there
(see CONTRIBUTING.md). A ``ModelPool`` owns what the models need while a session (or a
batch) runs: it starts the embedded model's server once, on first use, and stops it on exit.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel

from agents.llm.local_server import MODEL_ALIAS, LocalModelServer
from agents.llm.scripted.model import ScriptedChatModel

if TYPE_CHECKING:
    from agents.llm.limits import CallLimits

LOCAL_LABEL = "local:SmolLM2-135M-Instruct"
# The embedded model's replies are capped lower than others': its sound replies are short
# (under 120 tokens in the demo), and when it rambles, a reply that never closes its JSON runs
# to the cap at about 15 tokens a second before the repair attempt; 160 halves that waste.
LOCAL_MAX_TOKENS = 160
SCRIPTED_LABEL = "scripted (deterministic rehearsal model, not a language model)"


def compact_prompts(label: str) -> bool:
    """Whether the seat a model of this label plays gets the compact brief: the embedded model's.

    SmolLM2-135M reads prompts at about 150 tokens a second on 2 cores, and it cannot use a
    claim's source or a page on how its delegation sees the others; every other model gets
    the full brief. Decided by label, so that a replay or fork renders what the original did.
    """
    return label == LOCAL_LABEL


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


@dataclass(frozen=True)
class Backend:
    """One kind of model: how its spec is written, which arguments it takes, how it is built."""

    usage: str  # the spec as a user writes it, for error messages
    accepts: Callable[[str], bool]  # the part after ``name:`` ("" when there is none)
    build: Callable[[ModelPool, str, ModelSettings], ModelHandle]


def check_spec(spec: str) -> str:
    """Return ``spec`` if a registered backend accepts it, else raise ModelSpecError."""
    name, _, argument = spec.partition(":")
    backend = BACKENDS.get(name)
    if backend is None or not backend.accepts(argument) or spec.endswith(":") and not argument:
        usages = ", ".join(backend.usage for backend in BACKENDS.values())
        raise ModelSpecError(f"unknown model spec '{spec}': use {usages}")
    return spec


def spec_of_label(label: str) -> str | None:
    """The spec that builds a model with ``label`` (how transcripts name a seat's holder).

    None for a label no backend gives: a person's, or a label a caller chose for its own model.
    A ``scripted:<seconds>`` model is labelled as ``scripted``, and is given back without its pause.
    """
    built_in = {LOCAL_LABEL: "local", SCRIPTED_LABEL: "scripted"}
    if label in built_in:
        return built_in[label]
    if label.startswith("openai:"):
        try:
            return check_spec(label)
        except ModelSpecError:
            return None
    return None


@dataclass
class ModelPool:
    """Creates chat models from specs; owns the local server. Use ``with ModelPool(...) as pool``."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    environ: dict[str, str] | None = None
    _server: LocalModelServer | None = None
    _limits: CallLimits | None = None
    _local_slot: asyncio.Semaphore | None = None

    def get(self, spec: str, seed: int | None = None) -> ModelHandle:
        """A model for ``spec``; ``seed`` (else the pool's) seeds its sampling."""
        name, _, argument = check_spec(spec).partition(":")
        settings = self.settings if seed is None else replace(self.settings, seed=seed)
        return BACKENDS[name].build(self, argument, settings)

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
        # A compatible server may read only the older ``max_tokens`` (see ``_local_model``).
        extra = {"extra_body": {"max_tokens": settings.max_tokens}} if base_url else {}
        return self._chat_openai(
            name, base_url, api_key, settings, rate_limiter=limits.rate_limiter, call_slots=limits.slots, **extra
        )

    def _local_model(self, settings: ModelSettings) -> BaseChatModel:
        if self._server is None:
            self._server = LocalModelServer().start()
        # langchain-openai sends the reply limit as ``max_completion_tokens``, which
        # llama-cpp-python's server does not read: without ``max_tokens`` too, a rambling reply
        # (a list that never closes) runs on until the context is full, minutes on 2 cores.
        settings = replace(settings, max_tokens=min(settings.max_tokens, LOCAL_MAX_TOKENS))
        extra = {"repeat_penalty": settings.repeat_penalty, "max_tokens": settings.max_tokens}
        # The server answers one request at a time. Six ballots sent at once would queue there,
        # each with its time limit running: on a busy machine the last ones ran out of time
        # waiting, were sent again, and the server read their prompts twice. One slot for every
        # seat's local model makes a call start its clock only when the server takes it.
        if self._local_slot is None:
            self._local_slot = asyncio.Semaphore(1)
        return self._chat_openai(
            MODEL_ALIAS, self._server.base_url, "local", settings, extra_body=extra, call_slots=self._local_slot
        )

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


def _scripted(pool: ModelPool, pause: str, settings: ModelSettings) -> ModelHandle:
    model = ScriptedChatModel(seed=settings.seed or 0, pause_seconds=float(pause or 0))
    return ModelHandle(model, SCRIPTED_LABEL)


def _local(pool: ModelPool, _: str, settings: ModelSettings) -> ModelHandle:
    return ModelHandle(pool._local_model(settings), LOCAL_LABEL)


def _openai(pool: ModelPool, name: str, settings: ModelSettings) -> ModelHandle:
    return ModelHandle(pool._openai_model(name, settings), f"openai:{name}")


BACKENDS: dict[str, Backend] = {
    "openai": Backend("openai:<model name>", lambda name: bool(name), _openai),
    "local": Backend("local", lambda argument: argument == "", _local),
    # scripted:<seconds> pauses that long per call (a simulated latency)
    "scripted": Backend(
        "scripted or scripted:<seconds>", lambda pause: re.fullmatch(r"(\d+(\.\d+)?)?", pause) is not None, _scripted
    ),
}
