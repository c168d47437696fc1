"""Alpaca's JSON as the broker port's snapshots: the one place that knows its field names and
string-encoded numbers (REST answers and trade_updates frames alike)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from app.veda.ports import Account, Activity, Asset, BarRow, BrokerOrder, BrokerPosition, SessionDay

Json = dict[str, Any]


def ts_of(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def increment(value: Any) -> Decimal | None:
    """A stated increment, or None when absent or not a positive number (the class's rule applies)."""
    try:
        step = dec(value)
    except ArithmeticError:
        return None
    return step if step is not None and step.is_finite() and step > 0 else None


def order_of(data: Json) -> BrokerOrder:
    return BrokerOrder(
        id=str(data.get("id") or ""), client_order_id=str(data.get("client_order_id") or ""),
        symbol=str(data.get("symbol") or ""), side=str(data.get("side") or ""), status=str(data.get("status") or ""),
        type=str(data.get("type") or data.get("order_type") or "market"),
        order_class=str(data.get("order_class") or "simple"), time_in_force=str(data.get("time_in_force") or "day"),
        qty=dec(data.get("qty")), notional=dec(data.get("notional")),
        filled_qty=dec(data.get("filled_qty")) or Decimal(0),
        filled_avg_price=dec(data.get("filled_avg_price")), limit_price=dec(data.get("limit_price")),
        stop_price=dec(data.get("stop_price")), submitted_at=ts_of(data.get("submitted_at")),
        updated_at=ts_of(data.get("updated_at")), filled_at=ts_of(data.get("filled_at")),
        legs=tuple(order_of(leg) for leg in data.get("legs") or ()),
    )


def activity_of(data: Json) -> Activity:
    return Activity(str(data.get("id") or ""), str(data.get("activity_type") or ""), str(data.get("symbol") or ""),
                    data.get("order_id"), data.get("side"), dec(data.get("cum_qty")), dec(data.get("qty")),
                    dec(data.get("price")), dec(data.get("net_amount")),
                    ts_of(data.get("transaction_time")))


def position_of(data: Json) -> BrokerPosition:
    return BrokerPosition(str(data["symbol"]), Decimal(str(data["qty"])), str(data.get("side") or "long"),
                          dec(data.get("avg_entry_price")), dec(data.get("current_price")),
                          dec(data.get("market_value")), dec(data.get("unrealized_pl")),
                          dec(data.get("unrealized_intraday_pl")))


def account_of(data: Json) -> Account:
    return Account(dec(data.get("cash")) or Decimal(0), dec(data.get("equity")) or Decimal(0),
                   dec(data.get("buying_power")) or Decimal(0), dec(data.get("last_equity")),
                   dec(data.get("portfolio_value")), str(data.get("status") or ""),
                   data.get("account_number"))


def asset_of(data: Json) -> Asset:
    return Asset(str(data.get("symbol") or ""), str(data.get("class") or data.get("asset_class") or ""),
                 bool(data.get("tradable")), bool(data.get("fractionable", True)),
                 increment(data.get("price_increment")), increment(data.get("min_trade_increment")))


def session_of(data: Json) -> SessionDay:
    return SessionDay(date.fromisoformat(str(data["date"])), str(data["open"]), str(data["close"]))


def bar_of(data: Json) -> BarRow:
    return BarRow(ts_of(data["t"]), *(Decimal(str(data[k])) for k in ("o", "h", "l", "c", "v")))  # type: ignore[arg-type]


def text(value: Any) -> Any:
    """A snapshot field as JSON keeps it (Alpaca's own encoding: numbers as strings)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value
