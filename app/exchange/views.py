"""The trading API's read side: account, positions and order lists in Alpaca's JSON (clock and calendar:
market_clock.py)."""

from __future__ import annotations

from decimal import Decimal

from app.exchange.accounts import Account, Position
from app.exchange.errors import invalid, not_found
from app.exchange.numbers import ZERO, cents, fmt, price_decimal, ratio
from app.exchange.orders import asset_id
from app.exchange.portfolio import Book, Rewind
from app.exchange.timefmt import iso, parse_time
from app.exchange.venue import AROUND_THE_CLOCK, Venue

CLOSED = frozenset({"filled", "canceled", "expired", "rejected", "replaced", "done_for_day"})


def account_json(venue: Venue, account: Account, now_ms: int) -> dict[str, object]:
    price_of = venue.price_of(now_ms)
    long_value, short_value = account.market_values(price_of)
    equity = account.cash + long_value + short_value
    last_equity = _last_equity(venue, account, now_ms)
    buying_power = account.buying_power(price_of)
    margin = cents(long_value - short_value) if account.config.shorting else ZERO
    return {
        "id": account.id,
        "account_number": account.number,
        "status": "ACTIVE",
        "crypto_status": "ACTIVE" if any(c.is_crypto for c in venue.market.configs.values()) else "INACTIVE",
        "currency": "USD",
        "cash": fmt(cents(account.cash)),
        "buying_power": fmt(buying_power),
        "regt_buying_power": fmt(buying_power),
        "daytrading_buying_power": fmt(buying_power),
        "non_marginable_buying_power": fmt(buying_power),
        "effective_buying_power": fmt(buying_power),
        "options_buying_power": "0",
        "accrued_fees": "0",
        "pending_transfer_in": "0",
        "pending_transfer_out": "0",
        "portfolio_value": fmt(cents(equity)),
        "equity": fmt(cents(equity)),
        "last_equity": fmt(cents(last_equity)),
        "long_market_value": fmt(long_value),
        "short_market_value": fmt(short_value),
        "position_market_value": fmt(cents(long_value - short_value)),
        "initial_margin": fmt(margin),
        "maintenance_margin": fmt(margin),
        "last_maintenance_margin": fmt(margin),
        "sma": "0",
        "multiplier": "1",
        "daytrade_count": 0,
        "pattern_day_trader": False,
        "shorting_enabled": account.config.shorting and not account.settings.no_shorting,
        "trading_blocked": False,
        "transfers_blocked": False,
        "account_blocked": False,
        "trade_suspended_by_user": account.settings.suspend_trade,
        "created_at": iso(account.created_ms),
        "options_approved_level": 0,
        "options_trading_level": 0,
    }


def _last_equity(venue: Venue, account: Account, now_ms: int) -> Decimal:
    """Alpaca's last_equity: the equity at the previous session's close (New York midnight under `--hours
    always`, or on a crypto-only exchange), rebuilt as portfolio history rebuilds it; an account opened since
    then has every fill undone, which leaves its opening cash."""
    hours = venue.hours if any(not c.is_crypto for c in venue.market.configs.values()) else AROUND_THE_CLOCK
    return Rewind(Book.of(account)).equity_at(hours.previous_close(now_ms), venue.price)


def _lastday(venue: Venue, symbol: str, now_ms: int) -> Decimal:
    return price_decimal(venue.market.last_close(symbol, venue.hours_for(symbol).previous_close(now_ms)))


def position_json(venue: Venue, account: Account, position: Position, now_ms: int) -> dict[str, object]:
    config = venue.market.configs[position.symbol]
    current = venue.price(position.symbol, now_ms)
    lastday = _lastday(venue, position.symbol, now_ms)
    qty = position.qty
    market_value = cents(qty * current)
    cost_basis = cents(qty * position.avg_entry_price)
    day_start = venue.hours_for(position.symbol).current_or_next(now_ms).open_ms
    reference = lastday if position.opened_ms < day_start else position.avg_entry_price
    intraday_basis = cents(qty * reference)
    held = account.held_for_sale(position.symbol) if qty > 0 else ZERO
    return {
        "asset_id": asset_id(position.symbol),
        "symbol": position.symbol,
        "exchange": config.exchange,
        "asset_class": config.asset_class,
        "asset_marginable": config.marginable,
        "qty": fmt(qty),
        "qty_available": fmt(qty - held),
        "avg_entry_price": fmt(position.avg_entry_price.quantize(Decimal("0.0001"))),
        "side": "long" if qty > 0 else "short",
        "market_value": fmt(market_value),
        "cost_basis": fmt(cost_basis),
        "unrealized_pl": fmt(market_value - cost_basis),
        "unrealized_plpc": fmt(ratio(market_value - cost_basis, abs(cost_basis))),
        "unrealized_intraday_pl": fmt(market_value - intraday_basis),
        "unrealized_intraday_plpc": fmt(ratio(market_value - intraday_basis, abs(intraday_basis))),
        "current_price": fmt(current),
        "lastday_price": fmt(lastday),
        "change_today": fmt(ratio(current - lastday, lastday)),
    }


def positions_json(venue: Venue, account: Account, now_ms: int) -> list[dict[str, object]]:
    return [position_json(venue, account, p, now_ms) for _, p in sorted(account.positions.items())]


def one_position_json(venue: Venue, account: Account, symbol: str, now_ms: int) -> dict[str, object]:
    position = account.positions.get(symbol.upper())
    if position is None:
        raise not_found("position does not exist")
    return position_json(venue, account, position, now_ms)


def orders_json(venue: Venue, account: Account, args: dict[str, str]) -> list[dict[str, object]]:
    """GET /v2/orders with Alpaca's filters and defaults (open, 50, newest first)."""
    status = args.get("status", "open")
    if status not in ("open", "closed", "all"):
        raise invalid("status must be open, closed or all")
    try:
        limit = int(args.get("limit", 50))
        after = parse_time(args["after"]) if args.get("after") else None
        until = parse_time(args["until"]) if args.get("until") else None
    except ValueError as exc:
        raise invalid("invalid limit, after or until") from exc
    limit = max(1, min(limit, 500))
    nested = args.get("nested", "false").lower() == "true"
    symbols = {s.strip().upper() for s in args.get("symbols", "").split(",") if s.strip()}
    side = args.get("side")
    selected = []
    for order in account.orders.values():
        if nested and order.parent_id is not None:
            continue  # nested: legs appear inside their parent only
        if status == "open" and not order.is_open or status == "closed" and order.status not in CLOSED:
            continue
        if symbols and order.symbol not in symbols or side and order.side != side:
            continue
        if after is not None and order.created_ms <= after or until is not None and order.created_ms > until:
            continue
        selected.append(order)
    selected.sort(key=lambda o: o.created_ms, reverse=args.get("direction", "desc") != "asc")
    return [venue.order_json(account, o, nested=nested) for o in selected[:limit]]
