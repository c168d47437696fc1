"""Replace followed by cancel or another replace, the way clients chain them (alpaca-py here; the JS SDK
4.x in tests/js-sdk/v4-trading.test.mjs): every wrong request is a 4xx with Alpaca's error body (a code
and a message), never a 500, and the orders' states and links stay what Alpaca would show."""

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
)

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract, wait_for
from tests.integration.exchange.test_contract import call

NOT_CANCELABLE, INVALID = 42210000, 40010001


def resting_limit(trading: TradingClient, price: float = 150, qty: int = 5) -> object:
    return trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=qty, side=OrderSide.BUY, limit_price=price,
                                                  time_in_force=TimeInForce.GTC))


def refusal(response: object) -> tuple[int, int]:
    """(HTTP status, Alpaca code) of a refused request, whose body must be Alpaca's: exactly code and message."""
    body = response.json()
    assert set(body) == {"code", "message"} and body["message"], body
    return response.status_code, body["code"]


def test_limit_replace_cancel_leaves_the_old_replaced_and_the_new_canceled(
        server: ExchangeServer, trading: TradingClient, record_stream, contract: Contract) -> None:
    stream = record_stream(PAPER)
    server.pin_price("AAPL", "200")
    old = resting_limit(trading)
    patched = call(server, "PATCH", f"/v2/orders/{old.id}", json={"limit_price": "160", "qty": "4"})
    contract.check("trading", "Order", patched.json())  # the PATCH answer itself is the new order
    new = trading.get_order_by_id(patched.json()["id"])
    assert (new.qty, Decimal(str(new.limit_price)), str(new.replaces)) == ("4", Decimal(160), str(old.id))
    canceled = call(server, "DELETE", f"/v2/orders/{new.id}")
    assert (canceled.status_code, canceled.text) == (204, "")
    old_body, new_body = (call(server, "GET", f"/v2/orders/{i}").json() for i in (old.id, new.id))
    assert (old_body["status"], old_body["replaced_by"], new_body["status"], new_body["replaces"]) == (
        "replaced", str(new.id), "canceled", str(old.id))
    for body in (old_body, new_body):
        contract.check("trading", "Order", body)
    wait_for(lambda: stream.events(new.id) == ["new", "canceled"], what="the replacing order's events")
    assert stream.events(old.id) == ["new", "pending_replace", "replaced"]
    assert trading.get_orders() == []  # nothing open


