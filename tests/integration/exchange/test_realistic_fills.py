"""The realistic execution model (`--fills realistic`, the default of `weaver exchange`): orders reach the
market after a latency, pay the spread, take at most a share of each bar's volume, and a resting limit
fills only when trades go through it. Driven through alpaca-py and the trade_updates stream."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import LimitOrderRequest, MarketOrderRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, wait_for


def set_execution(server: ExchangeServer, **body: object) -> requests.Response:
    return requests.post(f"{server.url}/_exchange/execution", json=body,
                         headers={"X-Exchange-Admin-Token": server.admin_token}, timeout=5)


@pytest.fixture
def realistic(server: ExchangeServer) -> Iterator[ExchangeServer]:
    answer = set_execution(server, fills="realistic", volume_share=0.2, latency_ms=50)
    assert answer.json()["fills"] == "realistic", answer.text
    yield server
    server.reset()


def executions(stream, order_id: object) -> list[tuple[str, Decimal, Decimal]]:
    return [(u.event, Decimal(str(u.qty)), Decimal(str(u.price))) for u in list(stream.updates)
            if str(u.order.id) == str(order_id) and u.event in ("partial_fill", "fill")]


def test_a_large_market_order_fills_over_several_bars_at_the_ask_and_a_round_trip_costs_the_spread(
        realistic: ExchangeServer, trading: TradingClient, record_stream) -> None:
    stream = record_stream(PAPER)
    set_execution(realistic, volume_share=0.0005)  # one or two shares a (1-second) bar, whatever the hour
    realistic.pin_price("AAPL", "200")
    cash = Decimal(trading.get_account().cash)
    bought = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=6, side=OrderSide.BUY,
                                                     time_in_force=TimeInForce.DAY))
    assert (bought.status.value, bought.filled_qty) == ("new", "0")  # on its way to the market
    wait_for(lambda: trading.get_order_by_id(bought.id).status.value == "filled", 15, "the buy to fill")
    wait_for(lambda: executions(stream, bought.id)[-1:][0][0] == "fill" if executions(stream, bought.id) else False,
             what="the last fill event")
    fills = executions(stream, bought.id)
    assert [e for e, _, _ in fills].count("partial_fill") >= 2 and fills[-1][0] == "fill"
    assert sum(q for _, q, _ in fills) == 6 and all(p > Decimal(200) for _, _, p in fills)  # bought at the ask
    vwap = sum(q * p for _, q, p in fills) / 6
    assert Decimal(str(trading.get_order_by_id(bought.id).filled_avg_price)) == vwap.quantize(Decimal("0.0001"))

    sold = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=6, side=OrderSide.SELL,
                                                   time_in_force=TimeInForce.DAY))
    wait_for(lambda: trading.get_order_by_id(sold.id).status.value == "filled", 15, "the sell to fill")
    wait_for(lambda: sum(q for _, q, _ in executions(stream, sold.id)) == 6, what="every sell fill event")
    assert all(p < Decimal(200) for _, _, p in executions(stream, sold.id))  # sold at the bid
    paid = sum(q * p for _, q, p in fills) - sum(q * p for _, q, p in executions(stream, sold.id))
    assert paid > 0 and Decimal(trading.get_account().cash) == cash - paid  # the round trip cost the spread
    assert trading.get_all_positions() == []


def test_a_resting_limit_fills_only_when_trades_go_through_it(realistic: ExchangeServer,
                                                              trading: TradingClient) -> None:
    realistic.pin_price("AAPL", "200")
    order = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=5, side=OrderSide.BUY, limit_price=199,
                                                   time_in_force=TimeInForce.GTC))
    realistic.pin_price("AAPL", "199")  # trades at the limit, not through it
    for _ in range(5):
        realistic.tick()
    assert trading.get_order_by_id(order.id).status.value == "new"
    realistic.pin_price("AAPL", "198.99")
    wait_for(lambda: trading.get_order_by_id(order.id).status.value == "filled", 10, "the limit to fill")
    assert Decimal(str(trading.get_order_by_id(order.id).filled_avg_price)) <= Decimal(199)


def test_ioc_keeps_what_one_bar_allows_and_fok_fills_whole_or_not_at_all(realistic: ExchangeServer,
                                                                         trading: TradingClient) -> None:
    realistic.pin_price("AAPL", "1")  # 40,000 shares: more than a fifth of any bar's volume
    ioc = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=40_000, side=OrderSide.BUY,
                                                  time_in_force=TimeInForce.IOC))
    fok = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=40_000, side=OrderSide.BUY,
                                                  time_in_force=TimeInForce.FOK))
    wait_for(lambda: trading.get_order_by_id(ioc.id).status.value == "canceled", 10, "the IOC remainder to cancel")
    wait_for(lambda: trading.get_order_by_id(fok.id).status.value == "canceled", 10, "the FOK to cancel")
    assert 0 < Decimal(trading.get_order_by_id(ioc.id).filled_qty) < 40_000
    assert trading.get_order_by_id(fok.id).filled_qty == "0"


def test_random_partials_cut_fills_the_same_way_for_the_same_seed_and_client_order_id(
        realistic: ExchangeServer, trading: TradingClient) -> None:
    """Half a share: a bar's budget is at least one share, so however thin the second's volume (it varies
    with the hour and the draw) the cut acts on the same 0.5 in both attempts."""
    set_execution(realistic, random_partials=1.0, volume_share=1.0, latency_ms=0)
    realistic.pin_price("AAPL", "100")
    firsts = []
    for attempt in range(2):
        order = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=0.5, side=OrderSide.BUY,
                                                        time_in_force=TimeInForce.DAY, client_order_id="cut-me"))
        firsts.append(order.filled_qty)
        wait_for(lambda o=order: trading.get_order_by_id(o.id).status.value == "filled", 10, "the order to fill")
        if attempt == 0:
            realistic.reset()
            set_execution(realistic, fills="realistic", random_partials=1.0, volume_share=1.0, latency_ms=0)
            realistic.pin_price("AAPL", "100")
    assert firsts[0] == firsts[1] and 0 < Decimal(firsts[0]) < Decimal("0.5")


def test_bad_execution_settings_are_refused(server: ExchangeServer) -> None:
    assert set_execution(server, fills="magic").status_code == 422
    assert set_execution(server, volume_share=0).status_code == 422
    assert set_execution(server, latency_ms="soon").status_code == 422
    assert set_execution(server, speed=3).status_code == 422
