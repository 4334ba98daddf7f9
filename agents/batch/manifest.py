"""The batch manifest, ``DIR/batch.json``: which session ran for which index and seed, and how far it got.

It is rewritten atomically whenever an entry changes, so that a batch killed at any moment
leaves a readable manifest. A session's entry gets its session id before the session
starts; a session counts as finished when its transcript (``DIR/<session_id>.json``) says
``complete``, whatever the manifest last recorded, since the transcript is written first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agents.core.ids import SafeId
from agents.core.loading import TRANSCRIPT_FILE, ConfigError, describe_validation_error, parse_document
from agents.core.output import session_file, write_atomically
from agents.sessions.settings import RunSettings
from agents.sessions.transcript import load_transcript

MANIFEST_FILE = "batch.json"
EntryStatus = Literal["pending", "running", "complete", "interrupted", "failed"]


class BatchMismatch(ValueError):
    """The folder holds a batch run with other settings: resuming it with these would mix them."""


class BatchConfig(BaseModel):
    """What makes two runs the same batch (the number of sessions may grow).

    ``settings.seed`` is the first session's seed (0 when unset); session ``i`` has seed + i.
    """

    model_config = ConfigDict(extra="forbid")

    settings: RunSettings

    @model_validator(mode="before")
    @classmethod
    def _from_version_1(cls, data: Any) -> Any:
        """Version 1 manifests kept the settings flat, with ``seed_base`` for the first seed."""
        if isinstance(data, dict) and "settings" not in data:
            flat = dict(data)
            flat["seed"] = flat.pop("seed_base", 0)
            return {"settings": flat}
        return data

    @property
    def seed_base(self) -> int:
        return self.settings.seed or 0


class BatchEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    seed: int
    session_id: SafeId | None = None  # names the session's files in the batch folder
    status: EntryStatus = "pending"
    error: str | None = None


class BatchManifest(BaseModel):
    """The batch's settings and one entry per session index."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    config: BatchConfig
    sessions: dict[int, BatchEntry] = Field(default_factory=dict)

    def entry(self, index: int) -> BatchEntry:
        """The entry for ``index``, created (pending, seed ``seed_base + index``) if new."""
        if index not in self.sessions:
            self.sessions[index] = BatchEntry(index=index, seed=self.config.seed_base + index)
        return self.sessions[index]

    def save(self, folder: Path) -> None:
        write_atomically(folder / MANIFEST_FILE, self.model_dump_json(indent=2))


def load_manifest(folder: Path) -> BatchManifest | None:
    """The manifest in ``folder``, or None if there is none yet."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        return None
    data = parse_document(path, TRANSCRIPT_FILE)
    try:
        return BatchManifest.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, describe_validation_error(error)) from None


def open_manifest(folder: Path, config: BatchConfig) -> BatchManifest:
    """The folder's manifest for this batch (a new one if none); refuses a batch with other settings."""
    manifest = load_manifest(folder)
    if manifest is None:
        return BatchManifest(config=config)
    if manifest.config != config:
        theirs, ours = manifest.config.model_dump(), config.model_dump()
        changed = ", ".join(
            f"{key} ({theirs[key]!r} there, {ours[key]!r} now)" for key in ours if theirs[key] != ours[key]
        )
        raise BatchMismatch(f"{folder / MANIFEST_FILE} is a batch with other settings: {changed}; use another --out")
    return manifest


def finished(folder: Path, entry: BatchEntry) -> bool:
    """Whether the entry's session has a complete transcript in ``folder``."""
    if entry.session_id is None:
        return False
    path = session_file(folder, entry.session_id, ".json")
    if not path.exists():
        return False
    try:
        return load_transcript(path).status == "complete"
    except ConfigError:
        return False
