"""Run ``n`` sessions of one scenario concurrently on one event loop, resumably.

Session ``i`` uses seed ``seed_base + i``. At most ``concurrency`` sessions run at once
(an ``asyncio.Semaphore``); all share one ``ModelPool``, so the embedded model's server
starts once and remote calls share one rate limiter and cap. Each session writes its
transcript to the batch folder as ``parley run`` does (its checkpoints stay in memory).
Run again with the same settings, a batch skips every session whose transcript is
complete and runs the rest (a session that was cut off is run afresh, under a new session
id; its partial files are removed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from agents.batch.manifest import BatchConfig, BatchEntry, BatchManifest, finished, open_manifest
from agents.core.catalog import Cast, Catalog
from agents.core.events import Event
from agents.core.output import prepare_out_folder, session_file
from agents.core.personas import Persona
from agents.engine.session import new_session_id
from agents.llm.factory import ModelHandle, ModelPool, check_spec, default_spec
from agents.sessions.run import prepare, run_prepared, seat_specs
from agents.sessions.settings import RunSettings

ModelFactory = Callable[[int], dict[str, ModelHandle]]


@dataclass(kw_only=True)
class BatchOptions:
    """A batch: ``n`` sessions under ``settings``, written to ``out``, ``concurrency`` at a time.

    ``settings.seed`` is the first session's seed (0 when unset); session ``i`` runs with seed + i.
    """

    settings: RunSettings
    n: int
    out: Path
    concurrency: int = 4

    def config(self) -> BatchConfig:
        """What the manifest records: the settings, without where they are written."""
        return BatchConfig(settings=self.settings.model_copy(update={"seed": self.settings.seed or 0}).where(None))

    def run_options(self, seed: int) -> RunSettings:
        # No SQLite checkpoints: nothing here needs them (a batch resumes by re-running
        # unfinished sessions, and forks start from the recording), and they cost ~2 ms a turn.
        return self.settings.model_copy(update={"seed": seed}).where(self.out, checkpoints=False)


class BatchProgress(Protocol):
    """What a batch reports as it goes (the CLI draws a progress bar from it)."""

    def begin(self, total: int, already_done: int) -> None: ...

    def event(self, index: int, event: Event) -> None: ...

    def end(self, index: int, entry: BatchEntry) -> None: ...


@dataclass
class BatchResult:
    """The manifest after the run, and which indexes ran, were skipped as done, or failed."""

    manifest: BatchManifest
    ran: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


async def run_batch(
    options: BatchOptions,
    pool: ModelPool,
    progress: BatchProgress | None = None,
    catalog: Catalog | None = None,
    models: ModelFactory | None = None,
) -> BatchResult:
    """Run the sessions of the batch that are not finished yet; see the module docstring.

    ``models``, if given, makes each session's models (``{seat: ModelHandle}``) from its
    index, in place of the specs: for tests and benchmarks with fake models.
    """
    catalog = catalog or Catalog()
    prepare_out_folder(options.out)
    sessions_catalog = _CastOnce(catalog, check_inputs(options, pool, catalog))
    manifest = open_manifest(options.out, options.config())
    result = BatchResult(manifest)
    for index in range(options.n):
        entry = manifest.entry(index)
        if entry.session_id is not None and finished(options.out, entry):
            entry.status = "complete"
            # A kill between writing the transcript and removing its journal leaves the journal.
            session_file(options.out, entry.session_id, ".events.jsonl").unlink(missing_ok=True)
            result.skipped.append(index)
        else:
            result.ran.append(index)
    manifest.save(options.out)
    if progress is not None:
        progress.begin(options.n, len(result.skipped))
    slots = asyncio.Semaphore(max(1, options.concurrency))
    runs = [_run_one(options, manifest, index, pool, sessions_catalog, slots, progress, models) for index in result.ran]
    for entry in await asyncio.gather(*runs):
        if entry.status != "complete":
            result.failed.append(entry.index)
    return result


def check_inputs(options: BatchOptions, pool: ModelPool, catalog: Catalog) -> Cast:
    """Refuse a bad scenario, seat or model spec before any session starts; the scenario's cast."""
    settings = options.settings
    cast = catalog.cast(settings.scenario)
    default = check_spec(settings.model) if settings.model else default_spec()[0]
    for spec in set(seat_specs(cast, default, settings.model_for).values()):
        pool.get(spec)  # raises ModelSpecError for a missing key; starts the local server once
    return cast


class _CastOnce:
    """A catalog that hands every session the same cast, read once (sessions start at once: don't parse 32 times)."""

    def __init__(self, catalog: Catalog, cast: Cast):
        self.catalog, self._cast = catalog, cast

    def cast(self, name: str, overrides: dict[str, Persona] | None = None) -> Cast:
        return self.catalog.cast(name, overrides) if overrides else self._cast


async def _run_one(
    options: BatchOptions,
    manifest: BatchManifest,
    index: int,
    pool: ModelPool,
    catalog: _CastOnce,
    slots: asyncio.Semaphore,
    progress: BatchProgress | None,
    models: ModelFactory | None,
) -> BatchEntry:
    async with slots:
        entry = manifest.entry(index)
        discard_partial(options.out, entry)
        session_models = models(index) if models else None
        # The manifest names the session before any of its files exist, so a kill at any
        # point leaves nothing behind that the next run does not know to discard.
        session_id = new_session_id(catalog.cast(options.settings.scenario).scenario.id)
        entry.session_id, entry.status, entry.error = session_id, "running", None
        manifest.save(options.out)
        prepared = prepare(
            options.run_options(entry.seed),
            pool,
            catalog,
            models=session_models,
            session_id=session_id,
        )
        on_event = None if progress is None else (lambda event: progress.event(index, event))
        try:
            transcript = await run_prepared(prepared, on_event)
            entry.status = "complete" if transcript.status == "complete" else "interrupted"
        except asyncio.CancelledError:
            entry.status = "interrupted"
            manifest.save(options.out)
            raise
        except Exception as error:  # one broken session must not sink the batch
            entry.status, entry.error = "failed", f"{type(error).__name__}: {error}"
        manifest.save(options.out)
        if progress is not None:
            progress.end(index, entry)
        return entry


def discard_partial(folder: Path, entry: BatchEntry) -> None:
    """Remove what an earlier, unfinished attempt at this entry left behind."""
    if entry.session_id is None:
        return
    for suffix in (".events.jsonl", ".json", ".md"):
        session_file(folder, entry.session_id, suffix).unlink(missing_ok=True)
