"""A close while the buy is still filling, against the local exchange over real HTTP: the exchange fills
one share per one-second bar (realistic fills, a tiny volume share), so the strategy's close meets its
buy half done. As in the backtest, close means flat: the buy's remainder is cancelled at the exchange,
the close sells what the run held after the cancel, and nothing fills after it or is rejected."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import requests
from sqlalchemy import func, select

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.walle.models import Fill, Order, OutboxEvent, Position
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run, trading_client
from workers.runtime import Runtime


def _orders(pg: Container, run_id: str) -> list[Order]:
    with pg.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at)))


def _held(pg: Container, run_id: str) -> Decimal:
    with pg.read_session() as session:
        qty = session.scalar(select(Position.qty).where(Position.run_id == run_id))
        return qty if qty is not None else Decimal(0)


def _exchange_held(exchange: ExchangeServer) -> Decimal:
    held = {p.symbol: Decimal(p.qty) for p in trading_client(exchange, PAPER).get_all_positions()}
    return held.get("AAPL", Decimal(0))


def test_a_close_while_the_buy_fills_cancels_its_remainder_and_ends_flat(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    slow = requests.post(f"{exchange.url}/_exchange/execution", timeout=5,
                         json={"fills": "realistic", "volume_share": 1e-9, "latency_ms": 0},
                         headers={"X-Exchange-Admin-Token": exchange.admin_token})
    assert slow.status_code == 200, slow.text
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyThenClose", params={"size": 50})
    bar = last_closed_bar()
    assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()) == "done: 1 order(s)"
    (buy,) = _orders(pg, run_id)
    assert buy.status == "partially_filled" and 0 < buy.filled_qty < 50

    for n in range(1, 5):  # the close, then bars for its sale to fill (one share a bar, too)
        time.sleep(1.0)
        live_runtime.live.handle("tick", run_id, bar_ts=(bar + n * timedelta(seconds=1)).isoformat())
    time.sleep(0.3)
    live_runtime.live.contexts[run_id].gateway.sync_open_orders()

    buy, sell = _orders(pg, run_id)
    assert buy.status == "canceled" and 0 < buy.filled_qty < 50
    assert sell.side == "sell" and sell.status == "filled" and sell.qty == sell.filled_qty == buy.filled_qty
    assert _held(pg, run_id) == 0 and _exchange_held(exchange) == 0
    at_exchange = trading_client(exchange, PAPER).get_order_by_client_id(buy.client_order_id)
    assert at_exchange.status.value == "canceled" and Decimal(at_exchange.filled_qty) == buy.filled_qty
    with pg.read_session() as session:
        events = [(e.type, e.payload.get("client_order_id")) for e in session.scalars(
            select(OutboxEvent).where(OutboxEvent.run_id == run_id).order_by(OutboxEvent.seq))]
    assert ("order.canceled", buy.client_order_id) in events
    assert not [e for e in events if e[0] == "order.rejected"]


def test_a_close_asked_again_while_the_last_one_fills_keeps_it_working_and_makes_one_trade(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    """Trial 42: an exit rule that stays true called close() on every bar; each cancelled the close still filling
    and sent another, so one round trip was five sell orders and five trades (the backtest's one). A close already
    working for the whole holding is the close: it keeps filling, and the round trip is one trade."""
    # close() on every bar that holds, as an exit rule that stays true does (a breakout's close below the channel)
    run_id = running_run(pg, strategy="tests.fixtures.crypto_strategies:BuyThenSellAll",
                         params={"size": 4, "reduce_only": 1})
    bar = last_closed_bar()
    assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()) == "done: 1 order(s)"
    live_runtime.live.contexts[run_id].gateway.sync_open_orders()
    assert _held(pg, run_id) == 4
    slow = requests.post(f"{exchange.url}/_exchange/execution", timeout=5,
                         json={"fills": "realistic", "volume_share": 1e-9, "latency_ms": 0},
                         headers={"X-Exchange-Admin-Token": exchange.admin_token})
    assert slow.status_code == 200, slow.text
    for n in range(1, 8):  # the close, then bars for it to fill one share a bar, close() asked on each
        time.sleep(1.0)
        live_runtime.live.handle("tick", run_id, bar_ts=(bar + n * timedelta(seconds=1)).isoformat())
    time.sleep(0.3)
    live_runtime.live.contexts[run_id].gateway.sync_open_orders()

    buy, sell = _orders(pg, run_id)
    assert (sell.side, sell.status, sell.qty, sell.filled_qty) == ("sell", "filled", Decimal(4), Decimal(4))
    assert _held(pg, run_id) == 0 and _exchange_held(exchange) == 0
    with pg.read_session() as session:
        fills = session.scalar(select(func.count()).select_from(Fill).where(Fill.order_id == sell.id))
    assert fills >= 2, "the close filled in parts, over several bars"
    trades = live_runtime.live.contexts[run_id].gateway.trades(True)
    assert len(trades) == 1 and trades[0].size == Decimal(4)
