"""One `weaver standalone` per data directory. Two on one SQLite file would tick the same paper runs
twice (the second's ticks collide with the first's and put the runs in error) and drive two
exchanges from one state file. An advisory lock held for the process's lifetime says so at start:
the kernel releases it when the process ends, however it ends, so a crash leaves no stale lock."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class DataDirInUse(Exception):
    def __init__(self, root: Path, holder: str):
        super().__init__(f"another weaver standalone is already running on {root.resolve()}"
                         f"{f' (pid {holder})' if holder else ''}: stop it first, or use another --data-dir")


def claim(root: Path) -> IO[str]:
    """Lock `root` for this process; keep the returned file open for as long as the lock should hold."""
    root.mkdir(parents=True, exist_ok=True)
    handle = (root / "standalone.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise DataDirInUse(root, holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