def test_the_old_id_after_a_replace_can_be_neither_canceled_nor_replaced(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    old = resting_limit(trading)
    new = trading.replace_order_by_id(old.id, ReplaceOrderRequest(limit_price=155))
    assert refusal(call(server, "DELETE", f"/v2/orders/{old.id}")) == (422, NOT_CANCELABLE)
    assert refusal(call(server, "PATCH", f"/v2/orders/{old.id}", json={"limit_price": 156})) == (422, NOT_CANCELABLE)
    with pytest.raises(APIError) as refused:  # alpaca-py raises it as Alpaca's error
        trading.cancel_order_by_id(old.id)
    assert refused.value.status_code == 422 and '"replaced"' in refused.value.message
    assert trading.get_order_by_id(new.id).status.value == "new"  # the refusals left the new order resting
    assert [str(o.id) for o in trading.get_orders()] == [str(new.id)]


def test_a_replaced_order_replaced_again_chains_and_the_last_one_cancels(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    first = resting_limit(trading)
    second = trading.replace_order_by_id(first.id, ReplaceOrderRequest(limit_price=151))
    third = trading.replace_order_by_id(second.id, ReplaceOrderRequest(qty=2))
    assert (str(third.replaces), third.qty, Decimal(str(third.limit_price))) == (str(second.id), "2", Decimal(151))
    assert trading.get_order_by_id(second.id).replaced_by == third.id
    trading.cancel_order_by_id(third.id)
    assert [trading.get_order_by_id(o.id).status.value for o in (first, second, third)] == [
        "replaced", "replaced", "canceled"]


def test_a_replace_after_the_order_filled_is_refused_and_one_after_a_partial_fill_takes_the_rest(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    order = resting_limit(trading, qty=10)
    server.force_fill(str(order.id), qty=4, price="150")  # the fill wins the race: 4 of 10 before the replace
    new = trading.replace_order_by_id(order.id, ReplaceOrderRequest(limit_price=149))
    old = trading.get_order_by_id(order.id)
    assert (old.status.value, old.filled_qty, new.qty) == ("replaced", "4", "6")  # the new one has 6 left to buy
    server.force_fill(str(new.id))  # and then it fills in full, before the next replace arrives
    late = call(server, "PATCH", f"/v2/orders/{new.id}", json={"limit_price": 148})
    assert refusal(late) == (422, NOT_CANCELABLE) and '"filled"' in late.json()["message"]
    assert refusal(call(server, "DELETE", f"/v2/orders/{new.id}")) == (422, NOT_CANCELABLE)
    assert trading.get_open_position("AAPL").qty == "10"


def test_an_oco_stop_leg_is_replaced_in_place_without_counting_its_take_profit_twice(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "100")
    trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=10, side=OrderSide.BUY, time_in_force=TimeInForce.GTC))
    oco = trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=10, side=OrderSide.SELL,
                                                 time_in_force=TimeInForce.GTC, order_class=OrderClass.OCO,
                                                 take_profit=TakeProfitRequest(limit_price=110),
                                                 stop_loss=StopLossRequest(stop_price=95)))
    stop = trading.replace_order_by_id(oco.legs[0].id, ReplaceOrderRequest(stop_price=97))  # was a 403 (0 available)
    assert (Decimal(str(stop.stop_price)), stop.qty) == (Decimal(97), "10")
    assert [str(leg.id) for leg in trading.get_order_by_id(oco.id).legs] == [str(stop.id)]
    server.pin_price("AAPL", "96.50")  # through the new stop (97), not the old one (95)
    wait_for(lambda: trading.get_order_by_id(stop.id).status.value == "filled", what="the replaced stop to fill")
    assert trading.get_order_by_id(oco.id).status.value == "canceled"
    assert trading.get_all_positions() == []


def test_wrong_replace_and_order_bodies_are_alpacas_4xx_never_a_500(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    order = resting_limit(trading)
    path = f"/v2/orders/{order.id}"
    for body in ({"limit_price": "1e400"}, {"qty": "1e30"}, {"qty": "abc"}, {"limit_price": -1}, {"side": "sell"},
                 {"trail": "1"}, {"stop_price": "100"}, [], {}, {"qty": None}):
        assert refusal(call(server, "PATCH", path, json=body)) == (422, INVALID), body
    for huge in ({"qty": "1e400"}, {"qty": 1e30}, {"notional": "1e400"}, {"qty": 1, "type": "limit",
                                                                            "limit_price": "1e400"}):
        submitted = call(server, "POST", "/v2/orders", json={"symbol": "AAPL", "side": "buy", "type": "market",
                                                             "time_in_force": "day", **huge})
        assert refusal(submitted) == (422, INVALID), huge
    assert refusal(call(server, "PATCH", "/v2/orders/no-such-order", json={"qty": 1}))[0] == 404
    assert trading.get_order_by_id(order.id).status.value == "new"  # every refusal left it resting as it was
    nulls = call(server, "PATCH", path, json={"qty": None, "time_in_force": None, "limit_price": "151",
                                             "stop_price": None, "trail": None, "client_order_id": None})
    assert nulls.status_code == 200, nulls.text  # a null field is not given (as the JS SDK may send it)
    assert (nulls.json()["qty"], nulls.json()["limit_price"], nulls.json()["time_in_force"]) == ("5", "151", "gtc")


def test_opg_on_replace_follows_the_rules_of_a_new_opg_order(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "200")
    order = resting_limit(trading)
    to_opg = call(server, "PATCH", f"/v2/orders/{order.id}", json={"time_in_force": "opg"})
    assert refusal(to_opg) == (422, INVALID) and "around the clock" in to_opg.json()["message"]
    assert trading.get_order_by_id(order.id).status.value == "new"
