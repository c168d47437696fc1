"""PATCH /v2/orders/{id}: replace an order with a new one, as Alpaca does.

The fields given (qty, time_in_force, limit_price, stop_price, trail, client_order_id) override the
old order's; everything else is kept, including its place in a bracket, OCO or OTO. The old order goes
`pending_replace` → `replaced` (with `replaced_by`), the new one carries `replaces` and a new id, and
the stream says so in that order. Only `new`, `partially_filled` and `held` orders can be replaced
(Alpaca refuses `accepted`, `pending_new`, `pending_cancel` and `pending_replace`). The new order's qty
is the one given, or what the old one had left to fill; buying power is checked for the new order alone,
since the old one no longer rests once the answer is sent.
"""

from __future__ import annotations

from app.exchange.accounts import Account
from app.exchange.errors import NOT_CANCELABLE, ExchangeError, invalid
from app.exchange.fills import Stretch, trail_stop
from app.exchange.matching import execute_on_arrival
from app.exchange.numbers import fmt
from app.exchange.order_input import OrderInput, parse_order
from app.exchange.orders import Order
from app.exchange.trading import check_affordable, find_order, new_order
from app.exchange.venue import Venue

REPLACEABLE = ("new", "partially_filled", "held")
FIELDS = frozenset({"qty", "time_in_force", "limit_price", "stop_price", "trail", "client_order_id"})


def replace(venue: Venue, account: Account, order_id: str, body: object, now_ms: int) -> dict[str, object]:
    old = find_order(account, order_id)
    if old.status not in REPLACEABLE:
        raise ExchangeError(422, NOT_CANCELABLE, f'order is in "{old.status}" state and cannot be replaced')
    spec = _spec(venue, old, body)
    if spec.client_order_id is not None and spec.client_order_id in account.by_client_id:
        raise invalid("client_order_id must be unique")
    status = old.status
    old.status = "pending_replace"  # no longer reserves money or shares while the new one is checked
    try:
        check_affordable(venue, account, spec, venue.price(old.symbol, now_ms), now_ms)
    except Exception:  # refused (or failed): the old order rests as it was
        old.status = status
        raise
    venue.publish(account, old, "pending_replace", now_ms)
    new = _successor(venue, account, old, spec, status, now_ms)
    old.status, old.replaced_ms, old.replaced_by, old.updated_ms = "replaced", now_ms, new.id, now_ms
    venue.publish(account, old, "replaced", now_ms)
    if new.status != "held":
        venue.publish(account, new, new.status, now_ms)
    if new.status == "new":
        filled = execute_on_arrival(venue, account, new, Stretch.point(venue.price(new.symbol, now_ms)), now_ms)
        if not filled and new.time_in_force in ("ioc", "fok") and not venue.execution.realistic:
            venue.set_status(account, new, "canceled", now_ms)
    venue.on_change()
    return venue.order_json(account, new)


def _spec(venue: Venue, old: Order, body: object) -> OrderInput:
    """The old order's fields with the given ones over them, checked by the same rules as a new order."""
    if not isinstance(body, dict) or not body:
        raise invalid("request body must be a JSON object with the fields to change")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise invalid(f"cannot replace {', '.join(unknown)}; only {', '.join(sorted(FIELDS))} can change")
    if old.qty is None:
        raise invalid("notional orders cannot be replaced")
    merged: dict[str, object] = {
        "symbol": old.symbol, "side": old.side, "type": old.type, "extended_hours": old.extended_hours,
        "time_in_force": body.get("time_in_force", old.time_in_force),
        "qty": body.get("qty", fmt(old.remaining_qty)),
        "limit_price": body.get("limit_price", fmt(old.limit_price)),
        "client_order_id": body.get("client_order_id"),
    }
    if old.type == "trailing_stop":
        name = "trail_price" if old.trail_price is not None else "trail_percent"
        merged[name] = body.get("trail", fmt(old.trail_price if old.trail_price is not None else old.trail_percent))
    else:
        if "trail" in body:
            raise invalid("trail can only be replaced on trailing stop orders")
        merged["stop_price"] = body.get("stop_price", fmt(old.stop_price))
    config = venue.market.configs[old.symbol]
    return parse_order(merged, True, config.fractionable, config.min_order_size if config.is_crypto else None)


def _successor(venue: Venue, account: Account, old: Order, spec: OrderInput, status: str, now_ms: int) -> Order:
    """The replacing order, in the old one's place among its parent's legs or over its own legs."""
    tradable = venue.hours_for(old.symbol).is_tradable(now_ms, old.extended_hours)
    new = new_order(venue, account, old.symbol, old.side, old.type, spec.time_in_force, now_ms, qty=spec.qty,
                    limit_price=spec.limit_price, stop_price=spec.stop_price, trail_price=spec.trail_price,
                    trail_percent=spec.trail_percent, client_order_id=spec.client_order_id,
                    extended_hours=old.extended_hours, order_class=old.order_class,
                    status="held" if status == "held" else "new" if tradable else "accepted")
    new.replaces, new.position_intent, new.leg_role = old.id, old.position_intent, old.leg_role
    new.triggered = old.triggered
    if old.type == "trailing_stop":
        assert old.hwm is not None
        new.hwm = old.hwm
        new.stop_price = trail_stop(new, old.hwm)
    if old.parent_id is not None:
        parent = account.orders[old.parent_id]
        new.parent_id = old.parent_id
        parent.leg_ids[parent.leg_ids.index(old.id)] = new.id
        if status == "held":
            new.expires_ms = parent.expires_ms
    new.leg_ids, old.leg_ids = old.leg_ids, []
    for leg_id in new.leg_ids:
        account.orders[leg_id].parent_id = new.id
    return new
