"""Validate an order body the way Alpaca does, before any account is touched.

alpaca-py sends numbers as JSON floats and leaves None fields out; Alpaca's own docs show strings.
Both are accepted. Everything refused here is a 422 with code 40010001.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.exchange.crypto_orders import check_crypto_order
from app.exchange.errors import invalid
from app.exchange.numbers import QTY_STEP, to_decimal
from app.marvin.instruments import Instrument

TYPES = ("market", "limit", "stop", "stop_limit", "trailing_stop")
TIME_IN_FORCE = ("day", "gtc", "opg", "cls", "ioc", "fok")
AUCTIONS = ("opg", "cls")
MAX_CLIENT_ORDER_ID = 128
MAX_DIGITS = 15  # integer digits of any quantity or price; with 9 decimals well inside Decimal's 28 digits


@dataclass(frozen=True)
class OrderInput:
    """A validated order request; bracket legs are kept as their prices."""

    symbol: str
    side: str
    type: str
    time_in_force: str
    qty: Decimal | None
    notional: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    client_order_id: str | None
    extended_hours: bool
    order_class: str
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    stop_loss_limit: Decimal | None = None
    trail_price: Decimal | None = None
    trail_percent: Decimal | None = None

    @property
    def fractional(self) -> bool:
        return self.notional is not None or (self.qty is not None and self.qty != self.qty.to_integral())


def _decimal(body: dict, name: str) -> Decimal | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    try:
        number = to_decimal(value)
    except ValueError as exc:
        raise invalid(f"invalid {name}") from exc
    if number.adjusted() >= MAX_DIGITS:  # e.g. 1e400: no order is that large, and checking its cents would overflow
        raise invalid(f"invalid {name}: {name} must be below 1e{MAX_DIGITS}")
    return number


US_EQUITY = Instrument("", "us_equity")


def _price(body: dict, name: str) -> Decimal | None:
    value = _decimal(body, name)
    if value is None:
        return None
    if value <= 0:
        raise invalid(f"{name} must be > 0")
    step = US_EQUITY.price_step(value)  # the same rule Greta and Veda round to
    if step is not None and value != value.quantize(step):
        raise invalid(f"invalid {name} {value}. sub-penny increment does not fulfill minimum pricing criteria")
    return value


def parse_order(body: object, known_symbol: bool, fractionable: bool,
                crypto_min_qty: Decimal | None = None) -> OrderInput:
    """Check the request's shape; `known_symbol`/`fractionable` describe the asset it names, and
    `crypto_min_qty` (its min_order_size) makes it a crypto pair, with crypto's rules."""
    if not isinstance(body, dict):
        raise invalid("request body must be a JSON object")
    symbol = str(body.get("symbol") or "").upper()
    if not symbol:
        raise invalid("symbol is required")
    if not known_symbol:
        raise invalid(f'asset "{symbol}" not found')
    side, kind = body.get("side"), body.get("type") or body.get("order_type")
    tif = body.get("time_in_force")
    if side not in ("buy", "sell"):
        raise invalid("side must be buy or sell")
    if kind not in TYPES:
        raise invalid(f"order type {kind!r} is not supported by the local exchange" if kind else "type is required")
    if tif not in TIME_IN_FORCE:
        raise invalid(f"time_in_force {tif!r} is not supported by the local exchange" if tif else
                      "time_in_force is required")
    qty, notional = _decimal(body, "qty"), _decimal(body, "notional")
    if (qty is None) == (notional is None):
        raise invalid("qty or notional is required, but not both")
    if qty is not None and (qty <= 0 or qty != qty.quantize(QTY_STEP)):
        raise invalid("qty must be > 0 with at most 9 decimals")
    if notional is not None and (notional < 1 or notional != notional.quantize(Decimal("0.01"))):
        raise invalid("notional must be at least 1 and in whole cents")
    limit_price, stop_price = _price(body, "limit_price"), _price(body, "stop_price")
    if body.get("order_class") == "oco" and limit_price is None:  # an oco's own limit is its take-profit
        limit_price = _exit_prices(body)[0]
    if kind in ("limit", "stop_limit") and limit_price is None:
        raise invalid("limit_price is required for limit orders")
    if kind in ("stop", "stop_limit") and stop_price is None:
        raise invalid("stop_price is required for stop orders")
    if kind in ("market", "stop", "trailing_stop") and limit_price is not None:
        raise invalid(f"limit_price must not be set for {kind} orders")
    if kind in ("market", "limit", "trailing_stop") and stop_price is not None:
        raise invalid(f"stop_price must not be set for {kind} orders")
    trail_price, trail_percent = _trail(body, kind)
    if tif in AUCTIONS and kind not in ("market", "limit"):
        raise invalid(f"{tif} orders must be market or limit orders")
    client_order_id = body.get("client_order_id")
    if client_order_id is not None:
        client_order_id = str(client_order_id)
        if not client_order_id or len(client_order_id) > MAX_CLIENT_ORDER_ID:
            raise invalid(f"client_order_id must be 1 to {MAX_CLIENT_ORDER_ID} characters")
    extended = body.get("extended_hours") in (True, "true", "True")
    if extended and (kind != "limit" or tif != "day"):
        raise invalid("extended hours order must be DAY limit orders")
    order_class = body.get("order_class") or "simple"
    result = OrderInput(symbol, side, kind, tif, qty, notional, limit_price, stop_price,
                        client_order_id, extended, order_class, trail_price=trail_price, trail_percent=trail_percent)
    if crypto_min_qty is not None:
        return check_crypto_order(result, crypto_min_qty)
    if result.fractional:
        if not fractionable:
            raise invalid(f"asset {symbol} is not fractionable")
        if tif != "day":
            raise invalid("fractional orders must be DAY orders")
        if notional is not None and kind not in ("market", "limit"):
            raise invalid("notional orders must be market or limit orders")
        if kind == "trailing_stop":
            raise invalid("fractional orders cannot be trailing stop orders")
    if order_class != "simple" and tif in AUCTIONS:
        raise invalid(f"{tif} orders must be simple orders")
    if order_class == "bracket":
        return _bracket(body, result)
    if order_class == "oco":
        return _oco(body, result)
    if order_class == "oto":
        return _oto(body, result)
    if order_class != "simple":
        raise invalid(f"order_class {order_class!r} is not supported by the local exchange")
    return result


