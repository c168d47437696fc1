"""GET /metrics serves Prometheus text whose figures are what the database, the queue and the
heartbeats hold at scrape time (parsed with prometheus_client's own parser)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import dramatiq
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from app.bootstrap import Container, build_services
from app.glados.app import create_app
from app.walle.models import LiveTick, Order, Run
from app.walle.models.events import ConsumerOffset, OutboxEvent
from scheduler.heartbeat import SchedulerHeartbeat
from tests.conftest import make_settings
from tests.integration.workers.conftest import ROOT, Stack, wait_for

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
BAR = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def scrape(stack: Stack) -> Samples:
    response = stack.client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def sample(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def run(mode: str, status: str, timeframe: str = "1Day") -> Run:
    return Run(mode=mode, status=status, strategy="sma_cross", symbols=["AAPL"], timeframe=timeframe,
               cash=Decimal(10_000))


def order(run_id: str, number: int, status: str) -> Order:
    return Order(run_id=run_id, client_order_id=f"metrics-{number}", symbol="AAPL", side="buy", type="market",
                 time_in_force="day", qty=Decimal(1), status=status, submitted_at=BAR)


@pytest.fixture
def records(pg: Container) -> Iterator[None]:
    """2 completed backtests, 1 queued; a paper run with 3 ticks (two 0.5 s and 1.5 s after their
    bar closed, one skipped) and 3 orders; 3 outbox events, the relay having read the first."""
    with pg.uow() as uow:
        uow.session.add_all([run("backtest", "completed"), run("backtest", "completed"), run("backtest", "queued")])
        paper = run("paper", "running", "1Min")
        uow.session.add(paper)
        uow.session.flush()
        minute = timedelta(minutes=1)
        uow.session.add_all([
            LiveTick(run_id=paper.id, bar_ts=BAR, status="done", created_at=BAR + minute + timedelta(seconds=0.5)),
            LiveTick(run_id=paper.id, bar_ts=BAR + minute, status="done",
                     created_at=BAR + 2 * minute + timedelta(seconds=1.5)),
            LiveTick(run_id=paper.id, bar_ts=BAR + 2 * minute, status="skipped", created_at=BAR + 3 * minute),
            order(paper.id, 1, "filled"), order(paper.id, 2, "filled"), order(paper.id, 3, "rejected"),
        ])
        for _ in range(3):
            uow.outbox.emit("live.tick", {"run_id": paper.id, "bar_ts": BAR.isoformat(), "status": "done"},
                            run_id=paper.id)
        uow.commit()
    with pg.uow() as uow:
        newest = uow.session.scalar(select(func.max(OutboxEvent.seq)))
        uow.session.add(ConsumerOffset(consumer="metrics-test-relay", last_seq=newest - 2))
        uow.commit()
    yield


def test_metrics_count_what_the_database_queue_and_heartbeats_hold(stack: Stack, records: None) -> None:
    for number in range(2):  # two backtests waiting: no worker consumes the queue
        stack.broker.enqueue(dramatiq.Message(queue_name="backtest", actor_name="backtest_command",
                                              args=({"id": f"m{number}"},), kwargs={}, options={}))
    stack.queue.heartbeats.beat("host:1:live", ["live"], {"broker": {"paper": {"calls": 7, "errors": 2}}})
    scheduler = SchedulerHeartbeat(stack.queue.heartbeats).start()
    stream = stack.app.extensions["weaver"].broadcaster.subscribe()  # one open SSE client
    try:
        wait_for(lambda: sample(scrape(stack), "weaver_schedulers_alive") == 1, what="the scheduler's heartbeat")
        samples = scrape(stack)
    finally:
        stack.app.extensions["weaver"].broadcaster.unsubscribe(stream)
        scheduler.stop()

    assert sample(samples, "weaver_runs", mode="backtest", status="completed") == 2
    assert sample(samples, "weaver_runs", mode="backtest", status="queued") == 1
    assert sample(samples, "weaver_runs", mode="paper", status="running") == 1
    assert sample(samples, "weaver_queue_messages", queue="backtest", state="waiting") == 2
    assert sample(samples, "weaver_queue_messages", queue="live", state="waiting") == 0
    assert sample(samples, "weaver_live_ticks_total", status="done") == 2
    assert sample(samples, "weaver_live_ticks_total", status="skipped") == 1
    assert sample(samples, "weaver_live_tick_latency_seconds", stat="max") == pytest.approx(1.5)
    assert sample(samples, "weaver_orders", mode="paper", status="filled") == 2
    assert sample(samples, "weaver_orders", mode="paper", status="rejected") == 1
    newest = sample(samples, "weaver_outbox_last_seq")
    assert newest is not None and newest >= 3
    assert sample(samples, "weaver_outbox_lag_events", consumer="metrics-test-relay") == 2
    assert sample(samples, "weaver_broker_requests_total", account="paper") == 7
    assert sample(samples, "weaver_broker_errors_total", account="paper") == 2
    assert sample(samples, "weaver_workers_alive", queue="live") == 1
    assert sample(samples, "weaver_workers_alive", queue="backtest") == 0
    ages = [v for (name, labels), v in samples.items() if name == "weaver_heartbeat_age_seconds"]
    assert len(ages) == 2 and all(0 <= age < 20 for age in ages)
    assert sample(samples, "weaver_sse_clients") == 1
    assert sample(samples, "weaver_scrape_error", source="database") == 0
    assert sample(samples, "weaver_scrape_error", source="queue") == 0


def test_metrics_want_the_api_token_unless_made_public(pg: Container, stack: Stack) -> None:
    assert stack.client.get("/metrics", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
    assert stack.app.test_client().get("/metrics").get_json()["code"] == "unauthorized"
    settings = make_settings(pg.settings.database_url, metrics_public=True)
    services = build_services(settings, container=pg, namespace=stack.namespace)
    public = create_app({"SETTINGS": settings, "SERVICES": services})
    try:
        response = public.test_client().get("/metrics")  # no token at all
        assert response.status_code == 200 and b"weaver_runs" in response.data
    finally:
        public.extensions["weaver"].broadcaster.stop()
        services.close()


def test_every_metric_the_grafana_dashboard_plots_is_served(stack: Stack) -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "weaver.json").read_text())
    plotted = {name for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"weaver_[a-z_]+", target["expr"])}
    served = stack.client.get("/metrics").get_data(as_text=True)
    families = list(text_string_to_metric_families(served))  # a counter's family drops its _total
    names = {family.name + ("_total" if family.type == "counter" else "") for family in families}
    assert len(plotted) >= 10 and plotted - names == set()


def test_metrics_still_answer_when_redis_is_away_and_say_which_source_failed(pg: Container, records: None) -> None:
    settings = make_settings(pg.settings.database_url, redis_url="redis://127.0.0.1:1/0", metrics_public=True)
    services = build_services(settings, container=pg, namespace="weaver-test-no-redis")
    app = create_app({"SETTINGS": settings, "SERVICES": services})
    try:
        response = app.test_client().get("/metrics")
    finally:
        app.extensions["weaver"].broadcaster.stop()
        services.close()
    assert response.status_code == 200
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}
    assert sample(samples, "weaver_scrape_error", source="queue") == 1
    assert sample(samples, "weaver_scrape_error", source="heartbeats") == 1
    assert sample(samples, "weaver_scrape_error", source="database") == 0
    assert sample(samples, "weaver_runs", mode="backtest", status="completed") == 2  # the database still counts
