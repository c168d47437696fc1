"""The scheduler (`weaver scheduler`: bar-aligned ticks and the command relay) as a real process,
SIGKILLed mid-run and started again, with the pinned live worker as a real process beside it: the
paper runs it drives place exactly the orders of twins ticked without interruption on the same bars,
the bars of the outage are listed as missed, and no tick is handled twice."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from app.bootstrap import Container, bootstrap
from app.exchange import ExchangeServer
from app.walle import migrate
from app.walle.models import LiveTick
from tests.conftest import TEST_TOKEN, create_pg_database, drop_pg_database, make_settings, pg_url_for
from tests.integration.live.conftest import exchange, live_settings, running_run
from tests.integration.live.test_resume import CROSS, events, exchange_orders, restarted
from tests.integration.workers.conftest import ROOT, WorkerProcesses, wait_for
from tests.integration.workers.test_live_worker import _paper_account

__all__ = ["exchange"]

WEAVER = Path(sys.executable).parent / "weaver"
SPECS = [{"strategy": "buy_and_hold", "params": {"percent": 10.0}},
         {"strategy": CROSS, "params": {"fast": 2, "slow": 3, "size": 5}}]


@pytest.fixture
def twin_pg() -> Iterator[Container]:
    """A database of its own for the twins, so that the scheduler under test never sees them: this
    test ticks them itself, in this process, and never interrupts them."""
    name = create_pg_database("weaver_twin")
    url = pg_url_for(name)
    migrate.upgrade(url)
    container = bootstrap(make_settings(url))
    try:
        yield container
    finally:
        container.close()
        drop_pg_database(name)


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    name = f"weaver-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"{name}*")
    if keys:
        client.delete(*keys)
    client.close()


def _spawn(argv: list[str], env: dict[str, str], name: str) -> WorkerProcesses:
    """A real process (its own process group), configured only through WEAVER_* variables."""
    log_path = Path(tempfile.mkstemp(prefix=f"weaver-{name}-", suffix=".log")[1])
    log_file = log_path.open("wb")
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                               start_new_session=True)
    return WorkerProcesses(process, log_path, log_file)


def _done(pg: Container, run_id: str) -> list[datetime]:
    """The bars the run processed (its ticks that traded, not those skipped), in order."""
    with pg.read_session() as session:
        return list(session.scalars(select(LiveTick.bar_ts).where(
            LiveTick.run_id == run_id, LiveTick.status == "done").order_by(LiveTick.bar_ts)))


def _listed_missed(pg: Container, run_id: str) -> list[datetime]:
    """Every bar the run's `run.bars_missed` events list (each event names a first and a last bar)."""
    listed: list[datetime] = []
    for event in events(pg, run_id, "run.bars_missed"):
        first, last = datetime.fromisoformat(event["first"]), datetime.fromisoformat(event["last"])
        span = [first + timedelta(seconds=i) for i in range(int((last - first).total_seconds()) + 1)]
        assert len(span) == event["count"], event
        listed.extend(span)
    return listed


def test_a_sigkilled_scheduler_restarted_goes_on_like_an_uninterrupted_twin(
    pg: Container, twin_pg: Container, exchange: ExchangeServer, namespace: str
) -> None:
    pairs = [(running_run(pg, **spec), running_run(twin_pg, **spec)) for spec in SPECS]
    twins = restarted(live_settings(twin_pg, exchange), twin_pg)  # ticked here, on the bars the runs processed
    mirrored: dict[str, set[datetime]] = {run_id: set() for run_id, _ in pairs}

    def follow() -> list[list[datetime]]:
        """Tick each twin on every bar its run processed since the last call; the runs' bars."""
        processed = []
        for run_id, twin in pairs:
            bars = _done(pg, run_id)
            for bar in bars:
                if bar not in mirrored[run_id]:
                    outcome = twins.live.handle("tick", twin, bar_ts=bar.isoformat())
                    assert outcome.startswith("done"), (twin, bar, outcome)
                    mirrored[run_id].add(bar)
            processed.append(bars)
        return processed

    env = {**os.environ, "WEAVER_DATABASE_URL": pg.settings.database_url, "WEAVER_BROKER": "redis",
           "WEAVER_REDIS_URL": pg.settings.redis_url or "", "WEAVER_API_TOKEN": TEST_TOKEN,
           "WEAVER_QUEUE_NAMESPACE": namespace, "WEAVER_LOG_FORMAT": "console", "PYTHONPATH": str(ROOT),
           **_paper_account(exchange)}
    worker = _spawn([sys.executable, "-m", "dramatiq", "workers.entry", "--processes", "1", "--threads", "1",
                     "--queues", "live"], env, "live")
    scheduler = _spawn([str(WEAVER), "scheduler"], env, "scheduler")
    logs = [worker, scheduler]
    try:
        wait_for(lambda: min(len(bars) for bars in follow()) >= 4, 30, "four bars processed by each run")
        scheduler.kill()  # mid-run: the next bar's tick is at most a second away
        scheduler.stop()  # closes its log; the process is gone already
        killed = max(bar for bars in follow() for bar in bars)
        time.sleep(2.5)  # bars go by with nobody to tick them
        quiet = follow()  # what the worker still had queued may finish; nothing new is fired
        assert all(not bars or bars[-1] <= killed + timedelta(seconds=1) for bars in quiet), quiet
        scheduler = _spawn([str(WEAVER), "scheduler"], env, "scheduler")
        logs.append(scheduler)
        wait_for(lambda: min(sum(bar > killed + timedelta(seconds=1) for bar in bars) for bars in follow()) >= 4,
                 30, "four bars processed by each run after the restart")
        scheduler.stop()
        time.sleep(0.5)  # a tick already relayed finishes
        worker.stop()
        follow()
    except AssertionError:
        for process in logs:
            print(process.log())
        raise
    finally:
        scheduler.stop()
        worker.stop()

    for run_id, twin in pairs:
        placed = exchange_orders(exchange, run_id)
        assert placed == exchange_orders(exchange, twin), run_id
        assert len({bar_seq for bar_seq, _, _ in placed}) == len(placed), "an order placed twice"
        assert events(pg, run_id, "run.replay_mismatch") == []
        processed = _done(pg, run_id)
        assert processed == sorted(mirrored[run_id])
        gaps = [processed[0] + timedelta(seconds=i) for i in range(int((processed[-1] - processed[0]).total_seconds()))]
        missed = [bar for bar in gaps if bar not in processed]
        assert any(bar > killed + timedelta(seconds=1) for bar in missed), "the outage missed no bar?"
        assert sorted(_listed_missed(pg, run_id)) == missed, "every bar missed is listed once, no other"
        handled = Counter(e["bar_ts"] for e in events(pg, run_id, "live.tick"))
        assert handled and max(handled.values()) == 1, "a tick handled twice"
        with pg.read_session() as session:
            rows = session.scalars(select(LiveTick.bar_ts).where(LiveTick.run_id == run_id)).all()
        assert sorted(handled) == sorted(bar.isoformat() for bar in rows)
    assert [side for _, side, _ in exchange_orders(exchange, pairs[0][0])] == ["buy"]
    # The crossover's orders were compared with its twin's bar by bar above; a calm stretch of a few
    # seconds may hold no crossing, so whether it traded at all is not asserted (it made CI flaky).
