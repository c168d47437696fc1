from __future__ import annotations

import json
import threading
import time

import requests
from flask import Flask
from simple_websocket import Client as WsClient

from app.bootstrap import Container
from app.events import Event
from app.events.reader import read_events
from tests.conftest import TEST_TOKEN
from tests.sse_client import frames, serve


def emit(container: Container, run_id: str, count: int, start: int = 0) -> None:
    with container.uow() as uow:
        for i in range(start, start + count):
            uow.outbox.append(Event(type="backtest.progress", run_id=run_id,
                                    payload={"run_id": run_id, "progress": 0.0, "bars_done": i, "bars_total": 100}))
        uow.commit()


def open_stream(base: str, **params: str | int) -> requests.Response:
    query = {"token": TEST_TOKEN, **params}
    response = requests.get(f"{base}/api/v1/stream", params=query, stream=True, timeout=10,
                            headers=params.pop("headers", None) if "headers" in params else None)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    return response


def test_reconnecting_with_last_event_id_gets_exactly_the_missed_events_in_order(app: Flask, pg: Container) -> None:
    with serve(app) as base:
        first = open_stream(base, run_id="run-a")
        reader = frames(first)
        time.sleep(0.2)
        emit(pg, "run-a", 5)
        emit(pg, "run-b", 3)  # another run's events never reach a run-filtered client
        seen = [next(reader) for _ in range(5)]
        assert [f.data["payload"]["bars_done"] for f in seen] == [0, 1, 2, 3, 4]
        assert all(f.event == "backtest.progress" and f.data["run_id"] == "run-a" for f in seen)
        first.close()  # the client drops mid-run
        emit(pg, "run-a", 4, start=5)  # … while the run goes on
        resumed = requests.get(f"{base}/api/v1/stream", params={"token": TEST_TOKEN, "run_id": "run-a"},
                               headers={"Last-Event-ID": str(seen[-1].id)}, stream=True, timeout=10)
        again = frames(resumed)
        missed = [next(again) for _ in range(4)]
        emit(pg, "run-a", 1, start=9)
        live = next(again)
        resumed.close()
    assert [f.data["payload"]["bars_done"] for f in missed] == [5, 6, 7, 8]
    assert live.data["payload"]["bars_done"] == 9
    ids = [f.id for f in seen + missed + [live]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_stream_sends_heartbeats_when_idle(app: Flask) -> None:
    app.config["WEAVER_HEARTBEAT_SECONDS"] = 0.2
    with serve(app) as base:
        response = open_stream(base)
        beats = frames(response, heartbeats=True)
        first, second = next(beats), next(beats)
        response.close()
    assert first.event == second.event == "heartbeat" and first.id is None  # no id: Last-Event-ID stays put


def test_an_idle_stream_hears_a_heartbeat_within_two_and_a_half_seconds_by_default(app: Flask, pg: Container) -> None:
    """The UI calls the server lost after 5 s of silence, so the default heartbeat (2 s) must come well within."""
    assert app.config["WEAVER_HEARTBEAT_SECONDS"] == 2.0
    emit(pg, "run-h", 1)
    with serve(app) as base:
        response = open_stream(base, run_id="run-h")
        beats = frames(response, heartbeats=True)
        next(beats)  # the first heartbeat may come at once after the stream opens: time the next one
        started = time.monotonic()
        beat = next(beats)
        waited = time.monotonic() - started
        response.close()
    assert beat.event == "heartbeat" and waited < 2.5
    with pg.read_session() as session:
        newest = max(e.seq for e in read_events(session, 0, limit=100_000))
    assert beat.data == {"type": "heartbeat", "seq": newest}  # the newest event the server knows


def test_websocket_carries_the_same_events(app: Flask, pg: Container) -> None:
    with serve(app) as base:
        ws = WsClient.connect(f"{base.replace('http', 'ws')}/api/v1/ws?token={TEST_TOKEN}&after=0")
        try:
            emit(pg, "run-w", 2)
            received = [json.loads(ws.receive(timeout=5)) for _ in range(2)]
        finally:
            ws.close()
    assert [m["payload"]["bars_done"] for m in received] == [0, 1]
    assert received[0]["type"] == "backtest.progress" and received[0]["seq"] < received[1]["seq"]


def test_websocket_handshake_with_a_wrong_token_is_refused_with_401(app: Flask) -> None:
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    with serve(app) as base:
        response = requests.get(f"{base}/api/v1/ws?token=wrong", headers=upgrade, timeout=5)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_many_clients_each_get_every_event(app: Flask, pg: Container) -> None:
    results: dict[int, list[int]] = {}
    with serve(app) as base:
        responses = [open_stream(base) for _ in range(10)]
        time.sleep(0.3)

        def read(index: int, response: requests.Response) -> None:
            reader = frames(response)
            results[index] = [next(reader).data["payload"]["bars_done"] for _ in range(20)]
            response.close()

        threads = [threading.Thread(target=read, args=(i, r)) for i, r in enumerate(responses)]
        for thread in threads:
            thread.start()
        emit(pg, "run-m", 20)
        for thread in threads:
            thread.join(10)
    assert all(results[i] == list(range(20)) for i in range(10))


def test_with_no_client_the_broadcaster_reads_no_event_and_a_later_client_still_gets_what_it_asks_for(
        pg: Container, monkeypatch) -> None:
    """A sweep writes hundreds of events a second; with nobody watching, the web process only moves on to
    the newest one. A client that comes later gets the events from then on, or replays what it missed."""
    from app.events.reader import last_seq
    from app.glados import broadcaster as module

    reads: list[int] = []

    def counted(session, after, **kwargs):  # noqa: ANN001, ANN202
        reads.append(after)
        return read_events(session, after, **kwargs)

    monkeypatch.setattr(module, "read_events", counted)
    follower = module.Broadcaster(pg, poll_seconds=0.05)
    follower.start()
    try:
        with pg.read_session() as session:
            before = last_seq(session)
        emit(pg, "run-q", 5)
        with pg.read_session() as session:
            newest = last_seq(session)
        deadline = time.monotonic() + 5
        while follower.seq < newest and time.monotonic() < deadline:
            time.sleep(0.02)
        assert follower.seq == newest and reads == []
        sub = follower.subscribe(run_id="run-q")
        assert sub.start_seq == newest
        emit(pg, "run-q", 1, start=5)
        event = sub.queue.get(timeout=5)
        assert event.payload["bars_done"] == 5 and event.seq > newest
        assert sub.queue.empty()
        with pg.read_session() as session:  # what the client missed is all in the outbox for its replay
            missed = read_events(session, before, run_id="run-q")
        assert [e.payload["bars_done"] for e in missed] == [0, 1, 2, 3, 4, 5]
        follower.unsubscribe(sub)
    finally:
        follower.stop()
