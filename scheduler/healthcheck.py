"""Container healthcheck for the scheduler: its main loop touches a file every 5 seconds."""

from __future__ import annotations

import sys
import time

from scheduler.main import ALIVE_FILE

if __name__ == "__main__":
    try:
        sys.exit(0 if time.time() - ALIVE_FILE.stat().st_mtime < 30 else 1)
    except OSError:
        sys.exit(1)
