"""A small SSE reader over `requests` for tests: yields (id, event, data) frames, skipping comments and
`heartbeat` events (unless asked for them)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from werkzeug.serving import make_server


@dataclass(frozen=True)
class Frame:
    id: int | None
    event: str
    data: dict[str, Any]


def frames(response: requests.Response, heartbeats: bool = False) -> Iterator[Frame]:
    fields: dict[str, str] = {}
    for raw in response.iter_lines(decode_unicode=True, chunk_size=1):
        line = raw or ""
        if not line:
            if "data" in fields and (heartbeats or fields.get("event") != "heartbeat"):
                yield Frame(int(fields["id"]) if "id" in fields else None, fields.get("event", "message"),
                            json.loads(fields["data"]))
            fields = {}
            continue
        if line.startswith(":"):
            fields.setdefault("comment", line)
            continue
        name, _, value = line.partition(":")
        fields[name] = value.lstrip()


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run a WSGI app on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
