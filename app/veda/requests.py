"""A strategy's OrderRequest as an alpaca-py order request (typed models, sent as Alpaca's JSON)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

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

WHOLE = Decimal(1)
FRACTION = Decimal("0.000000001")  # Alpaca allows 9 decimal places


def size_order(request: OrderRequest, price: Decimal, equity: Decimal, *, fractional: bool) -> Decimal:
    """Shares for a request sized by value or percent: priced at the last close, whole shares unless
    the run trades fractions (Alpaca sizes notional orders itself, but only fractionally)."""
    if request.qty is not None:
        return request.qty
    budget = request.notional if request.notional is not None else equity * (request.percent or 0) / 100
    return (budget / price).quantize(FRACTION if fractional else WHOLE, rounding=ROUND_DOWN)


def to_alpaca(request: OrderRequest, qty: Decimal, client_order_id: str) -> AlpacaOrder:
    common = {
        "symbol": request.symbol, "qty": float(qty), "side": request.side,
        "time_in_force": request.time_in_force, "client_order_id": client_order_id,
    }
    if request.order_class == "bracket":
        common["order_class"] = "bracket"
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
