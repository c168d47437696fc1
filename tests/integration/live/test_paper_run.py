"""A paper run end to end: API → scheduler → live queue (real Redis) → pinned worker → alpaca-py →
the local exchange, and back through fills into the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import dramatiq
import pytest
import redis
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.trading.requests import GetOrdersRequest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.config import Settings
from app.events.commands import ApplyTradeUpdate
from app.exchange import ExchangeServer
from app.glados.app import create_app
from app.greta.engine import BacktestConfig, run_backtest
from app.marvin.bars import BarFrame
from app.veda.alpaca import RetryPolicy
from app.veda.history import WARMUP_BARS
from app.walle.models import EquityPoint, LiveTick, Order, Position
from scheduler.ticks import TickScheduler
from tests.conftest import TEST_TOKEN
from tests.integration.live.conftest import PAPER, trading_client
from tests.integration.workers.conftest import wait_for
from workers import runtime as worker_runtime
from workers.live_boot import LiveBoot

PARAMS = {"fast": 2, "slow": 4, "percent": 20.0, "allow_short": False}


@dataclass
class LiveStack:
    client: FlaskClient
    scheduler: TickScheduler


@pytest.fixture
def live_stack(pg: Container, settings: Settings, redis_url: str) -> Iterator[LiveStack]:
    namespace = f"weaver-test-{uuid.uuid4().hex[:8]}"
    services = build_services(settings, container=pg, namespace=namespace)
    broker = services.queue.broker
    broker.add_middleware(LiveBoot(settings, lambda order: services.queue.send(ApplyTradeUpdate(order))))
    for adapter in services.live.brokers.values():
        adapter.policy = RetryPolicy(attempts=5, first_wait=0.01, max_wait=0.05, budget_seconds=2)
    worker_runtime.install(services)
    worker = dramatiq.Worker(broker, queues={"live"}, worker_threads=1, worker_timeout=100)
    worker.start()
    services.relay.start()
    scheduler = TickScheduler(pg.read_session, pg.uow, settle=timedelta(milliseconds=300), sync_seconds=0.25)
    scheduler.start()
    app = create_app({"SETTINGS": settings, "SERVICES": services})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    try:
        yield LiveStack(client, scheduler)
    finally:
        scheduler.stop()
        worker.stop(timeout=10_000)
        for middleware in broker.middleware:
            if isinstance(middleware, LiveBoot):
                middleware.before_worker_shutdown(broker, worker)
        app.extensions["weaver"].broadcaster.stop()
        worker_runtime.install(None)
        services.close()
        keys = redis.Redis.from_url(redis_url).keys(f"{namespace}*")
        if keys:
            redis.Redis.from_url(redis_url).delete(*keys)


def two_round_trips_then_stopped(client) -> str:  # type: ignore[no-untyped-def]
    """Start a 1Sec paper run of the fast crossover, let it close two round trips, stop it (cancelling its
    orders) and return its id."""
    created = client.post("/api/v1/runs", json={
        "mode": "paper", "strategy": "sma_cross", "params": PARAMS, "symbols": ["AAPL"], "timeframe": "1Sec",
        "cash": "100000", "start_now": True})
    assert created.status_code == 201, created.get_json()
    run_id = created.get_json()["id"]
    wait_for(lambda: (client.get(f"/api/v1/runs/{run_id}").get_json()["metrics"].get("trades") or 0) >= 2, 120,
             "two closed round trips", every=0.5)
    client.post(f"/api/v1/runs/{run_id}/stop", json={"cancel_orders": True})
    wait_for(lambda: client.get(f"/api/v1/runs/{run_id}").get_json()["status"] == "stopped", 20, "stop")
    return run_id


def done_ticks(pg: Container, run_id: str) -> list[LiveTick]:
    with pg.read_session() as session:
        return list(session.scalars(select(LiveTick).where(LiveTick.run_id == run_id, LiveTick.status == "done")
                                    .order_by(LiveTick.bar_ts)))


def test_a_paper_run_trades_and_its_books_match_the_exchange_to_the_cent(
    pg: Container, exchange: ExchangeServer, live_stack: LiveStack
) -> None:
    created = live_stack.client.post("/api/v1/runs", json={
        "mode": "paper", "strategy": "sma_cross", "params": PARAMS, "symbols": ["AAPL"], "timeframe": "1Sec",
        "cash": "100000", "start_now": True,
    })
    assert created.status_code == 201, created.get_json()
    run_id = created.get_json()["id"]
    wait_for(lambda: len(done_ticks(pg, run_id)) >= 24, 60, "24 ticks", every=0.25)
    stopped = live_stack.client.post(f"/api/v1/runs/{run_id}/stop", json={"cancel_orders": True})
    assert stopped.get_json()["status"] == "stopping"
    wait_for(lambda: live_stack.client.get(f"/api/v1/runs/{run_id}").get_json()["status"] == "stopped", 10, "stop")
    ticks = done_ticks(pg, run_id)
    bars = [t.bar_ts for t in ticks]
    assert all(b - a == timedelta(seconds=1) for a, b in zip(bars, bars[1:], strict=False)), "a bar was missed"

    with pg.read_session() as session:
        orders = list(session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at)))
        positions = {p.symbol: p for p in session.scalars(select(Position).where(Position.run_id == run_id))}
        last_point = session.scalar(select(EquityPoint).where(EquityPoint.run_id == run_id)
                                    .order_by(EquityPoint.ts.desc()).limit(1))
    assert len(orders) >= 2, "the strategy should have traded on a volatile symbol"
    assert {o.status for o in orders} == {"filled"}
    client = trading_client(exchange, PAPER)
    at_exchange = {o.client_order_id: o for o in client.get_orders(GetOrdersRequest(status="all", limit=500))}
    assert set(at_exchange) == {o.client_order_id for o in orders}
    for order in orders:
        theirs = at_exchange[order.client_order_id]
        assert str(theirs.id) == order.broker_order_id
        assert Decimal(theirs.filled_qty) == order.filled_qty
        assert Decimal(str(theirs.filled_avg_price)) == order.filled_avg_price

    account = client.get_account()
    run = live_stack.client.get(f"/api/v1/runs/{run_id}").get_json()
    cash = Decimal(str(last_point.cash))
    assert cash == Decimal(account.cash).quantize(Decimal("0.0001")), "run cash must equal the account's cash"
    broker_positions = {p.symbol: p for p in client.get_all_positions()}
    assert set(broker_positions) == {s for s, p in positions.items() if p.qty != 0}
    for symbol, theirs in broker_positions.items():
        assert Decimal(theirs.qty) == positions[symbol].qty
        assert Decimal(theirs.avg_entry_price) == positions[symbol].avg_price
    held = sum((p.qty * p.mark_price for p in positions.values()), Decimal(0))
    assert last_point.equity == cash + held  # equity is cash plus marked positions
    assert run["status"] == "stopped"

    # The same strategy over the same bars in Greta decides the same orders on the same bars.
    data = StockHistoricalDataClient(PAPER.key, PAPER.secret, url_override=exchange.url, raw_data=True)
    # The live run's first tick warmed up on the WARMUP_BARS bars up to and including its own, so a
    # crossover on its first ticks is one the backtest sees only with the same warm-up.
    first = bars[0] - timedelta(seconds=WARMUP_BARS)
    raw = data.get("/stocks/bars", {"symbols": "AAPL", "timeframe": "1Sec", "start": first.isoformat(),
                                    "end": bars[-1].isoformat(), "limit": 10000})["bars"]["AAPL"]
    stamps = [datetime.fromisoformat(b["t"].replace("Z", "+00:00")) for b in raw]
    before = [k for k, t in enumerate(stamps) if t < bars[0]][-(WARMUP_BARS - 1):]
    raw, stamps = raw[before[0] if before else 0:], stamps[before[0] if before else 0:]
    frame = BarFrame("AAPL", "1Sec", [int(t.timestamp() * 1e9) for t in stamps],
                     *([b[k] for b in raw] for k in ("o", "h", "l", "c", "v")))
    result = run_backtest(BacktestConfig(strategy="sma_cross", params=PARAMS, cash=Decimal("100000")), [frame],
                          warmup=len(before))
    # Same bar, side, order type and sizing request (percent of equity, or a close of the position).
    backtest_decisions = [(o.submitted_at, o.side, o.type, o.percent, o.time_in_force)
                          for o in result.orders if o.submitted_at >= bars[0]]
    live_decisions = [(o.bar_ts, o.side, o.type, o.percent, o.time_in_force) for o in orders]
    assert live_decisions == backtest_decisions
