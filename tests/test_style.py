"""Lint and format run with the tests, so a change that skips them cannot land green."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("check", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_is_clean(check):
    result = subprocess.run([str(RUFF), *check], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
