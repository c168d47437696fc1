"""A strategy's OrderRequest as an alpaca-py order request (typed models, sent as Alpaca's JSON).

Before anything is sent the request is put on its instrument's steps: prices with the one rounding
rule Greta uses too (`app.marvin.instruments.round_order_price`; a bracket's exits with the exit
side), sizes on the quantity step. What cannot be put there (a price that rounds to 0, a quantity
below or off the step) is refused with a reason the strategy reads, never sent.
"""

from __future__ import annotations

from decimal import Decimal

from alpaca.trading.requests import (
    LimitOrderRequest,
    MarketOrderRequest,
    StopLimitOrderRequest,
    StopLossRequest,
    StopOrderRequest,
    TakeProfitRequest,
)
from alpaca.trading.requests import (
    OrderRequest as AlpacaOrder,
)

from app.marvin.gateway import OrderRequest
from app.marvin.instruments import Instrument, price_refusal, quantity_refusal, round_order_price

ZERO = Decimal(0)
PRICES = ("limit_price", "stop_price", "take_profit", "stop_loss")


def on_step(qty: Decimal, step: Decimal) -> Decimal:
    """`qty` rounded down to a whole number of `step`s."""
    return (qty // step) * step if qty > 0 else ZERO


def size_order(request: OrderRequest, price: Decimal, equity: Decimal, step: Decimal) -> Decimal:
    """Shares for a request sized by value or percent: priced at the last close, rounded down to the
    instrument's quantity step (whole shares unless the run or the asset trades fractions; Alpaca
    sizes notional orders itself, but only fractionally)."""
    if request.qty is not None:
        return request.qty
    budget = request.notional if request.notional is not None else equity * (request.percent or 0) / 100
    return on_step(budget / price, step)


def on_instrument(request: OrderRequest, instrument: Instrument) -> OrderRequest:
    """The request with its prices on the instrument's price step, each on the side never worse for
    the user: the entry's prices with the entry's side, take-profit and stop-loss with the exit's."""
    exit_side = "sell" if request.side == "buy" else "buy"
    prices = {name: round_order_price(getattr(request, name), request.side if name.endswith("_price") else exit_side,
                                      instrument)
              for name in PRICES if getattr(request, name) is not None}
    return request.with_prices(**prices) if prices else request


def refusal(request: OrderRequest, qty: Decimal, step: Decimal) -> str | None:
    """Why the instrument cannot carry the (rounded) request: a price of 0, or a quantity below or off
    the quantity step. The same function, so the same words, as Greta's simulated broker."""
    reason = price_refusal({name: getattr(request, name) for name in PRICES}, request.symbol)
    if reason is not None or qty <= 0:  # sized to nothing: the gateway says so in its own words
        return reason
    return quantity_refusal(request.symbol, qty, step)


def to_alpaca(request: OrderRequest, qty: Decimal, client_order_id: str) -> AlpacaOrder:
    """The alpaca-py request for an OrderRequest already on its instrument's steps (`on_instrument`)."""
    common = {
        "symbol": request.symbol, "qty": float(qty), "side": request.side,
        "time_in_force": request.time_in_force, "client_order_id": client_order_id,
    }
    if request.order_class != "simple":  # a bracket, or an OTO with one exit
        common["order_class"] = request.order_class
        if request.take_profit is not None:
            common["take_profit"] = TakeProfitRequest(limit_price=float(request.take_profit))
        if request.stop_loss is not None:
            common["stop_loss"] = StopLossRequest(stop_price=float(request.stop_loss))
    if request.type == "limit":
        return LimitOrderRequest(limit_price=float(request.limit_price), **common)
    if request.type == "stop":
        return StopOrderRequest(stop_price=float(request.stop_price), **common)
    if request.type == "stop_limit":
        return StopLimitOrderRequest(limit_price=float(request.limit_price), stop_price=float(request.stop_price),
                                     **common)
    return MarketOrderRequest(**common)
