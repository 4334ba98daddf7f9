"""The type checker passes: strictly for ``agents.core`` and ``agents.engine``, basic elsewhere.

The configuration is ``[tool.mypy]`` in pyproject.toml; mypy runs as it would from a shell.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_errors():
    checked = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert checked.returncode == 0, f"mypy failed:\n{checked.stdout}{checked.stderr}"