def _trail(body: dict, kind: str) -> tuple[Decimal | None, Decimal | None]:
    """A trailing stop's distance: `trail_price` dollars or `trail_percent` percent, exactly one."""
    price, percent = _decimal(body, "trail_price"), _decimal(body, "trail_percent")
    if kind != "trailing_stop":
        if price is not None or percent is not None:
            raise invalid(f"trail_price and trail_percent must not be set for {kind} orders")
        return None, None
    if (price is None) == (percent is None):
        raise invalid("trailing stop orders need either trail_price or trail_percent")
    if price is not None and (price <= 0 or price != price.quantize(Decimal("0.01"))):
        raise invalid("trail_price must be > 0 in whole cents")
    if percent is not None and not 0 < percent < 100:
        raise invalid("trail_percent must be within (0, 100)")
    if body.get("time_in_force") not in ("day", "gtc"):
        raise invalid("trailing stop orders must be day or gtc orders")
    return price, percent


def _exit_prices(body: dict) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    take_profit, stop_loss = body.get("take_profit") or {}, body.get("stop_loss") or {}
    if not isinstance(take_profit, dict) or not isinstance(stop_loss, dict):
        raise invalid("take_profit and stop_loss must be objects")
    return _price(take_profit, "limit_price"), _price(stop_loss, "stop_price"), _price(stop_loss, "limit_price")


