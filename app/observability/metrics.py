"""Prometheus metrics, read at scrape time from the database, the queue and the heartbeats.

A custom collector instead of counters in the hot paths: every figure already lives in a table
(runs, live_ticks, orders, outbox, consumer_offsets), a Redis key (queues, heartbeats) or this
process (SSE clients), so nothing has to travel between processes and the live worker's tick is
not touched. Each source is read within a time bound; one that fails is reported by
`weaver_scrape_error{source}` and leaves the others standing.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.bootstrap import Container
from app.clock.realtime import bar_seconds
from app.walle.models import LiveTick, Order, Run
from app.walle.models.events import ConsumerOffset, OutboxEvent
from workers.heartbeat import HeartbeatStore
from workers.queue_depths import queue_depths

log = logging.getLogger(__name__)
STATEMENT_TIMEOUT_MS = 2000
SOURCE_TIMEOUT_SECONDS = 5.0  # a source that has not answered by then is reported, not waited for
RECENT_TICKS = 50  # tick latency: the newest ticks of each running paper/live run
MAX_RUNS = 200


@dataclass
class MetricSources:
    container: Container
    queue: Callable[[], Any]  # the DramatiqQueue (built on first scrape)
    sse_clients: Callable[[], int]


class WeaverCollector(Collector):
    def __init__(self, sources: MetricSources):
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        started = time.perf_counter()
        errors = GaugeMetricFamily("weaver_scrape_error", "1 when a source could not be read in this scrape",
                                   labels=["source"])
        queue = self.sources.queue()  # built here once (no connection yet), then read by two sources
        sources = {"database": self._database, "queue": lambda: self._queue(queue),
                   "heartbeats": lambda: self._heartbeats(queue)}
        pool = ThreadPoolExecutor(max_workers=len(sources), thread_name_prefix="metrics")
        futures = {name: pool.submit(lambda read=read: list(read())) for name, read in sources.items()}
        wait(futures.values(), timeout=SOURCE_TIMEOUT_SECONDS)
        pool.shutdown(wait=False, cancel_futures=True)  # a hung source finishes (or times out) on its own
        for name, future in futures.items():
            exc = future.exception() if future.done() else TimeoutError(f"no answer in {SOURCE_TIMEOUT_SECONDS} s")
            if exc is None:
                yield from future.result()
            else:  # one source down must not hide the others
                log.warning("metrics: %s unreadable (%s: %s)", name, exc.__class__.__name__, exc)
            errors.add_metric([name], 0 if exc is None else 1)
        yield errors
        yield GaugeMetricFamily("weaver_sse_clients", "Open SSE and WebSocket streams of this web process",
                                value=self.sources.sse_clients())
        yield GaugeMetricFamily("weaver_scrape_duration_seconds", "Time this scrape took",
                                value=time.perf_counter() - started)

    # --- database ---------------------------------------------------------------------------
    def _database(self) -> Iterator[Metric]:
        with self.sources.container.read_session() as session:
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                session.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            families = [*runs_by_state(session), *ticks(session), *orders(session), *outbox(session)]
        yield from families

    # --- queue and heartbeats -----------------------------------------------------------------
    def _queue(self, queue: Any) -> Iterator[Metric]:
        family = GaugeMetricFamily("weaver_queue_messages", "Messages in each Dramatiq queue, by state",
                                   labels=["queue", "state"])
        for name, states in queue_depths(queue.broker, getattr(queue.heartbeats, "client", None)).items():
            for state, count in states.items():
                family.add_metric([name, state], count)
        yield family

    def _heartbeats(self, queue: Any) -> Iterator[Metric]:
        store: HeartbeatStore = queue.heartbeats
        beats = store.beats()
        now = time.time()
        age = GaugeMetricFamily("weaver_heartbeat_age_seconds", "Seconds since each process's last heartbeat",
                                labels=["role", "process", "queues"])
        alive = GaugeMetricFamily("weaver_workers_alive", "Worker processes with a live heartbeat, per queue",
                                  labels=["queue"])
        counts: dict[str, int] = {"backtest": 0, "live": 0}
        calls = CounterMetricFamily("weaver_broker_requests", "HTTP requests to the broker seen by the live worker",
                                    labels=["account"])
        failures = CounterMetricFamily("weaver_broker_errors", "Broker requests that failed (429, 5xx, network)",
                                       labels=["account"])
        broker: dict[str, list[int]] = {}  # account → [requests, errors], summed over live workers
        for beat in beats:
            age.add_metric([beat.role, beat.name, ",".join(beat.queues)], beat.age(now))
            for queue in beat.queues if beat.role == "worker" else ():
                counts[queue] = counts.get(queue, 0) + 1
            for account, seen in (beat.info.get("broker") or {}).items():
                totals = broker.setdefault(account, [0, 0])
                totals[0] += int(seen.get("calls", 0))
                totals[1] += int(seen.get("errors", 0))
        for account, (requests, errors) in sorted(broker.items()):
            calls.add_metric([account], requests)
            failures.add_metric([account], errors)
        schedulers = sum(1 for beat in beats if beat.role == "scheduler")
        for queue, count in counts.items():
            alive.add_metric([queue], count)
        yield from (age, alive, calls, failures)
        yield GaugeMetricFamily("weaver_schedulers_alive", "Scheduler processes with a live heartbeat",
                                value=schedulers)


def runs_by_state(session: Session) -> list[Metric]:
    family = GaugeMetricFamily("weaver_runs", "Runs by mode and status", labels=["mode", "status"])
    for mode, status, count in session.execute(select(Run.mode, Run.status, func.count()).group_by(
            Run.mode, Run.status)):
        family.add_metric([mode, status], count)
    return [family]


def ticks(session: Session) -> list[Metric]:
    total = CounterMetricFamily("weaver_live_ticks", "Live and paper ticks handled, by outcome", labels=["status"])
    for status, count in session.execute(select(LiveTick.status, func.count()).group_by(LiveTick.status)):
        total.add_metric([status], count)
    latency = GaugeMetricFamily(
        "weaver_live_tick_latency_seconds",
        f"Delay from a bar's close to its tick's start, over the newest {RECENT_TICKS} ticks of each running "
        "paper or live run", labels=["stat"])
    running = session.execute(select(Run.id, Run.timeframe).where(
        Run.status == "running", Run.mode.in_(("paper", "live"))).limit(MAX_RUNS)).all()
    delays: list[float] = []
    for run_id, timeframe in running:  # the newest ticks of a run come off its primary key's index
        rows = session.execute(select(LiveTick.bar_ts, LiveTick.created_at).where(LiveTick.run_id == run_id)
                               .order_by(LiveTick.bar_ts.desc()).limit(RECENT_TICKS)).all()
        delays.extend(max(0.0, (started - bar_ts).total_seconds() - _bar_seconds(timeframe))
                      for bar_ts, started in rows if started and bar_ts)
    if delays:
        delays.sort()
        latency.add_metric(["p50"], statistics.median(delays))
        latency.add_metric(["p95"], delays[min(len(delays) - 1, int(len(delays) * 0.95))])
        latency.add_metric(["max"], delays[-1])
    return [total, latency]


def orders(session: Session) -> list[Metric]:
    family = GaugeMetricFamily("weaver_orders", "Orders by run mode (backtest, paper, live) and status (their outcome)",
                               labels=["mode", "status"])
    for mode, status, count in session.execute(select(Run.mode, Order.status, func.count()).join(
            Run, Run.id == Order.run_id).group_by(Run.mode, Order.status)):
        family.add_metric([mode, status], count)
    return [family]


def outbox(session: Session) -> list[Metric]:
    newest = session.scalar(select(func.max(OutboxEvent.seq))) or 0
    last = GaugeMetricFamily("weaver_outbox_last_seq", "Position of the newest event in the outbox", value=newest)
    lag = GaugeMetricFamily("weaver_outbox_lag_events", "Events in the outbox a consumer (the command relay, "
                            "a projector) has not read yet", labels=["consumer"])
    idle = GaugeMetricFamily("weaver_outbox_consumer_idle_seconds", "Seconds since a consumer last moved",
                             labels=["consumer"])
    now = datetime.now(UTC)
    for consumer, position, updated_at in session.execute(select(
            ConsumerOffset.consumer, ConsumerOffset.last_seq, ConsumerOffset.updated_at)):
        lag.add_metric([consumer], max(0, newest - position))
        if updated_at is not None:
            idle.add_metric([consumer], max(0.0, (now - updated_at).total_seconds()))
    return [last, lag, idle]


def _bar_seconds(timeframe: str) -> float:
    try:
        return float(bar_seconds(timeframe))
    except ValueError:
        return 0.0
