"""Executing orders: fills, contingent legs (bracket, OCO, OTO), auctions, the periodic check of
resting orders and expiry."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from app.exchange.accounts import Account
from app.exchange.activities import FeeActivity
from app.exchange.auctions import auction_price, crosses
from app.exchange.execution import adverse, bar_budget, random_cut
from app.exchange.fills import Stretch, execution_price
from app.exchange.numbers import ZERO, floor_qty, price_decimal
from app.exchange.orders import Order
from app.exchange.venue import Venue

ACTIVE = ("new", "partially_filled")


def fill(venue: Venue, account: Account, order: Order, qty: Decimal, price: Decimal, now_ms: int) -> None:
    """Execute `qty` of `order` at `price`: cash, position, order state, events, bracket legs. A crypto buy
    fills only what the cash buys at `price` and the rest is canceled (trial 32: an all-in buy checked at the
    last trade, filled in pieces at a rising ask, left the account's cash at -$18.82; pairs are never bought on
    margin)."""
    if order.qty is None:  # notional: the qty is what the money buys, to 9 decimals
        order.qty = floor_qty(order.notional / price) if order.notional else ZERO
        qty = order.qty
    config = venue.market.configs[order.symbol]
    short_of_cash = config.is_crypto and order.side == "buy" and qty * price > account.cash
    if short_of_cash:  # never on margin: what the cash buys at this price, the rest canceled below
        qty = floor_qty(max(account.cash, ZERO) / price)
        if qty <= 0:
            venue.set_status(account, order, "canceled", now_ms)
            venue.on_change()
            return
    position_qty = account.apply_fill(order.symbol, order.side, qty, price, now_ms)
    charge = venue.fees.on_fill(config, order, qty, price)
    if charge is not None:  # crypto: in the asset the fill credits
        position_qty = account.pay_fee(order.symbol, charge)
    order.filled_qty += qty
    order.filled_value += qty * price
    order.filled_ms = now_ms
    order.updated_ms = now_ms
    done = order.filled_qty >= (order.qty or ZERO)
    order.status = "filled" if done else "partially_filled"
    event = "fill" if done else "partial_fill"
    venue.publish(account, order, event, now_ms, price=price, qty=qty, position_qty=position_qty)
    if charge is not None:  # Alpaca's CFEE activity, right after its FILL
        account.activities.append(FeeActivity.of(order, charge, now_ms))
    if order.order_class == "oco":  # the first execution on one side cancels the other
        cancel_other_side(venue, account, order, now_ms)
    if done:
        _after_complete(venue, account, order, now_ms)
    elif short_of_cash:
        venue.set_status(account, order, "canceled", now_ms)
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
    if venue.execution.realistic:
        return _realistic(venue, account, order, stretch, now_ms)
    price = execution_price(order, stretch, venue.half_spread_bps)
    order.checked_ms = now_ms
    if price is None:
        _rest(venue, order)
        return False
    fill(venue, account, order, order.remaining_qty or ZERO, price, now_ms)
    return True


def _rest(venue: Venue, order: Order) -> None:
    """The order met no price: its later fills make liquidity (the maker fee). Saved like a fill, so a
    restart does not turn a maker into a taker."""
    if not order.rested:
        order.rested = True
        venue.on_change()


def execute_on_arrival(venue: Venue, account: Account, order: Order, stretch: Stretch, now_ms: int) -> bool:
    """A new order meets the market: with realistic fills it is on its way for `latency_ms` and the
    ticker's passes execute it; ideally a market order fills `venue.partial_fill` of its qty at once
    (whole shares when it asked for whole shares) and rests for the next pass; anything else as usual."""
    if venue.execution.realistic:
        order.not_before_ms = order.checked_ms = now_ms + venue.execution.latency_ms
        return venue.execution.latency_ms == 0 and _realistic(venue, account, order, stretch, now_ms)
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


def _realistic(venue: Venue, account: Account, order: Order, stretch: Stretch, now_ms: int) -> bool:
    """One pass of the realistic model (app/exchange/execution.py) over an order that has reached the market."""
    if order.not_before_ms is not None and now_ms < order.not_before_ms:
        return False
    arriving, order.not_before_ms, order.checked_ms = order.not_before_ms is not None, None, now_ms
    bid, ask = venue.quote(order.symbol, now_ms)
    price = _realistic_price(order, stretch, bid, ask, arriving)
    impatient = arriving and order.time_in_force in ("ioc", "fok")
    if price is None:
        _rest(venue, order)
        if impatient:
            venue.set_status(account, order, "canceled", now_ms)
        return False
    if order.qty is None:  # notional: the qty is what the money buys at this price
        order.qty = floor_qty(order.notional / price) if order.notional else ZERO
    remaining = order.remaining_qty or ZERO
    whole = order.qty == order.qty.to_integral_value()
    k = venue.market.bar_index(now_ms)
    if order.budget_bar != k:
        order.budget_bar, order.budget_used = k, ZERO
    volume = float(venue.market.bars(order.symbol, k, k + 1).v[0])
    qty = min(remaining, bar_budget(volume, venue.execution.volume_share, whole) - order.budget_used)
    if order.time_in_force == "fok" and qty < remaining or qty <= 0:
        if impatient:
            venue.set_status(account, order, "canceled", now_ms)
        return False
    qty = random_cut(venue.execution, order.client_order_id, order.filled_qty, qty, whole)
    order.budget_used += qty
    fill(venue, account, order, qty, price, now_ms)
    if order.time_in_force == "ioc" and order.is_open:
        venue.set_status(account, order, "canceled", now_ms)
    return True


def _realistic_price(order: Order, stretch: Stretch, bid: Decimal, ask: Decimal, arriving: bool) -> Decimal | None:
    """Market orders at the quote; stops, once touched, at the quote's side of the trigger; a limit at the
    quote when marketable on arrival, later only when trades go through it."""
    buy = order.side == "buy"
    if order.type == "market":
        return ask if buy else bid
    if order.type in ("stop", "trailing_stop"):
        trigger = execution_price(order, stretch, 0.0)
        return None if trigger is None else adverse(trigger, (ask - bid) / 2, buy)
    if order.type == "stop_limit" and not order.triggered:
        return execution_price(order, stretch, 0.0)  # triggers, then fills as a limit at the trigger's point
    limit = order.limit_price
    assert limit is not None
    quote = ask if buy else bid
    marketable = quote <= limit if buy else quote >= limit
    if marketable and (arriving or (stretch.low < limit if buy else stretch.high > limit)):
        return quote
    through = stretch.low < limit if buy else stretch.high > limit
    return limit if through else None


def match_symbol(venue: Venue, symbol: str, now_ms: int, point: Decimal | None = None) -> None:
    """Check every active order on `symbol` against the path since it was last checked."""
    stretches: dict[int, Stretch] = {}
    for account in list(venue.accounts.values()):
        for order in account.open_orders(symbol):
            if order.status not in ACTIVE:
                continue
            if not venue.hours_for(symbol).is_tradable(now_ms, order.extended_hours):
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
            elif order.status == "accepted" and venue.hours_for(order.symbol).is_tradable(now_ms, order.extended_hours):
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
