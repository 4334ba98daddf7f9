"""Run the installed ``parley`` script as a user would, to see its exit code and what it prints.

In-process ``CliRunner`` tests miss what only the shell sees: the exit code the console
script returns and a traceback printed on the way out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PARLEY = Path(sys.executable).parent / "parley"


def parley(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``parley ARGS`` (this checkout's code: PYTHONPATH is kept) and fail the test on a traceback.

    ``env`` adds to the environment.
    """
    env = {**os.environ, "COLUMNS": "200", **(env or {})}  # wide: Rich would wrap long error lines
    result = subprocess.run(
        [str(PARLEY), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def one_line(text: str) -> str:
    """``text`` with Rich's line wrapping undone, for matching a message that may have been wrapped."""
    return " ".join(text.split())
