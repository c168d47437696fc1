"""Order round trips through alpaca-py's TradingClient: every order type fills when the (pinned)
price reaches it; lookups, cancels and Alpaca's refusals behave as Alpaca's do."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderClass, OrderSide, OrderStatus, QueryOrderStatus, TimeInForce
from alpaca.trading.requests import (
    GetOrdersRequest,
    LimitOrderRequest,
    MarketOrderRequest,
    StopLimitOrderRequest,
    StopLossRequest,
    StopOrderRequest,
    TakeProfitRequest,
)

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import wait_for

BUY, SELL, DAY, GTC = OrderSide.BUY, OrderSide.SELL, TimeInForce.DAY, TimeInForce.GTC


def status_of(client: TradingClient, order_id: object) -> OrderStatus:
    return client.get_order_by_id(order_id).status


def test_market_order_fills_at_the_last_price(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "187.25")
    order = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=4, side=BUY, time_in_force=DAY))
    assert order.status == OrderStatus.FILLED
    assert (order.filled_qty, order.filled_avg_price) == ("4", "187.25")
    assert order.filled_at is not None and order.type == "market" and order.order_class == OrderClass.SIMPLE


def test_limit_buy_rests_then_fills_at_the_limit_when_price_gaps_below(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "100")
    order = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=2, side=BUY, time_in_force=GTC,
                                                   limit_price=95))
    assert order.status == OrderStatus.NEW
    server.pin_price("AAPL", "96")
    assert status_of(trading, order.id) == OrderStatus.NEW
    server.pin_price("AAPL", "94.5")
    filled = trading.get_order_by_id(order.id)
    assert filled.status == OrderStatus.FILLED and filled.filled_avg_price == "94.5"  # gapped through: better


def test_limit_sell_fills_from_the_moving_price_within_a_tick(server: ExchangeServer,
                                                               trading: TradingClient) -> None:
    trading.submit_order(MarketOrderRequest(symbol="MSFT", qty=1, side=BUY, time_in_force=DAY))
    last = Decimal(server.exchange.prices()["MSFT"])
    server.pin_price("MSFT", last)
    order = trading.submit_order(LimitOrderRequest(symbol="MSFT", qty=1, side=SELL, time_in_force=DAY,
                                                   limit_price=float(last + Decimal("0.5"))))
    server.release_price("MSFT")  # the price walks again; a pin one tick later crosses the limit
    server.exchange.market.pin("MSFT", float(last + 1), server.exchange.clock())
    wait_for(lambda: status_of(trading, order.id) == OrderStatus.FILLED, timeout=1, what="the ticker to fill")


def test_stop_orders_trigger_when_the_price_reaches_the_stop(server: ExchangeServer,
                                                             trading: TradingClient) -> None:
    server.pin_price("SPY", "500")
    trading.submit_order(MarketOrderRequest(symbol="SPY", qty=2, side=BUY, time_in_force=DAY))
    stop = trading.submit_order(StopOrderRequest(symbol="SPY", qty=1, side=SELL, time_in_force=GTC,
                                                 stop_price=490))
    stop_limit = trading.submit_order(StopLimitOrderRequest(symbol="SPY", qty=1, side=SELL, time_in_force=GTC,
                                                            stop_price=480, limit_price=478))
    server.pin_price("SPY", "489")
    assert trading.get_order_by_id(stop.id).filled_avg_price == "489"
    assert status_of(trading, stop_limit.id) == OrderStatus.NEW
    server.pin_price("SPY", "477")  # gaps through the stop and below the limit: triggered, rests
    assert status_of(trading, stop_limit.id) == OrderStatus.NEW
    server.pin_price("SPY", "478.5")
    filled = trading.get_order_by_id(stop_limit.id)
    assert filled.status == OrderStatus.FILLED and filled.filled_avg_price == "478.5"


def test_bracket_exits_activate_after_entry_and_cancel_each_other(server: ExchangeServer,
                                                                   trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    parent = trading.submit_order(MarketOrderRequest(
        symbol="AAPL", qty=5, side=BUY, time_in_force=GTC, order_class=OrderClass.BRACKET,
        take_profit=TakeProfitRequest(limit_price=210), stop_loss=StopLossRequest(stop_price=190)))
    assert parent.status == OrderStatus.FILLED and len(parent.legs) == 2
    take_profit, stop_loss = (leg.id for leg in parent.legs)
    assert {status_of(trading, take_profit), status_of(trading, stop_loss)} == {OrderStatus.NEW}
    nested = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.OPEN, nested=True))
    assert [o.id for o in nested] == [] or all(o.legs for o in nested)
    server.pin_price("AAPL", "211")
    assert trading.get_order_by_id(take_profit).filled_avg_price == "211"
    assert status_of(trading, stop_loss) == OrderStatus.CANCELED
    assert trading.get_all_positions() == []


def test_bracket_legs_are_held_until_a_limit_entry_fills(server: ExchangeServer,
                                                         trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    parent = trading.submit_order(LimitOrderRequest(
        symbol="AAPL", qty=1, side=BUY, time_in_force=DAY, limit_price=195, order_class=OrderClass.BRACKET,
        take_profit=TakeProfitRequest(limit_price=205), stop_loss=StopLossRequest(stop_price=185)))
    assert [leg.status for leg in parent.legs] == [OrderStatus.HELD, OrderStatus.HELD]
    listed = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.OPEN, nested=True))
    assert [o.id for o in listed] == [parent.id] and len(listed[0].legs) == 2
    flat = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.OPEN, nested=False))
    assert len(flat) == 3 and all(o.legs is None for o in flat)
    server.pin_price("AAPL", "184")  # entry fills at 184; the stop-loss at 185 is hit by the next tick
    wait_for(lambda: status_of(trading, parent.legs[1].id) == OrderStatus.FILLED, timeout=1, what="stop loss")
    assert status_of(trading, parent.legs[0].id) == OrderStatus.CANCELED


def test_bracket_with_inconsistent_legs_is_refused(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    with pytest.raises(APIError) as refused:
        trading.submit_order(MarketOrderRequest(
            symbol="AAPL", qty=1, side=BUY, time_in_force=DAY, order_class=OrderClass.BRACKET,
            take_profit=TakeProfitRequest(limit_price=195), stop_loss=StopLossRequest(stop_price=190)))
    assert refused.value.status_code == 422 and refused.value.code == 40010001


def test_orders_are_found_by_id_and_by_client_order_id(trading: TradingClient) -> None:
    client_id = f"weaver-{uuid.uuid4()}"
    order = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=1, side=BUY, time_in_force=GTC,
                                                   limit_price=1, client_order_id=client_id))
    assert trading.get_order_by_id(order.id).client_order_id == client_id
    assert trading.get_order_by_client_id(client_id).id == order.id
    generated = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=1, side=BUY, time_in_force=GTC,
                                                       limit_price=1))
    assert uuid.UUID(generated.client_order_id)


def test_cancel_answers_204_then_404_for_unknown_and_422_for_filled(trading: TradingClient) -> None:
    resting = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=1, side=BUY, time_in_force=GTC,
                                                     limit_price=1))
    assert trading.cancel_order_by_id(resting.id) is None
    assert status_of(trading, resting.id) == OrderStatus.CANCELED
    with pytest.raises(APIError) as unknown:
        trading.cancel_order_by_id(uuid.uuid4())
    assert (unknown.value.status_code, unknown.value.code) == (404, 40410000)
    filled = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=1, side=BUY, time_in_force=DAY))
    with pytest.raises(APIError) as final:
        trading.cancel_order_by_id(filled.id)
    assert final.value.status_code == 422


def test_cancel_all_returns_a_multi_status_list(trading: TradingClient) -> None:
    ids = {trading.submit_order(LimitOrderRequest(symbol="MSFT", qty=1, side=BUY, time_in_force=GTC,
                                                  limit_price=1)).id for _ in range(3)}
    results = trading.cancel_orders()
    assert {r.id for r in results} == ids and {r.status for r in results} == {200}
    assert trading.get_orders() == []


def test_duplicate_client_order_id_is_refused(trading: TradingClient) -> None:
    request = LimitOrderRequest(symbol="AAPL", qty=1, side=BUY, time_in_force=GTC, limit_price=1,
                                client_order_id="only-once")
    trading.submit_order(request)
    with pytest.raises(APIError) as duplicate:
        trading.submit_order(request)
    assert duplicate.value.status_code == 422
    assert duplicate.value.message == "client_order_id must be unique"


def test_insufficient_buying_power_is_403_40310000(trading: TradingClient) -> None:
    with pytest.raises(APIError) as refused:
        trading.submit_order(MarketOrderRequest(symbol="SPY", qty=1000, side=BUY, time_in_force=DAY))
    assert (refused.value.status_code, refused.value.code) == (403, 40310000)
    assert refused.value.message == "insufficient buying power"


def test_open_buy_orders_hold_buying_power(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "100")
    trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=600, side=BUY, time_in_force=GTC, limit_price=90))
    assert Decimal(trading.get_account().buying_power) == Decimal("46000")
    with pytest.raises(APIError):
        trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=600, side=BUY, time_in_force=GTC,
                                               limit_price=90))


@pytest.mark.parametrize(
    "body",
    [
        {"symbol": "AAPL", "qty": -1, "side": "buy", "type": "market", "time_in_force": "day"},
        {"symbol": "AAPL", "qty": 1, "side": "buy", "type": "limit", "time_in_force": "day"},
        {"symbol": "ZZZZ", "qty": 1, "side": "buy", "type": "market", "time_in_force": "day"},
        {"symbol": "AAPL", "qty": 1.5, "side": "buy", "type": "market", "time_in_force": "gtc"},
        {"symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "day"},
        {"symbol": "AAPL", "qty": 1, "side": "buy", "type": "market", "time_in_force": "day",
         "client_order_id": "x" * 129},
    ],
)
def test_bad_input_is_422_40010001(trading: TradingClient, body: dict) -> None:
    with pytest.raises(APIError) as refused:
        trading.post("/orders", body)
    assert (refused.value.status_code, refused.value.code) == (422, 40010001)


def test_list_filters_by_status_side_symbol_and_time(trading: TradingClient) -> None:
    first = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=1, side=BUY, time_in_force=GTC,
                                                   limit_price=1))
    second = trading.submit_order(MarketOrderRequest(symbol="MSFT", qty=1, side=BUY, time_in_force=DAY))
    third = trading.submit_order(MarketOrderRequest(symbol="MSFT", qty=1, side=SELL, time_in_force=DAY))
    every = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, direction="asc"))
    assert [o.id for o in every] == [first.id, second.id, third.id]
    assert [o.id for o in trading.get_orders()] == [first.id]
    closed = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.CLOSED, side=SELL))
    assert [o.id for o in closed] == [third.id]
    by_symbol = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, symbols=["MSFT"], limit=1))
    assert [o.id for o in by_symbol] == [third.id]
    later = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, after=first.submitted_at))
    assert first.id not in {o.id for o in later}
