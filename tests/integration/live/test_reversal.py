"""A reversal (close a long, then sell short, in one bar) trades live as in the backtest.

Alpaca refuses a sell that would cross through flat while the sell closing the long still works
("insufficient qty available"), and with realistic fills the close is only `new` when the short is
sent: every sma_cross reversal of a paper run was rejected (trial 12). The gateway now waits for the
close's fill before it sends the order that reverses through it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from app.walle.models import Order, Position
from tests.integration.live.conftest import PAPER, running_run
from tests.integration.live.test_resume import exchange_orders, tick_bars
from workers.runtime import Runtime


@pytest.fixture
def exchange() -> Iterator[ExchangeServer]:
    """The live tests' exchange, its paper account a margin account that may sell short (as the standalone's)."""
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0, volatility=0.8),),
                            accounts=(replace(PAPER, shorting=True),), seed=5, bar_seconds=1, tick_seconds=0.01)
    with ExchangeServer(config) as server:
        yield server


def test_a_long_reversed_to_short_in_one_bar_fills_both_orders(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    exchange.exchange.set_execution(fills="realistic", latency_ms=50)  # a submit's answer is `new`, as at Alpaca
    run_id = running_run(pg, strategy="tests.fixtures.strategies:Reverse", params={"size": 5},
                         options={"allow_short": True})
    tick_bars(3, [(live_runtime, run_id)])

    with pg.read_session() as session:
        orders = session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at,
                                                                                       Order.client_order_id)).all()
    assert [(o.side, o.qty, o.status, o.reject_reason) for o in orders] == [
        ("buy", Decimal(5), "filled", None), ("sell", Decimal(5), "filled", None), ("sell", Decimal(5), "filled", None)]
    assert [side for _, side, _ in exchange_orders(exchange, run_id)] == ["buy", "sell", "sell"]
    with pg.read_session() as session:  # short 5 after the reversal, in the run's own book
        held = session.scalar(select(Position.qty).where(Position.run_id == run_id, Position.symbol == "AAPL"))
    assert held == Decimal(-5)


def test_a_short_the_run_does_not_allow_is_refused_live_as_in_its_backtest(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    # The strategy asks to go short; the run's allow_short is off. The margin account would take the sale,
    # so only the run's setting stops it, as Greta's sizing does in the run's backtest (trial 12: live shorted).
    run_id = running_run(pg, strategy="tests.fixtures.strategies:Reverse", params={"size": 5})
    tick_bars(3, [(live_runtime, run_id)])

    with pg.read_session() as session:
        orders = session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at,
                                                                                       Order.client_order_id)).all()
        held = session.scalar(select(Position.qty).where(Position.run_id == run_id, Position.symbol == "AAPL"))
    assert [(o.side, o.status, o.reject_reason) for o in orders] == [
        ("buy", "filled", None), ("sell", "filled", None),
        ("sell", "rejected", "shorting is disabled: selling 5 with 0 shares held (the run's allow_short is off)")]
    assert [side for _, side, _ in exchange_orders(exchange, run_id)] == ["buy", "sell"]  # the short never sent
    assert held == 0
