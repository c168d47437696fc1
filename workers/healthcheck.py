"""Container healthcheck for worker processes: exit 0 while this host has a live worker heartbeat in
Redis; print what the heartbeats say (queues, age, and for a live worker its last broker contact),
which `docker inspect` shows as the check's output."""

from __future__ import annotations

import json
import os
import socket
import sys

import redis

from workers.heartbeat import WORKER, Beat, RedisHeartbeats


def this_host(beats: list[Beat], host: str) -> list[Beat]:
    return [b for b in beats if b.role == WORKER and b.name.split(":", 1)[0] == host]


def main() -> int:
    store = RedisHeartbeats(os.environ.get("WEAVER_REDIS_URL", "redis://127.0.0.1:6379/0"),
                            os.environ.get("WEAVER_QUEUE_NAMESPACE", "weaver"))
    host = socket.gethostname()
    try:
        mine = this_host(store.beats(), host)
    except redis.RedisError as exc:
        print(json.dumps({"ok": False, "error": f"redis: {exc.__class__.__name__}: {exc}"}))
        return 1
    report = [{"worker": b.name, "queues": list(b.queues), "age_seconds": round(b.age(), 1),
               **({"broker": b.info["broker"]} if b.info.get("broker") else {})} for b in mine]
    print(json.dumps({"ok": bool(mine), "host": host, "workers": report}
                     if mine else {"ok": False, "error": f"no worker heartbeat from {host}"}))
    return 0 if mine else 1


if __name__ == "__main__":
    sys.exit(main())
