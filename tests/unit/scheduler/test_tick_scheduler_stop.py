"""Stopping the tick scheduler while its sync job is about to change the bar jobs."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

from scheduler.ticks import TickScheduler


class _Rows:
    def __init__(self, rows: list[tuple[str, str]]):
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)


class _Session:
    def __init__(self, reached: threading.Event, go_on: threading.Event):
        self.reached, self.go_on = reached, go_on

    def execute(self, _statement):
        self.reached.set()  # the sync has read nothing yet: it waits here until the test lets it go on
        self.go_on.wait(10)
        return _Rows([("run-1", "1Sec")])


def test_stop_while_a_sync_is_running_returns_and_adds_no_job() -> None:
    reached, go_on = threading.Event(), threading.Event()

    @contextmanager
    def read_session():
        yield _Session(reached, go_on)

    ticks = TickScheduler(read_session, lambda: None, settle=timedelta(milliseconds=100), sync_seconds=60)
    ticks.start()  # the first sync runs at once and waits in its read
    assert reached.wait(5)
    stopper = threading.Thread(target=ticks.stop, daemon=True)
    stopper.start()
    stopper.join(0.3)  # shutdown now waits for the running sync (holding APScheduler's job-store lock)
    go_on.set()
    stopper.join(5)
    assert not stopper.is_alive(), "stop() hung: the sync waited for the job-store lock shutdown held"
    assert ticks.active_runs == {} and not ticks.scheduler.running
