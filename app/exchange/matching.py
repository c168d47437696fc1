"""Executing orders: fills, contingent legs (bracket, OCO, OTO), auctions, the periodic check of
resting orders and expiry."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from app.exchange.accounts import Account
from app.exchange.auctions import auction_price, crosses
from app.exchange.fills import Stretch, execution_price
from app.exchange.numbers import ZERO, floor_qty, price_decimal
from app.exchange.orders import Order
from app.exchange.venue import Venue

ACTIVE = ("new", "partially_filled")


def fill(venue: Venue, account: Account, order: Order, qty: Decimal, price: Decimal, now_ms: int) -> None:
    """Execute `qty` of `order` at `price`: cash, position, order state, events, bracket legs."""
    if order.qty is None:  # notional: the qty is what the money buys, to 9 decimals
        order.qty = floor_qty(order.notional / price) if order.notional else ZERO
        qty = order.qty
    position_qty = account.apply_fill(order.symbol, order.side, qty, price, now_ms)
    order.filled_qty += qty
    order.filled_value += qty * price
    order.filled_ms = now_ms
    order.updated_ms = now_ms
    done = order.filled_qty >= (order.qty or ZERO)
    order.status = "filled" if done else "partially_filled"
    event = "fill" if done else "partial_fill"
    venue.publish(account, order, event, now_ms, price=price, qty=qty, position_qty=position_qty)
    if order.order_class == "oco":  # the first execution on one side cancels the other
        cancel_other_side(venue, account, order, now_ms)
    if done:
        _after_complete(venue, account, order, now_ms)
    venue.on_change()


def _after_complete(venue: Venue, account: Account, order: Order, now_ms: int) -> None:
    if order.leg_ids and order.order_class != "oco":  # a bracket/OTO entry filled: its exits go live
        for leg_id in order.leg_ids:
            leg = account.orders[leg_id]
            if leg.status == "held":
                leg.checked_ms = now_ms
                venue.set_status(account, leg, "new", now_ms)
    elif order.parent_id is not None:  # a bracket exit filled: the other one is canceled
        cancel_siblings(venue, account, order, now_ms)


def cancel_siblings(venue: Venue, account: Account, leg: Order, now_ms: int) -> None:
    parent = account.orders[leg.parent_id] if leg.parent_id else None
    for sibling_id in parent.leg_ids if parent else []:
        sibling = account.orders[sibling_id]
        if sibling_id != leg.id and sibling.is_open:
            venue.set_status(account, sibling, "canceled", now_ms)


def cancel_other_side(venue: Venue, account: Account, order: Order, now_ms: int) -> None:
    """OCO: the take-profit (the parent) and the stop-loss (its leg) cancel each other."""
    others = [account.orders[leg_id] for leg_id in order.leg_ids]
    if order.parent_id is not None:
        others.append(account.orders[order.parent_id])
    for other in others:
        if other.is_open:
            venue.set_status(account, other, "canceled", now_ms)


def try_execute(venue: Venue, account: Account, order: Order, stretch: Stretch, now_ms: int) -> bool:
    """Fill the order's remainder if the stretch reaches it; True when something filled."""
    price = execution_price(order, stretch, venue.half_spread_bps)
    order.checked_ms = now_ms
    if price is None:
        return False
    fill(venue, account, order, order.remaining_qty or ZERO, price, now_ms)
    return True


def execute_on_arrival(venue: Venue, account: Account, order: Order, stretch: Stretch, now_ms: int) -> bool:
    """A new order meets the market: a market order fills only `venue.partial_fill` of its qty at once
    (whole shares when it asked for whole shares) and rests for the next pass; anything else as usual."""
    qty = order.qty
    if order.type != "market" or venue.partial_fill >= 1 or not qty:
        return try_execute(venue, account, order, stretch, now_ms)
    part = qty * Decimal(str(venue.partial_fill))
    part = part.to_integral_value(ROUND_DOWN) if qty == qty.to_integral_value() else floor_qty(part)
    if part <= 0 or part >= qty:
        return try_execute(venue, account, order, stretch, now_ms)
    price = execution_price(order, stretch, venue.half_spread_bps)
    order.checked_ms = now_ms
    assert price is not None  # a market order always has a price
    fill(venue, account, order, part, price, now_ms)
    return True


def match_symbol(venue: Venue, symbol: str, now_ms: int, point: Decimal | None = None) -> None:
    """Check every active order on `symbol` against the path since it was last checked."""
    stretches: dict[int, Stretch] = {}
    for account in list(venue.accounts.values()):
        for order in account.open_orders(symbol):
            if order.status not in ACTIVE:
                continue
            if not venue.hours.is_tradable(now_ms, order.extended_hours):
                order.checked_ms = now_ms
                continue
            if point is not None:
                stretch = Stretch.point(point)
            else:
                since = min(order.checked_ms, now_ms)
                if since not in stretches:
                    first, low, high, _ = venue.market.sweep(symbol, since, now_ms)
                    stretches[since] = Stretch(*(price_decimal(p) for p in (first, low, high)))
                stretch = stretches[since]
            try_execute(venue, account, order, stretch, now_ms)


def tick(venue: Venue, now_ms: int) -> None:
    """The periodic pass: expire day orders, route queued ones at the open, match the rest."""
    symbols: set[str] = set()
    for account in list(venue.accounts.values()):
        for order in account.open_orders():
            if order.auction_ms is not None:
                if order.auction_ms <= now_ms:
                    run_auction(venue, account, order, now_ms)
            elif order.expires_ms is not None and order.expires_ms <= now_ms:
                expire(venue, account, order, now_ms)
            elif order.status == "accepted" and venue.hours.is_tradable(now_ms, order.extended_hours):
                order.checked_ms = now_ms
                venue.set_status(account, order, "new", now_ms)
                symbols.add(order.symbol)
            elif order.status in ACTIVE:
                symbols.add(order.symbol)
    for symbol in sorted(symbols):
        match_symbol(venue, symbol, now_ms)


def run_auction(venue: Venue, account: Account, order: Order, now_ms: int) -> None:
    """An `opg`/`cls` order meets its auction: filled in full at the auction price, or canceled."""
    price = auction_price(venue.market, order)
    if not crosses(order, price):
        venue.set_status(account, order, "canceled", now_ms)
        return
    order.status = "new"
    fill(venue, account, order, order.remaining_qty or ZERO, price, now_ms)


def expire(venue: Venue, account: Account, order: Order, now_ms: int) -> None:
    """A day order reached the session close; its held bracket legs go with it."""
    if not order.is_open:
        return
    venue.set_status(account, order, "expired", now_ms)
    for leg_id in order.leg_ids:
        leg = account.orders[leg_id]
        if leg.is_open:
            venue.set_status(account, leg, "canceled", now_ms)
