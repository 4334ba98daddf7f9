"""Plain helpers the tests import (fixtures stay in ``conftest.py``, which tests never import)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
