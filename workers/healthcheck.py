"""Container healthcheck for worker processes: exit 0 while this host has a live heartbeat in Redis."""

from __future__ import annotations

import os
import socket
import sys

import redis


def main() -> int:
    url = os.environ.get("WEAVER_REDIS_URL", "redis://127.0.0.1:6379/0")
    namespace = os.environ.get("WEAVER_QUEUE_NAMESPACE", "weaver")
    try:
        client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
        keys = list(client.scan_iter(f"{namespace}:weaver-workers:{socket.gethostname()}:*"))
    except redis.RedisError:
        return 1
    return 0 if keys else 1


if __name__ == "__main__":
    sys.exit(main())
