"""A sweep's cells finish by the dozen each second; each commit of theirs is a quiet outbox batch, which
wakes the listening processes (the relay, the web broadcasters) a few times a second, not once per
cell, while the sweep's completion and any command wake them at once. No event is lost either way."""

from __future__ import annotations

import time

import psycopg

from app.bootstrap import Container
from app.events.commands import StartBacktest, issue
from app.events.outbox import CHANNEL, QUIET_SECONDS
from app.events.reader import read_events


def progress(pg: Container, done: int, *, wake: bool = False, command: bool = False) -> None:
    with pg.uow() as uow:
        with uow.outbox.batch(quiet=True):
            uow.outbox.emit("sweep.progress", {"sweep_id": "s-1", "status": "running", "done": done, "total": 100})
            if wake:
                uow.outbox.wake()
            if command:
                issue(uow.outbox, StartBacktest("run-1"))
        uow.commit()


def notifications(listener: psycopg.Connection, seconds: float = 0.5) -> int:
    return sum(1 for _ in listener.notifies(timeout=seconds))


def test_quiet_commits_wake_the_listeners_a_few_times_a_second_and_a_completion_at_once(pg: Container) -> None:
    with psycopg.connect(pg.settings.database_url.replace("+psycopg", ""), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        time.sleep(QUIET_SECONDS)  # whatever this process sent before is older than the quiet time
        began = time.monotonic()
        for done in range(1, 41):
            progress(pg, done)
        took = time.monotonic() - began
        woken = notifications(listener)
        assert 1 <= woken <= took / QUIET_SECONDS + 1 < 40
        with pg.read_session() as session:
            assert [e.payload["done"] for e in read_events(session, 0)] == list(range(1, 41))  # none lost

        progress(pg, 41)  # the quiet time has passed: it wakes them ...
        progress(pg, 42)  # ... and the next, right after it, does not
        assert notifications(listener) == 1
        progress(pg, 43)
        progress(pg, 44, wake=True)  # a completion wakes them at once
        assert notifications(listener) == 2
        progress(pg, 45)
        progress(pg, 46, command=True)  # and so does a command, for the relay
        assert notifications(listener) == 2
