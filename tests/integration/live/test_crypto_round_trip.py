"""A crypto paper run buys 0.5 BTC and then sells its whole position, tick by tick against the local
exchange. The exchange takes the buy's fee in the coin (0.49875 BTC held) and the sale's in dollars, as
Alpaca does, and reports each as a CFEE activity: Veda books each on its fill in the tick that made it,
so the run holds what the account holds and its cash is the account's, before and after a restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.config import Settings
from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from app.veda.book import load_book
from app.walle.models import Fill, Order, Position
from tests.integration.live.conftest import LIVE, PAPER, last_closed_bar, run_of, running_run, trading_client
from tests.integration.live.test_resume import events, restarted
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


def run_book(pg: Container, run_id: str) -> tuple[Decimal, Decimal]:
    """The run's (cash, BTC position) as Veda books them (what its run page shows)."""
    with pg.uow() as uow:
        book = load_book(uow, uow.runs.get(run_id))
        return book.cash, book.qty("BTC/USD")


@pytest.mark.parametrize("reduce_only", [0, 1], ids=["sell-the-position", "close"])
def test_a_crypto_round_trip_books_the_brokers_fees_so_the_run_is_the_account(
        pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings: Settings, reduce_only: int) -> None:
    run_id = running_run(pg, symbols=["BTC/USD"], strategy="tests.fixtures.crypto_strategies:BuyThenSellAll",
                         params={"size": 0.5, "reduce_only": reduce_only})
    client = trading_client(exchange, PAPER)
    assert tick(live_runtime, run_id).startswith("done: 1")
    held = Decimal(client.get_open_position("BTC/USD").qty)
    assert held == Decimal("0.5") * (1 - Decimal("0.0025"))  # 0.49875: 25 bps taken in BTC
    cash, position = run_book(pg, run_id)
    assert position == held  # the coin fee is booked with the fill, not at the sale
    with pg.read_session() as session:
        (bought,) = session.scalars(select(Fill).where(Fill.run_id == run_id)).all()
    account = Decimal(client.get_account().cash)
    # the fee did not come out of cash, and the fill settled to the cent, half up, in the run as in the account
    assert cash == account == Decimal(100_000) - cents(Decimal("0.5") * bought.price)
    repaired = live_runtime.live.reconcile()["paper"]
    assert not [line for line in repaired if line.startswith("position")]
    assert tick(live_runtime, run_id).startswith("done: 1")

    assert client.get_all_positions() == []  # everything the account held was sold
    run = run_of(pg, run_id)
    assert (run.status, run.error) == ("running", None)
    with pg.read_session() as session:
        buy, sale = session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at)).all()
        bought, sold = session.scalars(select(Fill).where(Fill.run_id == run_id).order_by(Fill.ts)).all()
        row = session.scalars(select(Position).where(Position.run_id == run_id)).one()
    assert (buy.status, buy.filled_qty) == ("filled", Decimal("0.5"))
    assert (sale.status, sale.qty, sale.filled_qty) == ("filled", held, held)  # the run sold what it held
    coin_fee = Decimal("0.5") - held
    usd_fee = cents(held * sold.price * Decimal("0.0025"))
    assert (bought.fee_qty, bought.fee) == (coin_fee, cents(coin_fee * bought.price))  # the coins, valued
    assert (sold.fee_qty, sold.fee) == (0, usd_fee)
    # Flat, it made what its fills moved in cash, to the cent (trial 35: averaged over unrounded prices, -1,260.41
    # where the trades and the equity said -1,260.39); the coins' fee is in the fewer coins sold.
    assert row.realized_pl == cents(held * sold.price) - cents(Decimal("0.5") * bought.price) - usd_fee
    cash, position = run_book(pg, run_id)
    account = Decimal(client.get_account().cash)
    assert position == 0
    # each fill settled to the cent: the run's cash is the account's (trial 24 saw $0.04 apart after 64 fills)
    assert cash == account == (Decimal(100_000) - cents(Decimal("0.5") * bought.price) + cents(held * sold.price)
                               - usd_fee)

    worker = restarted(settings, pg)  # a new worker rebuilds the strategy from the records
    assert tick(worker, run_id).startswith("done: 0")
    assert events(pg, run_id, "run.replay_mismatch") == []  # the replayed sale sold the 0.49875 held
    assert run_book(pg, run_id) == (cash, 0)
    assert worker.live.contexts[run_id].gateway.cash() == cash
    assert client.get_all_positions() == []