def _check_contingent(order: OrderInput, what: str) -> None:
    if order.fractional:
        raise invalid(f"fractional orders cannot be {what} orders")
    if order.time_in_force not in ("day", "gtc"):
        raise invalid(f"{what} orders must be day or gtc orders")
    if order.extended_hours:
        raise invalid(f"{what} orders cannot be extended hours orders")


def _oco(body: dict, order: OrderInput) -> OrderInput:
    """One-cancels-other: a take-profit limit (the order itself) and a stop-loss, both live at once, to
    exit a position already held; the first to fill cancels the other."""
    tp, sl, sl_limit = _exit_prices(body)
    if tp is None or sl is None:
        raise invalid("oco orders require take_profit.limit_price and stop_loss.stop_price")
    _check_contingent(order, "oco")
    if order.type != "limit":
        raise invalid("oco orders must be limit orders")
    if order.limit_price is not None and order.limit_price != tp:
        raise invalid("limit_price of an oco order must equal take_profit.limit_price")
    sell = order.side == "sell"
    if (tp <= sl) if sell else (tp >= sl):
        raise invalid("take_profit.limit_price must be " + ("above" if sell else "below") + " stop_loss.stop_price")
    return OrderInput(**{**order.__dict__, "limit_price": tp, "take_profit": tp, "stop_loss": sl,
                         "stop_loss_limit": sl_limit})


def _oto(body: dict, order: OrderInput) -> OrderInput:
    """One-triggers-other: an entry and one exit (take-profit or stop-loss) that goes live once the entry fills."""
    tp, sl, sl_limit = _exit_prices(body)
    if (tp is None) == (sl is None):
        raise invalid("oto orders require either take_profit.limit_price or stop_loss.stop_price")
    _check_contingent(order, "oto")
    if order.type == "trailing_stop":
        raise invalid("oto orders cannot be trailing stop orders")
    return OrderInput(**{**order.__dict__, "take_profit": tp, "stop_loss": sl, "stop_loss_limit": sl_limit})


def _bracket(body: dict, order: OrderInput) -> OrderInput:
    tp, sl, sl_limit = _exit_prices(body)
    if tp is None:
        raise invalid("bracket orders require take_profit.limit_price")
    if sl is None:
        raise invalid("bracket orders require stop_loss.stop_price")
    if order.fractional:
        raise invalid("fractional orders cannot be bracket orders")
    if order.type not in ("market", "limit") or order.time_in_force not in ("day", "gtc"):
        raise invalid("bracket orders must be market or limit orders with time_in_force day or gtc")
    if order.extended_hours:
        raise invalid("bracket orders cannot be extended hours orders")
    buy = order.side == "buy"
    if (tp <= sl) if buy else (tp >= sl):
        raise invalid("take_profit.limit_price must be " + ("above" if buy else "below") +
                      " stop_loss.stop_price")
    if sl_limit is not None and ((sl_limit > sl) if buy else (sl_limit < sl)):
        raise invalid("stop_loss.limit_price must not be better than stop_loss.stop_price")
    return OrderInput(**{**order.__dict__, "order_class": "bracket", "take_profit": tp, "stop_loss": sl,
                         "stop_loss_limit": sl_limit})


def check_bracket_base(order: OrderInput, base: Decimal) -> None:
    """Legs must sit on either side of the entry price (limit price, or last price for market)."""
    step = Decimal("0.01")
    assert order.take_profit is not None and order.stop_loss is not None
    if order.side == "buy":
        if order.take_profit < base + step:
            raise invalid(f"take_profit.limit_price must be >= base_price + 0.01 (base_price: {base})")
        if order.stop_loss > base - step:
            raise invalid(f"stop_loss.stop_price must be <= base_price - 0.01 (base_price: {base})")
    else:
        if order.take_profit > base - step:
            raise invalid(f"take_profit.limit_price must be <= base_price - 0.01 (base_price: {base})")
        if order.stop_loss < base + step:
            raise invalid(f"stop_loss.stop_price must be >= base_price + 0.01 (base_price: {base})")
