"""Per-run risk limits, checked before an order leaves for the broker (pure: no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class RiskState:
    """What the guard needs to know about the run at the moment of the order."""

    position_qty: Decimal
    price: Decimal  # the reference price: the last close
    orders_today: int
    equity: Decimal
    start_of_day_equity: Decimal


@dataclass(frozen=True)
class Breach:
    rule: str
    detail: str
    halt: bool = False  # the loss limit stops the run, the others only refuse the order


def check_order(limits: dict[str, Any] | None, side: str, qty: Decimal, state: RiskState) -> Breach | None:
    if not limits:
        return None
    value = qty * state.price
    max_order = _limit(limits, "max_order_value")
    if max_order is not None and value > max_order:
        return Breach("max_order_value", f"order value {value:.2f} exceeds the limit {max_order:.2f}")
    max_position = _limit(limits, "max_position_value")
    if max_position is not None:
        after = state.position_qty + (qty if side == "buy" else -qty)
        if abs(after) * state.price > max_position and abs(after) > abs(state.position_qty):
            return Breach("max_position_value",
                          f"position value {abs(after) * state.price:.2f} would exceed the limit {max_position:.2f}")
    max_orders = limits.get("max_orders_per_day")
    if max_orders is not None and state.orders_today >= int(max_orders):
        return Breach("max_orders_per_day", f"{state.orders_today} orders today; the limit is {max_orders}")
    return check_loss(limits, state)


def check_loss(limits: dict[str, Any] | None, state: RiskState) -> Breach | None:
    max_loss = _limit(limits or {}, "max_daily_loss")
    loss = state.start_of_day_equity - state.equity
    if max_loss is not None and loss > max_loss:
        return Breach("max_daily_loss", f"down {loss:.2f} today; the limit is {max_loss:.2f}: run halted", halt=True)
    return None


def _limit(limits: dict[str, Any], name: str) -> Decimal | None:
    value = limits.get(name)
    return None if value is None else Decimal(str(value))
