"""The drift report on an order that went on filling through an outage, and on an order sized on equity the outage
had parted (trial 41: a buy of 48 MSFT whose last 10 shares filled after the restart read "identical" with no word
of it; a buy 23 % larger live read "each side sizes at its own price", where live had $15.7k, the backtest $12.7k)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.services.drift import drift_report
from app.walle.models import EquityPoint, Fill, Order
from app.walle.uow import UnitOfWork
from tests.integration.live.drift_pair import run_and_backtest

T0 = datetime(2026, 12, 7, 23, 57, 14, tzinfo=UTC)
WARMUP, IDLE = range(0, 3), range(10, 30)  # seconds after T0; every other bar was traded


def at(second: float) -> datetime:
    return T0 + timedelta(seconds=second)


def _order(uow: UnitOfWork, run_id: str, n: int, side: str, second: int, qty: int, fills: list[tuple[int, str, float]],
           percent: Decimal | None = None) -> None:
    """An order decided on the bar `second`, filled (qty, price, seconds after T0) by `fills`."""
    order = Order(run_id=run_id, client_order_id=f"{run_id}-{n}", symbol="AAPL", side=side, type="market",
                  time_in_force="day", qty=Decimal(qty), percent=percent, status="filled", bar_ts=at(second),
                  submitted_at=at(second))
    uow.session.add(order)
    uow.session.flush()
    for filled, price, when in fills:
        uow.session.add(Fill(run_id=run_id, order_id=order.id, symbol="AAPL", side=side, qty=Decimal(filled),
                             price=Decimal(price), ts=at(when)))


def test_fills_after_an_outage_and_sizes_on_parted_equity_are_explained(pg: Container) -> None:
    with pg.uow() as uow:
        run, backtest = run_and_backtest(uow, at, 40, 410, {*WARMUP, *IDLE})
        # live's buy: 38 filled before the kill, 10 after the restart; the backtest sold and bought back alone
        _order(uow, run.id, 0, "buy", 5, 48, [(38, "410.08", 6.3), (10, "410.53", 31.5)])
        _order(uow, run.id, 1, "buy", 35, 30, [(30, "410.00", 36.2)], percent=Decimal(50))
        _order(uow, backtest.id, 0, "buy", 5, 48, [(48, "410.06", 6)])
        _order(uow, backtest.id, 1, "sell", 12, 48, [(48, "380.00", 13)])
        _order(uow, backtest.id, 2, "buy", 20, 48, [(48, "400.00", 21)])
        _order(uow, backtest.id, 3, "buy", 35, 24, [(24, "410.00", 36)], percent=Decimal(50))
        for rid, equity in ((run.id, Decimal("15000.00")), (backtest.id, Decimal("12000.00"))):
            uow.session.add_all([EquityPoint(run_id=rid, ts=at(3), equity=Decimal(10_000), cash=Decimal(10_000)),
                                 EquityPoint(run_id=rid, ts=at(35), equity=equity, cash=Decimal(0))])
        uow.commit()
        run_id, backtest_id = run.id, backtest.id
    with pg.read_session() as session:
        report = drift_report(session, run_id, against=backtest_id)
    rows = {(r.bar_ts, r.side): r for r in report.rows}
    through = rows[at(5), "buy"]
    assert (through.status, through.note) == ("identical", (
        "live filled 48 of 48 shares in 2 fills (the backtest 48 in 1); 10 of its 48 shares filled 25 s later, after "
        "the 20 bars the run was not trading (2026-12-07T23:57:24Z to 2026-12-07T23:57:43Z), at 410.53 (the first 38 "
        "at 410.08)"))
    sized = rows[at(35), "buy"]
    assert sized.note == (
        "sized by 50% of equity: live 30 shares, the backtest 24 (their equity differed: live had $15,000.00, the "
        "backtest $12,000.00; they parted earlier: see the rows before); the run was not running on 20 earlier bars "
        "(2026-12-07T23:57:24Z to 2026-12-07T23:57:43Z), where the backtest went on deciding; live filled 30 of 30 "
        "shares in 1 fill (the backtest 24 in 1)")
