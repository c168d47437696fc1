"""Submitting, replacing, canceling and closing: the trading API's write side, with Alpaca's refusals."""

from __future__ import annotations

import uuid
from decimal import Decimal

from app.exchange.accounts import Account
from app.exchange.assets import resolve_symbol
from app.exchange.auctions import auction_time
from app.exchange.errors import (
    NOT_CANCELABLE,
    ExchangeError,
    forbidden,
    insufficient_buying_power,
    insufficient_qty,
    invalid,
    not_found,
)
from app.exchange.fills import Stretch, trail_stop
from app.exchange.matching import cancel_other_side, cancel_siblings, execute_on_arrival
from app.exchange.numbers import ZERO, floor_qty, fmt, to_decimal
from app.exchange.order_input import AUCTIONS, OrderInput, check_bracket_base, parse_order
from app.exchange.orders import Order
from app.exchange.venue import Venue


def submit(venue: Venue, account: Account, body: object, now_ms: int) -> dict[str, object]:
    """POST /v2/orders: validate, check the money, rest or execute at once."""
    symbol = resolve_symbol(venue.market.configs, str(body.get("symbol") or "")) if isinstance(body, dict) else ""
    config = venue.market.configs.get(symbol)
    if config is not None and isinstance(body, dict):
        body = {**body, "symbol": symbol}  # "BTCUSD" is BTC/USD, as at Alpaca
    spec = parse_order(body, config is not None, bool(config and config.fractionable),
                       config.min_order_size if config is not None and config.is_crypto else None)
    if spec.client_order_id is not None and spec.client_order_id in account.by_client_id:
        raise invalid("client_order_id must be unique")
    last = venue.price(spec.symbol, now_ms)
    if spec.order_class == "bracket":
        check_bracket_base(spec, spec.limit_price or last)
    if spec.order_class == "oco":
        _check_oco_exits(account, spec)
    check_affordable(venue, account, spec, last, now_ms)
    order = _place(venue, account, spec, now_ms)
    return venue.order_json(account, order)


def check_affordable(venue: Venue, account: Account, spec: OrderInput, last: Decimal, now_ms: int) -> None:
    held = account.position_qty(spec.symbol)
    qty = spec.qty if spec.qty is not None else floor_qty((spec.notional or ZERO) / last)
    price_of = venue.price_of(now_ms)
    if spec.side == "buy" and held < 0:  # covering a short; it may not cross through flat
        if qty > -held:
            raise insufficient_qty(fmt(qty), fmt(-held))
        return
    if spec.side == "sell" and held > 0:  # selling a long; it may not cross through flat
        available = held - account.held_for_sale(spec.symbol)
        if qty > available:
            raise insufficient_qty(fmt(qty), fmt(max(available, ZERO)))
        return
    if spec.side == "sell":
        config = venue.market.configs[spec.symbol]
        if not account.config.shorting or not config.shortable:
            raise insufficient_qty(fmt(qty), "0")
        if spec.fractional:
            raise forbidden("fractional orders cannot be sold short")
    reference = spec.limit_price or spec.stop_price or last
    cost = spec.notional if spec.notional is not None else qty * reference
    if cost > account.buying_power(price_of):
        raise insufficient_buying_power()


def _check_oco_exits(account: Account, spec: OrderInput) -> None:
    """An OCO exits a position already held: a sell for a long, a buy for a short."""
    held = account.position_qty(spec.symbol)
    if (held <= 0) if spec.side == "sell" else (held >= 0):
        raise invalid("oco orders exit an existing position: " +
                      ("sell needs a long position" if spec.side == "sell" else "buy needs a short position"))


