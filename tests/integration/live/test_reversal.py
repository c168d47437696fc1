"""A reversal (close a long, then sell short, in one bar) trades live as in the backtest.

Alpaca refuses a sell that would cross through flat while the sell closing the long still works
("insufficient qty available"), and with realistic fills the close is only `new` when the short is
sent: every sma_cross reversal of a paper run was rejected (trial 12). The gateway now waits for the
close's fill before it sends the order that reverses through it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import select

from app.bootstrap import Container
from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from app.walle.models import Order
from tests.integration.live.conftest import PAPER, booked, running_run, trading_client
from tests.integration.live.test_resume import exchange_orders, tick_bars
from workers.runtime import Runtime


@pytest.fixture
def exchange() -> Iterator[ExchangeServer]:
    """The live tests' exchange, its paper account a margin account that may sell short (as the standalone's).
    Its volume is deep enough that a tenth of any one-second bar fills 5 shares at once: off-session, a
    sixth of the default's bars held fewer than 50 shares, the close then filled over two bars and this
    module's first test failed at those seconds of the day; the second sets a thin market on purpose."""
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0, volatility=0.8, volume_per_second=1e6),),
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
    # The short sent on the last bar may still be working when its tick ends (a loaded machine: the exchange
    # fills it a moment later); the run's next tick would book it, as this sync does.
    wait_until_filled(exchange, run_id)
    live_runtime.live.desk.gateway(run_id, live_runtime.live.desk.brokers["paper"]).sync_open_orders()

    orders, held = booked(pg, run_id)
    assert [(o.side, o.qty, o.status, o.reject_reason) for o in orders] == [
        ("buy", Decimal(5), "filled", None), ("sell", Decimal(5), "filled", None), ("sell", Decimal(5), "filled", None)]
    assert [side for _, side, _ in exchange_orders(exchange, run_id)] == ["buy", "sell", "sell"]
    assert held == Decimal(-5)  # short 5 after the reversal, in the run's own book


def test_a_reversal_whose_close_fills_slowly_is_not_sent_and_says_why(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    # The market thins after the buy: one share of a bar goes to an order, so the close of 5 fills over 5 bars.
    # The order crossing through flat would be refused by the broker while the close works, so it is not sent.
    exchange.exchange.set_execution(fills="realistic", latency_ms=50)
    run_id = running_run(pg, strategy="tests.fixtures.strategies:Reverse", params={"size": 5},
                         options={"allow_short": True})
    first = tick_bars(1, [(live_runtime, run_id)])
    wait_until_filled(exchange, run_id)  # the buy, whole, before the market thins
    exchange.exchange.set_execution(volume_share=1e-9)
    tick_bars(1, [(live_runtime, run_id)], first=first[0] + timedelta(seconds=1))

    with pg.read_session() as session:
        orders = session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at,
                                                                                       Order.client_order_id)).all()
    buy, close, short = orders
    assert (buy.side, buy.qty, buy.status) == ("buy", Decimal(5), "filled")
    assert (close.side, close.qty) == ("sell", Decimal(5))
    assert close.status in ("new", "partially_filled") and (close.filled_qty or 0) < 5  # still working
    assert (short.side, short.status, short.reject_reason) == ("sell", "rejected", (
        f"not sent: the sell that closes the position ({close.client_order_id}) had not filled after 0.35 s, "
        "and the broker does not let an order cross through flat while it works"))
    assert [side for _, side, _ in exchange_orders(exchange, run_id)] == ["buy", "sell"]  # the short never sent


def wait_until_filled(exchange: ExchangeServer, run_id: str) -> None:
    client = trading_client(exchange, PAPER)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = client.get_orders(GetOrdersRequest(status="all", limit=50))
        if found and all(o.status.value == "filled" for o in found if o.client_order_id.startswith(run_id)):
            return
        time.sleep(0.02)
    raise AssertionError(f"the run's orders did not fill within 5 s: {found}")


def test_a_short_the_run_does_not_allow_is_refused_live_as_in_its_backtest(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    # The strategy asks to go short; the run's allow_short is off. The margin account would take the sale,
    # so only the run's setting stops it, as Greta's sizing does in the run's backtest (trial 12: live shorted).
    run_id = running_run(pg, strategy="tests.fixtures.strategies:Reverse", params={"size": 5})
    tick_bars(3, [(live_runtime, run_id)])

    orders, held = booked(pg, run_id)
    assert [(o.side, o.status, o.reject_reason) for o in orders] == [
        ("buy", "filled", None), ("sell", "filled", None),
        ("sell", "rejected", "shorting is disabled: selling 5 with 0 shares held (the run's allow_short is off)")]
    assert [side for _, side, _ in exchange_orders(exchange, run_id)] == ["buy", "sell"]  # the short never sent
    assert held == 0
