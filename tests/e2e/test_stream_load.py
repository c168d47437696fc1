"""Streams cannot starve the API (issue 14, item 2), against both servers on the test Postgres and Redis:
`weaver web` (gunicorn's gevent workers, a subprocess) and the standalone embedded server (werkzeug,
a thread per connection). With 200 idle SSE streams and a few WebSockets open, API requests answer;
a client that leaves gives its stream back within seconds; a request that cannot finish in time gets
the JSON 504 while the server keeps answering everything else."""

from __future__ import annotations

import os
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
import requests

from app.standalone.embedded import Embedded
from app.standalone.home import Home
from benchmarks.idle_streams import close_all, open_sse, open_ws, timed_gets
from benchmarks.server import free_port, start_web
from tests.conftest import REDIS_URL, TEST_TOKEN, create_pg_database, drop_pg_database, pg_url_for
from tests.waiting import wait_for

STREAMS, WEBSOCKETS, REQUESTS = 200, 4, 100
TIMEOUT_SECONDS = 1.5


@dataclass
class Server:
    base: str
    token: str
    dsn: str  # the server's database, for the test to lock a table
    streams_held: Callable[[], int]  # grows by one per open stream; shrinks when the server lets one go


def _socket_fds(pid: int) -> int:
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass
    return count


def _gunicorn_sockets(master: int) -> int:
    """Open sockets across gunicorn's worker processes (one per connection being served)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sum(_socket_fds(int(pid)) for pid in children)


def _web() -> Iterator[Server]:
    name = create_pg_database("weaver_stream_load")
    url = pg_url_for(name)
    from app.walle import migrate

    migrate.upgrade(url)
    process = start_web(url, free_port(), TEST_TOKEN, WEAVER_REQUEST_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS))
    port = process.args[process.args.index("--port") + 1]
    try:
        yield Server(f"http://127.0.0.1:{port}", TEST_TOKEN, url, lambda: _gunicorn_sockets(process.pid))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        drop_pg_database(name)


def _standalone() -> Iterator[Server]:
    name = create_pg_database("weaver_stream_load")
    url = pg_url_for(name)
    namespace = f"weaver-stream-load-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="weaver-stream-load-") as home:
        embedded = Embedded(Home(Path(home)), port=0, exchange_enabled=False, queue_namespace=namespace,
                            settings_overrides={"database_url": url, "broker": "redis", "redis_url": REDIS_URL,
                                                "request_timeout_seconds": TIMEOUT_SECONDS})
        try:
            base = embedded.start().split("/?token=")[0]
            assert embedded.settings is not None and embedded.server is not None
            broadcaster = embedded.server.app.extensions["weaver"].broadcaster
            yield Server(base, embedded.settings.api_token.get_secret_value(), url,
                         lambda: broadcaster.subscriber_count)
        finally:
            embedded.stop()
            drop_pg_database(name)
            client = redis.Redis.from_url(REDIS_URL)
            if keys := client.keys(f"{namespace}*"):
                client.delete(*keys)


@pytest.fixture(scope="module", params=["weaver web", "standalone"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    yield from (_web() if request.param == "weaver web" else _standalone())


def test_the_api_answers_while_200_idle_streams_are_open(server: Server) -> None:
    sse = open_sse(server.base, server.token, STREAMS)
    sockets = open_ws(server.base, server.token, WEBSOCKETS)
    try:
        urls = [f"{server.base}/api/v1/runs", f"{server.base}/healthz"] * (REQUESTS // 2)
        statuses = [status for status, _ in timed_gets(urls, server.token, concurrency=10, timeout=10)]
        assert statuses == [200] * REQUESTS
        assert all(stream.fileno() != -1 for stream in sse)  # and every stream is still open
    finally:
        close_all([*sse, *sockets])


def test_a_stream_whose_client_left_is_released_within_seconds(server: Server) -> None:
    before = wait_for(lambda: _steady(server), timeout=20, what="the streams of earlier tests to end")[0]
    sse, sockets = open_sse(server.base, server.token, 30), open_ws(server.base, server.token, 2)
    wait_for(lambda: server.streams_held() >= before + 32, timeout=5, what="the streams to be served")
    close_all([*sse, *sockets])
    started = time.monotonic()
    wait_for(lambda: server.streams_held() <= before, timeout=5, what="the server to let the streams go")
    assert time.monotonic() - started < 5  # the heartbeat (15 s) would find them only much later


def _steady(server: Server) -> tuple[int] | None:
    """What the server holds once it stopped changing over a second (None while it still moves)."""
    first = server.streams_held()
    time.sleep(1)
    return (first,) if server.streams_held() == first else None


def test_a_request_past_the_deadline_gets_the_json_504_and_the_server_keeps_answering(server: Server) -> None:
    auth = {"Authorization": f"Bearer {server.token}", "X-Correlation-ID": "slow-request-1"}
    with psycopg.connect(server.dsn.replace("postgresql+psycopg://", "postgresql://")) as locker:
        locker.execute("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE")  # listing runs now waits on the database
        started = time.monotonic()
        slow = requests.get(f"{server.base}/api/v1/runs", headers=auth, timeout=15)
        elapsed = time.monotonic() - started
        assert requests.get(f"{server.base}/healthz", timeout=5).status_code == 200
        locker.rollback()
    assert slow.status_code == 504
    assert TIMEOUT_SECONDS <= elapsed < TIMEOUT_SECONDS + 3
    body = slow.json()
    assert body["code"] == "request_timeout" and body["details"] == {"timeout_seconds": TIMEOUT_SECONDS}
    assert body["correlation_id"] == slow.headers["X-Correlation-ID"] == "slow-request-1"
    after = requests.get(f"{server.base}/api/v1/runs", headers=auth, timeout=10)
    assert after.status_code == 200 and after.json()["total"] == 0
