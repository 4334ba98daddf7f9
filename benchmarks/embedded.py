"""Benchmark 5: one six-party-2003 session on the embedded model (SmolLM2-135M via llama-cpp-python).

Prints the wall time (server start-up included, and apart), tokens and tokens per second
(as the model server reports them: Parley's server, ``agents/llm/llama_serve.py``, adds
usage to every reply), the prompt tokens the server evaluated and those it reused from its
prompt cache (goal: reused at least 60% of the two), and peak memory (VmHWM from /proc) of
this process and of the model server. ``--model scripted`` runs without any model (for a
quick check of the script); ``--max-turns`` caps the delegate turns; ``--demo`` runs the
quick start's short session (``parley run --demo``: every phase, its turn cap, one round of
plans). It also prints the model calls by kind and the tokens they wrote.

    .venv/bin/python benchmarks/embedded.py --model local
    .venv/bin/python benchmarks/embedded.py --model local --demo
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from agents.cli.run import demo_shape
from agents.core.catalog import Catalog
from agents.llm.factory import ModelPool, ModelSettings
from agents.sessions.run import prepare, run_prepared
from agents.sessions.settings import RunSettings


def peak_memory_mib(pid: int | str = "self") -> float | None:
    """VmHWM (peak resident set) of a process, in MiB; None where /proc does not tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def main(model: str, max_turns: int | None, seed: int, demo: bool) -> None:
    out = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    options = RunSettings(model=model, seed=seed, max_turns=max_turns, out=out)
    if demo:
        options = options.model_copy(update=demo_shape(None))
    started = time.perf_counter()
    with ModelPool(ModelSettings(seed=seed)) as pool:
        prepared = prepare(options, pool, Catalog())  # starts the server for `local`
        ready = time.perf_counter()
        transcript = await run_prepared(prepared)
        finished = time.perf_counter()
        server = pool._server.process.pid if pool._server and pool._server.process else None
        server_peak = peak_memory_mib(server) if server else None
    usage = transcript.total_usage()
    session = finished - ready
    turns = sum(1 for e in transcript.events if e.type == "message" and e.speaker != "chair")
    errors = sum(1 for e in transcript.events if e.type == "error")
    estimated = " (estimated)" if usage.estimated else ""
    shape = "the demo, " if demo else ""
    print(f"Embedded-model session: six-party-2003 ({shape}{turns} delegate turns), model {model}, {errors} errors")
    kinds = Counter(call.kind for call in transcript.recording)
    print(f"model calls: {len(transcript.recording)} ({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))})")
    print(f"wall time: {finished - started:.1f} s ({ready - started:.1f} s server start, {session:.1f} s session)")
    print(f"wall: {finished - started:.0f} s")
    print(f"tokens: {usage.input_tokens} in, {usage.output_tokens} out{estimated}")
    evaluated, reused = usage.input_tokens - usage.cached_input_tokens, usage.cached_input_tokens
    share = reused / usage.input_tokens if usage.input_tokens else 0.0
    print(f"prompt tokens: evaluated {evaluated}, reused from cache {reused} ({share:.0%} reused; goal >= 60%)")
    print(f"tokens per second: {usage.output_tokens / session:.1f} out, {usage.total_tokens / session:.1f} in+out")
    peak = peak_memory_mib()
    print(f"peak memory: Parley process {peak:.0f} MiB" if peak else "peak memory: Parley process unknown")
    print(f"peak memory: model server {server_peak:.0f} MiB" if server_peak else "peak memory: model server none")
    print(f"status: {transcript.status}, consensus: {bool(transcript.outcome and transcript.outcome.consensus)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local", help="local (the embedded model) or scripted")
    parser.add_argument("--max-turns", type=int, default=None, help="cap on delegate turns (default: the full session)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demo", action="store_true", help="the quick start's short session (parley run --demo)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.model, arguments.max_turns, arguments.seed, arguments.demo))