def _place(venue: Venue, account: Account, spec: OrderInput, now_ms: int) -> Order:
    auction_ms = auction_time(venue.hours, spec.time_in_force, now_ms) if spec.time_in_force in AUCTIONS else None
    tradable = auction_ms is None and venue.hours_for(spec.symbol).is_tradable(now_ms, spec.extended_hours)
    order = new_order(venue, account, spec.symbol, spec.side, spec.type, spec.time_in_force, now_ms,
                      qty=spec.qty, notional=spec.notional, limit_price=spec.limit_price,
                      stop_price=spec.stop_price, client_order_id=spec.client_order_id,
                      extended_hours=spec.extended_hours, order_class=spec.order_class,
                      trail_price=spec.trail_price, trail_percent=spec.trail_percent, auction_ms=auction_ms,
                      status="new" if tradable else "accepted")
    if spec.type == "trailing_stop":
        order.hwm = venue.price(spec.symbol, now_ms)
        order.stop_price = trail_stop(order, order.hwm)
    if spec.order_class == "bracket":
        _add_legs(venue, account, order, spec, now_ms)
    elif spec.order_class == "oco":
        _add_stop_leg(venue, account, order, spec, now_ms, "new" if tradable else "accepted")
    elif spec.order_class == "oto":
        _add_oto_leg(venue, account, order, spec, now_ms)
    venue.publish(account, order, order.status, now_ms)
    if tradable:
        filled = execute_on_arrival(venue, account, order, Stretch.point(venue.price(spec.symbol, now_ms)), now_ms)
        if not filled and spec.time_in_force in ("ioc", "fok") and not venue.execution.realistic:
            venue.set_status(account, order, "canceled", now_ms)
    venue.on_change()
    return order


def new_order(venue: Venue, account: Account, symbol: str, side: str, kind: str, tif: str, now_ms: int,
              **fields: object) -> Order:
    """Create and register an order (no events, no execution)."""
    held = account.position_qty(symbol)
    intent = ("buy_to_close" if held < 0 else "buy_to_open") if side == "buy" else (
        "sell_to_close" if held > 0 else "sell_to_open")
    fields.setdefault("client_order_id", None)
    fields["client_order_id"] = fields["client_order_id"] or str(uuid.uuid4())
    fields.setdefault("status", "new")
    fields["asset_class"] = venue.market.configs[symbol].asset_class
    for name in ("qty", "notional", "limit_price", "stop_price", "trail_price", "trail_percent", "auction_ms"):
        fields.setdefault(name, None)
    order = Order(id=str(uuid.uuid4()), account=account.name, symbol=symbol, side=side, type=kind,
                  time_in_force=tif, created_ms=now_ms, updated_ms=now_ms, checked_ms=now_ms,
                  position_intent=intent, **fields)  # type: ignore[arg-type]
    if tif == "day":
        order.expires_ms = venue.hours.next_close(now_ms)
    account.add_order(order)
    return order


def _add_legs(venue: Venue, account: Account, parent: Order, spec: OrderInput, now_ms: int) -> None:
    exit_side = "sell" if spec.side == "buy" else "buy"
    stop_kind = "stop_limit" if spec.stop_loss_limit is not None else "stop"
    legs = (
        ("take_profit", "limit", {"limit_price": spec.take_profit}),
        ("stop_loss", stop_kind, {"stop_price": spec.stop_loss, "limit_price": spec.stop_loss_limit}),
    )
    for role, kind, prices in legs:
        leg = new_order(venue, account, spec.symbol, exit_side, kind, spec.time_in_force, now_ms,
                        qty=spec.qty, order_class="bracket", status="held", **prices)
        leg.parent_id, leg.leg_role = parent.id, role
        leg.position_intent = "sell_to_close" if exit_side == "sell" else "buy_to_close"
        leg.expires_ms = parent.expires_ms
        parent.leg_ids.append(leg.id)


def _add_stop_leg(venue: Venue, account: Account, parent: Order, spec: OrderInput, now_ms: int,
                  status: str) -> None:
    """An OCO's stop-loss: the same side as its take-profit parent, live at once beside it."""
    kind = "stop_limit" if spec.stop_loss_limit is not None else "stop"
    leg = new_order(venue, account, spec.symbol, spec.side, kind, spec.time_in_force, now_ms, qty=spec.qty,
                    order_class=spec.order_class, status=status, stop_price=spec.stop_loss,
                    limit_price=spec.stop_loss_limit)
    leg.parent_id, leg.leg_role, leg.position_intent = parent.id, "stop_loss", parent.position_intent
    parent.leg_ids.append(leg.id)


