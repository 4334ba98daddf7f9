"""Where the shipped data folders (prompts, personas, scenarios) live.

In a source checkout they sit at the repository's top level, beside ``agents/``. A built
wheel carries copies under ``agents/_data/`` (see ``pyproject.toml``). ``PARLEY_HOME`` points
at another folder holding the three, for users who keep their own.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

DATA_FOLDERS = ("prompts", "personas", "scenarios")
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _has_data(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in DATA_FOLDERS)


def data_root() -> Path:
    """The folder holding ``prompts/``, ``personas/`` and ``scenarios/``."""
    return _data_root(os.environ.get("PARLEY_HOME"))


@cache
def _data_root(override: str | None) -> Path:
    # Cached: every prompt rendered asks, and looking costs a dozen stat calls.
    candidates = [Path(override)] if override else []
    candidates += [_PACKAGE_DIR.parent, _PACKAGE_DIR / "_data"]
    for candidate in candidates:
        if _has_data(candidate):
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"no Parley data folders ({', '.join(DATA_FOLDERS)}) in: {searched}")


def prompts_dir() -> Path:
    return _data_folder(os.environ.get("PARLEY_HOME"), "prompts")


@cache
def _data_folder(override: str | None, name: str) -> Path:
    # Cached as the root is: every prompt rendered asks for this folder.
    return _data_root(override) / name


def personas_dir() -> Path:
    return data_root() / "personas"


def scenarios_dir() -> Path:
    return data_root() / "scenarios"
