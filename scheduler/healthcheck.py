"""Container healthcheck for the scheduler: exit 0 while its main loop is alive (it touches a file
every 5 seconds) and its heartbeat, the one /api/v1/health reads, is in Redis; print what was seen."""

from __future__ import annotations

import json
import os
import socket
import sys
import time

import redis

from scheduler.main import ALIVE_FILE
from workers.heartbeat import SCHEDULER, RedisHeartbeats

STALE_SECONDS = 30


def main() -> int:
    try:
        loop_age: float | None = time.time() - ALIVE_FILE.stat().st_mtime
    except OSError:
        loop_age = None
    store = RedisHeartbeats(os.environ.get("WEAVER_REDIS_URL", "redis://127.0.0.1:6379/0"),
                            os.environ.get("WEAVER_QUEUE_NAMESPACE", "weaver"))
    host = socket.gethostname()
    try:
        beats = [b for b in store.beats() if b.role == SCHEDULER and b.name.split(":", 1)[0] == host]
        heartbeat: str | float | None = round(min(b.age() for b in beats), 1) if beats else None
    except redis.RedisError as exc:
        heartbeat = f"redis: {exc.__class__.__name__}"
    ok = loop_age is not None and loop_age < STALE_SECONDS and isinstance(heartbeat, float)
    print(json.dumps({"ok": ok, "host": host, "loop_age_seconds": None if loop_age is None else round(loop_age, 1),
                      "heartbeat_age_seconds": heartbeat}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