def _add_oto_leg(venue: Venue, account: Account, parent: Order, spec: OrderInput, now_ms: int) -> None:
    """An OTO's one exit (take-profit limit or stop-loss), held until the entry fills."""
    exit_side = "sell" if spec.side == "buy" else "buy"
    if spec.take_profit is not None:
        role, kind, prices = "take_profit", "limit", {"limit_price": spec.take_profit}
    else:
        role = "stop_loss"
        kind = "stop_limit" if spec.stop_loss_limit is not None else "stop"
        prices = {"stop_price": spec.stop_loss, "limit_price": spec.stop_loss_limit}
    leg = new_order(venue, account, spec.symbol, exit_side, kind, spec.time_in_force, now_ms, qty=spec.qty,
                    order_class="oto", status="held", **prices)
    leg.parent_id, leg.leg_role = parent.id, role
    leg.position_intent = "sell_to_close" if exit_side == "sell" else "buy_to_close"
    leg.expires_ms = parent.expires_ms
    parent.leg_ids.append(leg.id)


def find_order(account: Account, order_id: str) -> Order:
    order = account.orders.get(order_id)
    if order is None:
        raise not_found("order not found")
    return order


def cancel(venue: Venue, account: Account, order_id: str, now_ms: int) -> None:
    """DELETE /v2/orders/{id}: 404 unknown, 422 when already final."""
    order = find_order(account, order_id)
    if not order.is_open:
        raise ExchangeError(422, NOT_CANCELABLE, f'order is already in "{order.status}" state')
    venue.set_status(account, order, "canceled", now_ms)
    if order.order_class == "oco":
        cancel_other_side(venue, account, order, now_ms)
        return
    for leg_id in order.leg_ids:
        if account.orders[leg_id].is_open:
            venue.set_status(account, account.orders[leg_id], "canceled", now_ms)
    if order.parent_id is not None:
        cancel_siblings(venue, account, order, now_ms)


def cancel_all(venue: Venue, account: Account, now_ms: int) -> list[dict[str, object]]:
    results = []
    for order in account.open_orders():
        if order.is_open:  # canceling a parent or leg may already have closed this one
            cancel(venue, account, order.id, now_ms)
            results.append({"id": order.id, "status": 200})
    return results


def close_position(venue: Venue, account: Account, symbol: str, args: dict[str, str],
                   now_ms: int) -> dict[str, object]:
    """DELETE /v2/positions/{symbol}?qty=|percentage=: a market order the other way."""
    held = account.position_qty(symbol.upper())
    if held == 0:
        raise not_found("position does not exist")
    size = abs(held)
    try:
        qty = to_decimal(args["qty"]) if args.get("qty") else None
        percentage = to_decimal(args["percentage"]) if args.get("percentage") else None
    except ValueError as exc:
        raise invalid("qty and percentage must be numbers") from exc
    if qty is not None and percentage is not None:
        raise invalid("only one of qty or percentage may be given")
    if percentage is not None:
        if not 0 < percentage <= 100:
            raise invalid("percentage must be within (0, 100]")
        qty = floor_qty(size * percentage / 100)
    qty = size if qty is None else qty
    if qty <= 0 or qty > size:
        raise insufficient_qty(fmt(qty), fmt(size))
    crypto = venue.market.configs[symbol.upper()].is_crypto
    body = {"symbol": symbol.upper(), "qty": str(qty), "side": "sell" if held > 0 else "buy",
            "type": "market", "time_in_force": "gtc" if crypto else "day"}
    return submit(venue, account, body, now_ms)


def close_all(venue: Venue, account: Account, cancel_orders: bool, now_ms: int) -> list[dict[str, object]]:
    if cancel_orders:
        cancel_all(venue, account, now_ms)
    results = []
    for symbol in sorted(account.positions):
        try:
            order = close_position(venue, account, symbol, {}, now_ms)
            results.append({"symbol": symbol, "status": 200, "body": order})
        except ExchangeError as error:
            results.append({"symbol": symbol, "status": error.status, "body": error.body()})
    return results
