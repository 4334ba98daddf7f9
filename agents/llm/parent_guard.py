"""Run a module as ``__main__`` and exit as soon as the process that started it is gone.

``python -m agents.llm.parent_guard PARENT_PID agents.llm.llama_serve --model ...`` is how Parley
starts the local model server: if Parley is killed outright (SIGKILL leaves it no time to
stop its children) the server notices that its parent is gone and exits, instead of living
on as an orphan holding two gigabytes and a port. The parent's pid is given, not read at
start-up, so a parent killed before the child got going is noticed too.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time

CHECK_EVERY_SECONDS = 1.0


def exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(CHECK_EVERY_SECONDS)  # a watchdog's poll, not a wait for a race
    os._exit(0)  # the parent is gone: nobody is left to use or stop this process


def main() -> None:
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        raise SystemExit("usage: python -m agents.llm.parent_guard PARENT_PID MODULE [ARGS...]")
    parent, module = int(sys.argv[1]), sys.argv[2]
    threading.Thread(target=exit_when_orphaned, args=(parent,), daemon=True).start()
    sys.argv = [module, *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
