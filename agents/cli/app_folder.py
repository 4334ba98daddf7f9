"""Each web server's own Chainlit app folder, so that two servers from one install leave each other alone.

Chainlit keeps its working files in its app root (``.files/``: one folder per conversation)
and deletes that whole folder when a server stops. Two servers sharing an app root (two
``parley ui`` started from one install) therefore break each other: once one stops, every new
conversation on the other fails as soon as a seat is chosen. So ``parley ui`` gives each server
a folder of its own, ``<db folder>/ui-servers/<pid>-<random>/``, and points ``CHAINLIT_APP_ROOT``
at it (the random part keeps apart servers with one process id, in two containers sharing the
database's folder).

The folder holds copies of what Chainlit reads from its app root: ``.chainlit/`` (Parley's
``config.toml``, and the translations Chainlit adds there), ``chainlit*.md`` (the *Readme*) and
``public/`` (the avatars). The folders of servers that have ended are removed when the next
server starts beside them (Chainlit itself only removes ``.files/``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

SERVERS_FOLDER = "ui-servers"
APP_FOLDERS = (".chainlit", "public")
SKIPPED = shutil.ignore_patterns(".langchain.db", ".files")  # a cache and working files, not the app's


def server_folder(install: Path, db_path: Path, pid: int) -> Path:
    """A fresh app folder for server ``pid``, beside the database ``db_path``, copied from ``install``."""
    servers = db_path.resolve().parent / SERVERS_FOLDER
    remove_ended(servers)
    servers.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{pid}-", dir=servers))
    for name in APP_FOLDERS:
        if (install / name).is_dir():
            shutil.copytree(install / name, folder / name, ignore=SKIPPED)
    for readme in install.glob("chainlit*.md"):
        shutil.copy2(readme, folder / readme.name)
    return folder


def remove_ended(servers: Path) -> None:
    """Remove the app folders, under ``servers``, of servers that are no longer running."""
    if not servers.is_dir():
        return
    for folder in servers.iterdir():
        pid = folder.name.partition("-")[0]
        if folder.is_dir() and pid.isdigit() and not running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def running(pid: int) -> bool:
    """Whether a process ``pid`` exists (perhaps another user's)."""
    if os.name == "nt":
        return True  # there, os.kill(pid, 0) would end the process: keep every folder
    try:
        os.kill(pid, 0)  # signal 0: only asks
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
