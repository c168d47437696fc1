"""The events that come from watching rather than trading: the broker unreachable (skipped live ticks),
a worker queue left without a worker (the heartbeats), a run in error, and the daily summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.notifications.daily import summarise_day
from app.notifications.service import NotificationService
from app.notifications.watch import WorkerWatch
from app.services.runs import transition
from app.walle.models import EquityPoint, Fill, Order
from tests.integration.live.conftest import last_closed_bar, running_run
from tests.integration.notifications.inbox import Inbox
from workers.runtime import Runtime


def test_an_unreachable_broker_is_told_once_per_outage_and_its_return_too(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, inbox: Inbox,
    notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 1}, name="buyer")
    exchange.add_fault(method="GET", path="/v2/orders", status=503, count=1000)
    exchange.add_fault(method="GET", path="/v2/stocks/bars", status=503, count=1000)
    exchange.add_fault(method="POST", path="/v2/orders", status=503, count=1000)
    outcomes = []
    for _ in range(2):
        bar = last_closed_bar()
        outcomes.append(live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()))
        while last_closed_bar() == bar:
            pass
    assert all(o.startswith("skipped: broker unavailable") for o in outcomes), outcomes
    exchange.clear_faults()
    assert live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat()).startswith("done")

    told = [m["title"] for m in inbox.wait_for("owner", 3)]
    assert told[0] == f"Weaver: the broker is unreachable for paper run buyer ({run_id[:8]})"
    assert told[1].startswith("Weaver: filled BUY 1 AAPL")  # the tick's fill comes before the tick's record
    assert told[2] == f"Weaver: the broker is reachable again for paper run buyer ({run_id[:8]})"


def test_a_queue_whose_last_worker_stops_beating_is_told_and_so_is_its_return(
    pg: Container, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    alive = {"live": 1, "backtest": 2}  # live workers per queue, as the heartbeats count them
    watch = WorkerWatch(lambda: dict(alive), pg.uow, grace=timedelta(seconds=30))
    start = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert watch.check(start) == []
    alive["live"] = 0  # the live worker died: its heartbeat expired
    assert watch.check(start + timedelta(seconds=10)) == ["worker.down"]
    assert watch.check(start + timedelta(seconds=20)) == []  # once per outage
    alive["live"] = 1
    assert watch.check(start + timedelta(seconds=30)) == ["worker.up"]

    told = inbox.wait_for("owner", 2)
    assert [(m["title"], m["type"]) for m in told] == [
        ("Weaver: no worker left on the live queue", "failure"),
        ("Weaver: a worker is back on the live queue", "success")]


def test_a_queue_that_never_gets_a_worker_is_down_after_the_grace(pg: Container) -> None:
    watch = WorkerWatch(dict, pg.uow, queues=("live",), grace=timedelta(seconds=30))
    start = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert watch.check(start) == []
    assert watch.check(start + timedelta(seconds=20)) == []
    assert watch.check(start + timedelta(seconds=30)) == ["worker.down"]


def test_a_run_in_error_is_told_with_its_error(
    pg: Container, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    run_id = running_run(pg, mode="live", name="momentum")
    with pg.uow() as uow:
        transition(uow, uow.runs.get(run_id), "error", error="the strategy failed on the bar: ZeroDivisionError")
        uow.commit()
    (message,) = inbox.wait_for("owner")
    assert message["title"] == f"Weaver: live run momentum ({run_id[:8]}) is in error"
    assert message["message"] == "the strategy failed on the bar: ZeroDivisionError"
    assert message["type"] == "failure"


def test_the_daily_summary_tells_equity_day_pnl_and_fills_once_per_run_and_day(
    pg: Container, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    run_id = running_run(pg, name="daily", cash=Decimal("100000"))
    after_close = datetime(2026, 12, 2, 21, 20, tzinfo=UTC)  # 16:20 in New York
    with pg.uow() as uow:
        for ts, equity in ((datetime(2026, 12, 1, 20, 0, tzinfo=UTC), "101000"),
                           (datetime(2026, 12, 2, 15, 0, tzinfo=UTC), "100500"),
                           (datetime(2026, 12, 2, 20, 59, tzinfo=UTC), "101250.50")):
            uow.session.add(EquityPoint(run_id=run_id, ts=ts, equity=Decimal(equity), cash=Decimal(equity)))
        order = Order(run_id=run_id, client_order_id="c-1", symbol="AAPL", side="buy", type="market",
                      time_in_force="day", qty=Decimal(1), status="filled", submitted_at=after_close)
        uow.session.add(order)
        uow.session.flush()
        for ts in (datetime(2026, 12, 1, 15, 0, tzinfo=UTC), datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
                   datetime(2026, 12, 2, 16, 0, tzinfo=UTC)):
            uow.session.add(Fill(run_id=run_id, order_id=order.id, symbol="AAPL", side="buy", qty=Decimal(1),
                                 price=Decimal(100), ts=ts))
        uow.commit()

    assert summarise_day(pg.uow, after_close) == 1
    assert summarise_day(pg.uow, after_close + timedelta(minutes=5)) == 0  # a restarted scheduler catching up
    (message,) = inbox.wait_for("owner")
    assert message["title"] == f"Weaver: 2026-12-02 summary of paper run daily ({run_id[:8]})"
    assert message["message"] == "Equity 101,250.50, day P&L +250.50, 2 fill(s) today."
