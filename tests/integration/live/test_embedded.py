"""The live path on the embedded default (SQLite), as `weaver standalone` runs offline paper trading:
ticks trade, a bracket is closed, the run stops with its orders cancelled. SQLite takes the write
lock per unit of work, so a nested one would deadlock here (it did: every order submission)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.services.runs import transition
from app.walle.models import EquityPoint, Order, Position, Run, RunMetric
from tests.integration.live.conftest import last_closed_bar, live_settings, running_run
from workers.runtime import build_runtime


def _orders(db: Container, run_id: str) -> list[Order]:
    with db.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at)))


def test_paper_trading_on_sqlite_ticks_trades_and_stops(lite: Container, exchange: ExchangeServer) -> None:
    runtime = build_runtime(live_settings(lite, exchange), container=lite)
    buyer = running_run(lite, strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 2})
    bracket = running_run(lite, strategy="tests.fixtures.strategies:BracketOnce", params={"close_after": 1},
                          symbols=["MSFT"])
    runtime.live.handle("start", buyer)
    runtime.live.handle("start", bracket)
    bar = last_closed_bar()
    for run_id in (buyer, bracket):
        assert runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()) == "done: 1 order(s)"
    assert runtime.live.handle("tick", buyer, bar_ts=bar.isoformat()) == "duplicate"
    time.sleep(1.0)
    nxt = (bar + timedelta(seconds=1)).isoformat()
    assert runtime.live.handle("tick", buyer, bar_ts=nxt) == "done: 1 order(s)"
    assert runtime.live.handle("tick", bracket, bar_ts=nxt) == "done: 1 order(s)"  # the close

    assert [(o.status, o.filled_qty) for o in _orders(lite, buyer)] == [("filled", 2), ("filled", 2)]
    statuses = sorted(o.status for o in _orders(lite, bracket))
    assert statuses == ["canceled", "canceled", "filled", "filled"]  # entry and close; both exits cancelled
    with lite.read_session() as session:
        held = {p.run_id: p.qty for p in session.scalars(select(Position))}
        last = session.scalar(select(EquityPoint).where(EquityPoint.run_id == buyer).order_by(EquityPoint.ts.desc()))
        metrics = {m.name: m.value for m in session.scalars(select(RunMetric).where(RunMetric.run_id == buyer))}
    assert held == {buyer: Decimal(4), bracket: Decimal(0)}
    # Live figures, as a backtest has them: from the equity points so far (two bars).
    assert metrics["bars"] == 2 and metrics["final_equity"] == float(last.equity)
    assert metrics["total_return_pct"] == pytest.approx((float(last.equity) / 100_000 - 1) * 100)
    assert metrics["max_drawdown_pct"] is not None

    # A restarted worker reads the curve back once and goes on from there.
    restarted = build_runtime(live_settings(lite, exchange), container=lite)
    time.sleep(1.0)
    third = (bar + timedelta(seconds=2)).isoformat()
    assert restarted.live.handle("tick", buyer, bar_ts=third) == "done: 1 order(s)"
    with lite.read_session() as session:
        points = session.scalars(select(EquityPoint.equity).where(EquityPoint.run_id == buyer)
                                 .order_by(EquityPoint.ts)).all()
        metrics = {m.name: m.value for m in session.scalars(select(RunMetric).where(RunMetric.run_id == buyer))}
    assert metrics["bars"] == 3 and metrics["final_equity"] == float(points[-1])

    with lite.uow() as uow:
        transition(uow, uow.runs.get(buyer), "stopping")
        uow.commit()
    runtime.live.handle("stop", buyer, cancel_orders=True)
    with lite.read_session() as session:
        assert session.get(Run, buyer).status == "stopped"
