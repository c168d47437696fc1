"""Idle stream clients and timed API requests: the load of `benchmarks/stream_load.py` and of the
stream-load tests. SSE clients are bare sockets (thousands fit in one process without a thread each);
WebSocket clients are simple-websocket's (flask-sock's own library)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests
from simple_websocket import Client


def open_sse(base_url: str, token: str, count: int, timeout: float = 20.0, check: bool = True
             ) -> list[socket.socket]:
    """`count` SSE streams, each answered with its status line and headers (AssertionError otherwise;
    `check=False`: connected and asked, answered or not)."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (f"GET /api/v1/stream HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
               "Accept: text/event-stream\r\n\r\n").encode()
    deadline = time.monotonic() + timeout
    streams: list[socket.socket] = []
    try:
        for _ in range(count):
            conn = socket.create_connection((host, port), timeout=max(0.1, deadline - time.monotonic()))
            streams.append(conn)
            conn.sendall(request)
        for conn in streams if check else ():
            head = _read_head(conn, deadline)
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
    except BaseException:
        close_all(streams)
        raise
    return streams


def open_ws(base_url: str, token: str, count: int) -> list[Client]:
    url = base_url.replace("http://", "ws://", 1) + "/api/v1/ws"
    return [Client.connect(url, headers={"Authorization": f"Bearer {token}"}) for _ in range(count)]


def close_all(clients: Iterable[socket.socket | Client]) -> None:
    for client in clients:
        try:
            client.close()
        except OSError:
            pass


def timed_gets(urls: list[str], token: str, concurrency: int = 10, timeout: float = 10.0
               ) -> list[tuple[int, float]]:
    """(status, seconds) of each GET, `concurrency` at a time; a request with no answer within
    `timeout` counts as status 0."""
    headers = {"Authorization": f"Bearer {token}"}
    local = threading.local()  # one keep-alive session per thread

    def one(url: str) -> tuple[int, float]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.perf_counter()
        try:
            status = session.get(url, headers=headers, timeout=timeout).status_code
        except requests.RequestException:
            status = 0
        return status, time.perf_counter() - started

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, urls))


def _read_head(conn: socket.socket, deadline: float) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        conn.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data
