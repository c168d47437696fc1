"""A paper run's second sale of shares a resting sale already promised is refused when it is decided, with
the broker's words, as its backtest refuses it (trial 27: the stop-loss beside a take-profit limit was
refused live as "shorting is disabled: selling 10 with 0 shares held" while 10 were held, and filled in the
backtest, so the live position had no stop)."""

from __future__ import annotations

from decimal import Decimal

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.greta import BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.engine import run_backtest
from tests.fixtures.strategies import TwoExits
from tests.integration.live.conftest import booked, running_run
from tests.integration.live.test_resume import exchange_orders, tick_bars
from workers.runtime import Runtime

REFUSED = ("insufficient qty available for order (requested: 10, available: 0): 10 of the 10 held are promised "
           "to the run's open sell orders")


def test_a_stop_beside_a_take_profit_is_refused_live_as_in_the_backtest(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:TwoExits", params={"size": 10})
    tick_bars(3, [(live_runtime, run_id)])

    orders, held = booked(pg, run_id)
    assert [(o.side, o.type, o.status, o.reject_reason) for o in orders] == [
        ("buy", "market", "filled", None), ("sell", "limit", "accepted", None), ("sell", "stop", "rejected", REFUSED)]
    assert held == Decimal(10)
    assert [side for _, side, _ in exchange_orders(exchange, run_id)] == ["buy", "sell"]  # the stop was never sent

    backtest = run_backtest(BacktestConfig("two_exits", {"size": 10}), [synthetic_bars("AAPL", 10, seed=1)],
                            strategy=TwoExits)
    assert [(o.side, o.type, o.status, o.reject_reason) for o in backtest.orders] == [
        ("buy", "market", "filled", None), ("sell", "limit", "new", None), ("sell", "stop", "rejected", REFUSED)]
