"""Replace, trailing stops, OCO and OTO through alpaca-py against a real exchange: the states, links,
prices and stream events a client of Alpaca relies on, every body checked against trading.yaml."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderClass, OrderSide, TimeInForce
from alpaca.trading.requests import (
    LimitOrderRequest,
    MarketOrderRequest,
    ReplaceOrderRequest,
    StopLossRequest,
    TakeProfitRequest,
    TrailingStopOrderRequest,
)

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract, wait_for
from tests.integration.exchange.test_contract import call


def status(trading: TradingClient, order_id: object) -> str:
    return trading.get_order_by_id(order_id).status.value


def buy(trading: TradingClient, qty: int = 10) -> None:
    trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=qty, side=OrderSide.BUY, time_in_force=TimeInForce.GTC))


def test_a_replace_moves_a_resting_limit_and_links_both_orders(server: ExchangeServer, trading: TradingClient,
                                                               record_stream, contract: Contract) -> None:
    stream = record_stream(PAPER)
    server.pin_price("AAPL", "200")
    old = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=5, side=OrderSide.BUY, limit_price=190,
                                                 time_in_force=TimeInForce.GTC))
    new = trading.replace_order_by_id(old.id, ReplaceOrderRequest(limit_price=195, qty=4))

    assert (new.replaces, Decimal(str(new.limit_price)), new.qty, new.status.value) == (old.id, Decimal(195), "4",
                                                                                      "new")
    replaced = trading.get_order_by_id(old.id)
    assert (replaced.status.value, replaced.replaced_by) == ("replaced", new.id)
    contract.check("trading", "Order", call(server, "GET", f"/v2/orders/{old.id}").json())
    contract.check("trading", "Order", call(server, "GET", f"/v2/orders/{new.id}").json())
    wait_for(lambda: stream.events(old.id) == ["new", "pending_replace", "replaced"], what="the old order's events")
    server.pin_price("AAPL", "194.50")  # through the new limit, not the old one
    wait_for(lambda: status(trading, new.id) == "filled", what="the replacing order to fill")
    assert Decimal(str(trading.get_order_by_id(new.id).filled_avg_price)) == Decimal("194.5")
    assert trading.get_open_position("AAPL").qty == "4"


def test_replace_is_refused_for_final_orders_and_for_fields_it_cannot_change(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    filled = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY,
                                                     time_in_force=TimeInForce.DAY))
    with pytest.raises(APIError) as refused:
        trading.replace_order_by_id(filled.id, ReplaceOrderRequest(qty=2))
    assert refused.value.status_code == 422 and "filled" in refused.value.message
    resting = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY, limit_price=150,
                                                     time_in_force=TimeInForce.GTC))
    side_change = call(server, "PATCH", f"/v2/orders/{resting.id}", json={"side": "sell"})
    assert side_change.status_code == 422 and "cannot replace side" in side_change.json()["message"]
    too_big = call(server, "PATCH", f"/v2/orders/{resting.id}", json={"qty": "100000"})
    assert too_big.status_code == 403  # the new order alone must be affordable
    assert status(trading, resting.id) == "new"  # a refused replace leaves the order as it was


def test_a_trailing_stop_follows_the_high_water_mark_and_fills_when_the_price_falls_back(
        server: ExchangeServer, trading: TradingClient, contract: Contract) -> None:
    server.pin_price("AAPL", "100")
    buy(trading)
    stop = trading.submit_order(TrailingStopOrderRequest(symbol="AAPL", qty=10, side=OrderSide.SELL, trail_price=2,
                                                         time_in_force=TimeInForce.GTC))
    assert (Decimal(stop.hwm), Decimal(str(stop.stop_price))) == (Decimal(100), Decimal(98))
    contract.check("trading", "Order", call(server, "GET", f"/v2/orders/{stop.id}").json())
    server.pin_price("AAPL", "103")
    wait_for(lambda: Decimal(trading.get_order_by_id(stop.id).hwm) == 103, what="the mark to follow the price")
    assert Decimal(str(trading.get_order_by_id(stop.id).stop_price)) == Decimal(101)
    server.pin_price("AAPL", "101.50")  # below the mark, above the stop: nothing happens
    server.tick()
    assert status(trading, stop.id) == "new" and Decimal(trading.get_order_by_id(stop.id).hwm) == 103
    server.pin_price("AAPL", "100.80")
    wait_for(lambda: status(trading, stop.id) == "filled", what="the trailing stop to fill")
    assert Decimal(str(trading.get_order_by_id(stop.id).filled_avg_price)) == Decimal("100.8")
    percent = trading.submit_order(TrailingStopOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY, trail_percent=5,
                                                            time_in_force=TimeInForce.DAY))
    assert (Decimal(percent.hwm), Decimal(str(percent.stop_price))) == (Decimal("100.8"), Decimal("105.84"))
    replaced = trading.replace_order_by_id(percent.id, ReplaceOrderRequest(trail=1))
    assert (replaced.trail_percent, Decimal(str(replaced.stop_price))) == ("1", Decimal("101.81"))


def test_an_oco_exit_cancels_the_other_side_when_one_fills(server: ExchangeServer, trading: TradingClient,
                                                          margin: TradingClient) -> None:
    server.pin_price("AAPL", "100")
    buy(trading)
    oco = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=10, side=OrderSide.SELL,
                                                 time_in_force=TimeInForce.GTC, order_class=OrderClass.OCO,
                                                 take_profit=TakeProfitRequest(limit_price=110),
                                                 stop_loss=StopLossRequest(stop_price=95)))
    assert oco.order_class.value == "oco" and [leg.status.value for leg in oco.legs] == ["new"]
    assert (Decimal(str(oco.limit_price)), Decimal(str(oco.legs[0].stop_price))) == (Decimal(110), Decimal(95))
    server.pin_price("AAPL", "94")
    wait_for(lambda: status(trading, oco.legs[0].id) == "filled", what="the stop-loss to fill")
    assert status(trading, oco.id) == "canceled"
    assert trading.get_all_positions() == []
    with pytest.raises(APIError) as refused:  # nothing to exit (on an account that could sell short)
        margin.submit_order(LimitOrderRequest(
            symbol="AAPL", qty=1, side=OrderSide.SELL, time_in_force=TimeInForce.GTC, order_class=OrderClass.OCO,
            take_profit=TakeProfitRequest(limit_price=110), stop_loss=StopLossRequest(stop_price=90)))
    assert refused.value.status_code == 422 and "existing position" in refused.value.message


def test_an_oto_exit_waits_for_its_entry_then_goes_live(server: ExchangeServer, trading: TradingClient,
                                                         contract: Contract) -> None:
    server.pin_price("AAPL", "100")
    oto = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=3, side=OrderSide.BUY, limit_price=99,
                                                 time_in_force=TimeInForce.GTC, order_class=OrderClass.OTO,
                                                 stop_loss=StopLossRequest(stop_price=95)))
    assert [(leg.side.value, leg.status.value) for leg in oto.legs] == [("sell", "held")]
    contract.check("trading", "Order", call(server, "GET", f"/v2/orders/{oto.id}").json())
    server.pin_price("AAPL", "98")
    wait_for(lambda: status(trading, oto.legs[0].id) == "new", what="the exit to go live after the entry filled")
    server.pin_price("AAPL", "95")
    wait_for(lambda: status(trading, oto.legs[0].id) == "filled", what="the stop-loss to fill")
    assert trading.get_all_positions() == []
    both = call(server, "POST", "/v2/orders", json={"symbol": "AAPL", "qty": 1, "side": "buy", "type": "market",
                                                     "time_in_force": "day", "order_class": "oto",
                                                     "take_profit": {"limit_price": 120},
                                                     "stop_loss": {"stop_price": 90}})
    assert both.status_code == 422 and "either" in both.json()["message"]
