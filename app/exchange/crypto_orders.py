"""Alpaca's rules for orders on crypto pairs, checked after the shape every order shares.

Crypto takes market, limit and stop_limit orders, simple ones, good till canceled or immediate or
cancel; quantities to 9 decimals from the pair's minimum up, or a notional amount. A time in force
other than gtc/ioc is refused as Alpaca refuses it: 422 `{"code": 42210000, "message": "invalid crypto
time_in_force"}`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from app.exchange.errors import ExchangeError, invalid

if TYPE_CHECKING:  # order_input calls this module
    from app.exchange.order_input import OrderInput

TYPES = ("market", "limit", "stop_limit")
TIME_IN_FORCE = ("gtc", "ioc")
INVALID_CRYPTO_TIF = 42210000


def check_crypto_order(order: OrderInput, min_qty: Decimal) -> OrderInput:
    if order.time_in_force not in TIME_IN_FORCE:
        raise ExchangeError(422, INVALID_CRYPTO_TIF, "invalid crypto time_in_force")
    if order.type not in TYPES:
        raise invalid(f"invalid crypto order type {order.type!r}: use market, limit or stop_limit")
    if order.order_class != "simple":
        raise invalid("crypto orders must be simple orders")
    if order.extended_hours:
        raise invalid("crypto trades around the clock: extended_hours does not apply")
    if order.notional is not None and order.type not in ("market", "limit"):
        raise invalid("notional orders must be market or limit orders")
    if order.qty is not None and order.qty < min_qty:
        raise invalid(f"qty must be >= {min_qty} for {order.symbol} (its min_order_size)")
    return order
