"""A real Weaver backend for the browser tests: a fresh Postgres database, Redis-backed workers,
the scheduler, the local exchange and the web app serving ui/dist, with demo bars loaded.

    .venv/bin/python -m tests.e2e.serve

prints one JSON line, {"url": ..., "token": ...}, then runs until SIGTERM/SIGINT and cleans up
(drops its database, deletes its Redis keys).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import redis

from app.logs import configure_logging
from app.standalone.embedded import Embedded
from app.standalone.home import Home
from tests.conftest import REDIS_URL, create_pg_database, drop_pg_database, pg_url_for
from tests.integration.notifications.inbox import Inbox


def main() -> int:
    configure_logging("WARNING", "console")
    logging.getLogger("app").setLevel(logging.INFO)
    name = create_pg_database("weaver_e2e")
    namespace = f"weaver-e2e-{uuid.uuid4().hex[:8]}"
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    inbox = Inbox()  # a local webhook: the notifications page's working channel (a closed port: its failing one)
    with tempfile.TemporaryDirectory(prefix="weaver-e2e-") as home:
        embedded = Embedded(Home(Path(home)), port=0, queue_namespace=namespace, settings_overrides={
            "database_url": pg_url_for(name), "broker": "redis", "redis_url": REDIS_URL,
            "notify_urls": f"{inbox.url('e2e')}?token=e2e-secret json://127.0.0.1:9/closed",
        })
        try:
            url = embedded.start()
            base, token = url.split("/?token=")
            print(json.dumps({"url": base, "token": token}), flush=True)
            stop.wait()
        finally:
            embedded.stop()
            inbox.close()
            drop_pg_database(name)
            client = redis.Redis.from_url(REDIS_URL)
            keys = client.keys(f"{namespace}*")
            if keys:
                client.delete(*keys)
    return 0


if __name__ == "__main__":
    sys.exit(main())
