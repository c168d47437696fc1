"""PATCH /v2/orders/{id}: replace an order with a new one, as Alpaca does.

The fields given (qty, time_in_force, limit_price, stop_price, trail, client_order_id) override the
old order's; everything else is kept, including its place in a bracket, OCO or OTO. The old order goes
`pending_replace` → `replaced` (with `replaced_by`), the new one carries `replaces` and a new id, and
the stream says so in that order. Only `new`, `partially_filled` and `held` orders can be replaced
(Alpaca refuses `accepted`, `pending_new`, `pending_cancel` and `pending_replace`). The new order's qty
is the one given, or what the old one had left to fill; buying power is checked for the new order alone,
since the old one no longer rests once the answer is sent, and without the rest of its bracket or OCO
(whose legs share the old order's shares); a held exit leg is covered by its entry's check. A field sent
as null is not given (the JS SDK may send nulls; alpaca-py leaves them out). An `opg`/`cls` replacement
waits for its auction as a new one would, with the same refusals. Everything that can refuse the
replace is checked before either order changes, so a refused replace leaves the old order as it was.
"""

from __future__ import annotations

from app.exchange.accounts import Account
from app.exchange.auctions import auction_time
from app.exchange.errors import NOT_CANCELABLE, ExchangeError, invalid
from app.exchange.fills import Stretch, trail_stop
from app.exchange.matching import execute_on_arrival
from app.exchange.numbers import fmt
from app.exchange.order_input import AUCTIONS, OrderInput, parse_order
from app.exchange.orders import Order
from app.exchange.trading import check_affordable, find_order, new_order
from app.exchange.venue import Venue

REPLACEABLE = ("new", "partially_filled", "held")
FIELDS = frozenset({"qty", "time_in_force", "limit_price", "stop_price", "trail", "client_order_id"})


def replace(venue: Venue, account: Account, order_id: str, body: object, now_ms: int) -> dict[str, object]:
    old = find_order(account, order_id)
    if old.status not in REPLACEABLE:
        raise ExchangeError(422, NOT_CANCELABLE, f'order is in "{old.status}" state and cannot be replaced')
    spec = _spec(venue, old, _given(body))
    if spec.client_order_id is not None and spec.client_order_id in account.by_client_id:
        raise invalid("client_order_id must be unique")
    auction_ms = None
    if spec.time_in_force in AUCTIONS:
        if old.order_class != "simple":
            raise invalid(f"{spec.time_in_force} orders must be simple orders")
        auction_ms = auction_time(venue.hours, spec.time_in_force, now_ms)
    _check_affordable_in_place(venue, account, old, spec, now_ms)
    status = old.status
    old.status = "pending_replace"
    venue.publish(account, old, "pending_replace", now_ms)
    new = _successor(venue, account, old, spec, status, auction_ms, now_ms)
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


def _given(body: object) -> dict[str, object]:
    """The fields the request changes: a JSON object's non-null members, at least one."""
    given = {name: value for name, value in body.items() if value is not None} if isinstance(body, dict) else {}
    if not given:
        raise invalid("request body must be a JSON object with the fields to change")
    return given


def _check_affordable_in_place(venue: Venue, account: Account, old: Order, spec: OrderInput, now_ms: int) -> None:
    """The new order must be affordable in the old one's place: the old order and the rest of its bracket,
    OCO or OTO (whose exits share its shares) reserve nothing while it is checked. A held exit leg waits
    for its entry, whose own check covers it."""
    if old.status == "held":
        return
    root = account.orders[old.parent_id] if old.parent_id is not None else old
    group = [root, *(account.orders[leg_id] for leg_id in root.leg_ids)]
    statuses = [(order, order.status) for order in group]
    for order, _ in statuses:
        order.status = "pending_replace"  # not open: reserves no money and holds no shares
    try:
        check_affordable(venue, account, spec, venue.price(old.symbol, now_ms), now_ms)
    finally:
        for order, status in statuses:
            order.status = status


def _spec(venue: Venue, old: Order, body: dict[str, object]) -> OrderInput:
    """The old order's fields with the given ones over them, checked by the same rules as a new order."""
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


def _successor(venue: Venue, account: Account, old: Order, spec: OrderInput, status: str, auction_ms: int | None,
               now_ms: int) -> Order:
    """The replacing order, in the old one's place among its parent's legs or over its own legs."""
    tradable = auction_ms is None and venue.hours_for(old.symbol).is_tradable(now_ms, old.extended_hours)
    new = new_order(venue, account, old.symbol, old.side, old.type, spec.time_in_force, now_ms, qty=spec.qty,
                    limit_price=spec.limit_price, stop_price=spec.stop_price, trail_price=spec.trail_price,
                    trail_percent=spec.trail_percent, client_order_id=spec.client_order_id,
                    extended_hours=old.extended_hours, order_class=old.order_class, auction_ms=auction_ms,
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
