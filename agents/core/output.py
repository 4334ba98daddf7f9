"""Where Parley writes: the ``--out`` folder, the files inside it, and report files like ``--html``.

The folder is checked before any model starts, so a typo costs nothing and is reported in
one line rather than as a traceback halfway through a session. Every file a session writes
is named through ``file_in``, which refuses a name that would land outside the folder: ids
are already checked when files are read (``agents.core.ids``), and this is the second lock.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class OutputError(ValueError):
    """Parley cannot write where it was told to. The message names the option and the path."""


def prepare_out_folder(out: Path, option: str = "--out") -> Path:
    """Create ``out`` if needed and prove that a file can be written in it; OutputError if not."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{option} {out}: is a file, not a folder") from None
    except OSError as error:
        raise OutputError(f"{option} {out}: cannot create the folder: {error.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise OutputError(f"{option} {out}: cannot write in this folder: {error.strerror}") from None
    return out


def check_output_file(path: Path, option: str) -> Path:
    """Refuse, before any work, an output file that is a folder or device or sits under a file."""
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        what = "a folder" if path.is_dir() else "not a regular file"
        raise OutputError(f"{option} {path}: is {what}; give a file name")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{option} {path}: {parent} is a file, not a folder")
    return path


def file_in(folder: Path, name: str) -> Path:
    """``folder / name``, refusing a name that is not a plain file name (``..``, ``a/b``, ``/etc/x``)."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or Path(name).name != name:
        raise OutputError(f"{name!r} is not a plain file name: it would be written outside {folder}")
    return folder / name


def session_file(folder: Path, session_id: str, suffix: str) -> Path:
    """A session's file in ``folder`` (``.json``, ``.md``, ``.events.jsonl``), never outside it."""
    return file_in(folder, f"{session_id}{suffix}")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
