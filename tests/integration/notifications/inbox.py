"""A tiny local webhook for Apprise's json:// channels: it keeps every message posted to it, by path,
and answers 500 on the paths told to fail (always, or the first N times)."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.bootstrap import Container
from app.events.reader import read_events


class Inbox:
    def __init__(self) -> None:
        self.received: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.hits: dict[str, int] = defaultdict(int)
        self.failing: dict[str, int] = {}  # path -> failures left (-1: always)
        self._lock = threading.Lock()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with inbox._lock:
                    inbox.hits[self.path] += 1
                    left = inbox.failing.get(self.path, 0)
                    if left:
                        inbox.failing[self.path] = left - 1 if left > 0 else left
                    else:
                        inbox.received[self.path].append(json.loads(body))
                self.send_response(500 if left else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def fail(self, path: str, times: int = -1) -> None:
        self.failing[f"/{path}"] = times

    def messages(self, path: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.received[f"/{path}"])

    def wait_for(self, path: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The messages on `path` once there are at least `count` (fails after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages(path)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"{count} message(s) expected on /{path}, got {self.messages(path)}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def delivery_results(pg: Container, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    """The `notification.sent` payloads once there are `count` of them (recorded after each delivery)."""
    deadline = time.monotonic() + timeout
    while True:
        with pg.read_session() as session:
            found = [e.payload for e in read_events(session, 0, types=["notification.sent"])]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.02)
