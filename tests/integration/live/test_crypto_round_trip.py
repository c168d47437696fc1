"""A crypto paper run buys 0.5 BTC and then sells its whole position, tick by tick against the local
exchange. The exchange takes the buy's fee in the coin, as Alpaca does (0.49875 BTC held), so the sale
the strategy decides (0.5) is sized to what the account holds and the missing coins are booked as the
fee: the run ends flat, as the account does, with nothing refused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from app.walle.models import Fill, Order, Position
from tests.integration.live.conftest import LIVE, PAPER, last_closed_bar, run_of, running_run, trading_client
from workers.runtime import Runtime

CENT = Decimal("0.01")


@pytest.fixture
def exchange() -> Iterator[ExchangeServer]:
    config = ExchangeConfig(symbols=(SymbolConfig.crypto("BTC/USD", 60_000.0, volatility=0.05),),
                            accounts=(PAPER, LIVE), seed=5, bar_seconds=1, tick_seconds=0.01)
    with ExchangeServer(config) as server:
        yield server


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)  # the exchange settles each fill half up


def tick(runtime: Runtime, run_id: str) -> str:
    outcome = runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    time.sleep(1.0)  # the next tick is on the next one-second bar
    return outcome


@pytest.mark.parametrize("reduce_only", [0, 1], ids=["sell-the-position", "close"])
def test_a_crypto_buy_then_a_sale_of_the_whole_position_ends_flat(
        pg: Container, exchange: ExchangeServer, live_runtime: Runtime, reduce_only: int) -> None:
    run_id = running_run(pg, symbols=["BTC/USD"], strategy="tests.fixtures.crypto_strategies:BuyThenSellAll",
                         params={"size": 0.5, "reduce_only": reduce_only})
    client = trading_client(exchange, PAPER)
    assert tick(live_runtime, run_id).startswith("done: 1")
    assert client.get_open_position("BTC/USD").qty == "0.49875"  # 0.5 less 25 bps, taken in BTC
    repaired = live_runtime.live.reconcile()["paper"]  # the run holds 0.5: the gap is the fee, not a mismatch
    assert not [line for line in repaired if line.startswith("position")]
    assert tick(live_runtime, run_id).startswith("done: 1")

    assert client.get_all_positions() == []  # everything the account held was sold
    run = run_of(pg, run_id)
    assert (run.status, run.error) == ("running", None)
    with pg.read_session() as session:
        buy, sale = session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at)).all()
        fills = session.scalars(select(Fill).where(Fill.run_id == run_id).order_by(Fill.ts)).all()
        position = session.scalars(select(Position).where(Position.run_id == run_id)).one()
    assert (buy.status, buy.filled_qty) == ("filled", Decimal("0.5"))
    assert (sale.status, sale.qty, sale.filled_qty) == ("filled", Decimal("0.5"), Decimal("0.49875"))
    assert position.qty == 0  # the 0.00125 BTC fee is booked out of the run's position
    bought, sold = fills
    realized = (sold.price - bought.price) * Decimal("0.49875") - Decimal("0.00125") * bought.price  # the fee at cost
    assert abs(position.realized_pl - realized) <= Decimal("0.00005")  # stored to 4 places (Money)
    usd_fee = cents(sold.qty * sold.price * Decimal("0.0025"))
    expected_cash = Decimal(100_000) - cents(bought.qty * bought.price) + cents(sold.qty * sold.price) - usd_fee
    assert Decimal(client.get_account().cash) == expected_cash
