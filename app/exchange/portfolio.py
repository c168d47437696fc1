"""GET /v2/account/portfolio/history: the account's equity over time, rebuilt from its fills.

Equity at a moment is cash plus every position marked at the exchange's price then, the same sum
`/v2/account` reports. Cash and positions at a past moment come from walking the activities back
from the present state (each fill moved cash by its value to the cent, each crypto fee took coins or
dollars: app/exchange/activities.py), so the last point always agrees with the account. Points are
left-labelled windows valued at their end (or now), as Alpaca's; windows before the account was opened
are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.exchange.accounts import Account
from app.exchange.activities import Activity
from app.exchange.errors import invalid
from app.exchange.hours import MarketHours
from app.exchange.numbers import ZERO, cents, ratio
from app.exchange.timefmt import ny_date, ny_midnight, parse_time

PERIOD = re.compile(r"^(\d+)([DWMA])$")
TIMEFRAMES = {"1Min": 60_000, "5Min": 300_000, "15Min": 900_000, "1H": 3_600_000, "1D": None}
MAX_POINTS = 20_000
PriceAt = Callable[[str, int], Decimal]


@dataclass(frozen=True)
class Book:
    """What the history needs of an account, copied under the exchange lock."""

    cash: Decimal
    positions: dict[str, Decimal]
    fills: tuple[Activity, ...]  # FILL and CFEE, oldest first
    created_ms: int

    @classmethod
    def of(cls, account: Account) -> Book:
        positions = {s: p.qty for s, p in account.positions.items()}
        return cls(account.cash, positions, tuple(account.activities), account.created_ms)


@dataclass(frozen=True)
class Query:
    timeframe: str
    start_ms: int
    end_ms: int
    extended: bool
    continuous: bool = False  # intraday_reporting=continuous: points round the clock (crypto trades 24/7)


def parse_query(args: dict[str, str], hours: MarketHours, now_ms: int) -> Query:
    """Alpaca's parameters: period (1M, or all), timeframe (by period), date_end or start/end, extended_hours;
    intraday_reporting (market_hours, extended_hours, or continuous: intraday points at every hour, as a
    crypto account needs); pnl_reset and cashflow_types are accepted and change nothing (no cash flows here)."""
    period = args.get("period") or "1M"
    match = PERIOD.match(period)
    if period != "all" and (not match or int(match[1]) < 1):
        raise invalid("period must be all, or a number and a unit of D, W, M or A, e.g. 1M")
    amount, unit = (int(match[1]), match[2]) if match else (0, "all")  # all: since the account opened
    days = amount * {"D": 1, "W": 7, "M": 30, "A": 365}[unit] if match else 365
    timeframe = args.get("timeframe") or ("1Min" if days < 7 else "15Min" if days < 30 else "1D")
    if timeframe not in TIMEFRAMES:
        raise invalid(f"timeframe must be one of {', '.join(TIMEFRAMES)}")
    reporting = args.get("intraday_reporting") or "market_hours"
    if reporting not in ("market_hours", "extended_hours", "continuous"):
        raise invalid("intraday_reporting must be market_hours, extended_hours or continuous")
    extended = args.get("extended_hours", "false").lower() == "true" or reporting == "extended_hours"
    try:
        end_ms = min(now_ms, parse_time(args["end"])) if args.get("end") else now_ms
        if args.get("date_end"):
            day_after = date.fromisoformat(args["date_end"][:10]) + timedelta(days=1)
            end_ms = min(end_ms, ny_midnight(day_after))
        start_ms = parse_time(args["start"]) if args.get("start") else None
        if args.get("date_start"):  # the JS SDK's (older API) form of start: a New York date
            start_ms = ny_midnight(date.fromisoformat(args["date_start"][:10]))
    except ValueError as exc:
        raise invalid("date_start and date_end must be YYYY-MM-DD; start and end RFC 3339 times") from exc
    if start_ms is None:
        start_ms = _period_start(hours, end_ms, extended, amount, unit)
    return Query(timeframe, start_ms, end_ms, extended, reporting == "continuous")


def _period_start(hours: MarketHours, end_ms: int, extended: bool, amount: int, unit: str) -> int:
    """D counts trading days back to the one ending at `end_ms`, a day that starts at its open (04:00 with
    extended hours), as Alpaca's market date rolls over; W, M and A count calendar time."""
    last = ny_date(end_ms - 1)
    if unit == "all":
        return 0  # the account's opening bounds it
    if unit == "D":
        sessions = hours.sessions(last - timedelta(days=amount * 2 + 12), last)
        if sessions and (sessions[-1].ext_open_ms if extended else sessions[-1].open_ms) >= end_ms:
            sessions.pop()  # today's session has not begun: the market date is still the last one
        return ny_midnight(sessions[-amount:][0].day if sessions else last)
    if unit == "W":
        return ny_midnight(last - timedelta(days=7 * amount - 1))
    months = amount * (12 if unit == "A" else 1)
    index = last.year * 12 + last.month - 1 - months
    first = date(index // 12, index % 12 + 1, min(last.day, 28))
    return ny_midnight(first + timedelta(days=1))


def windows(query: Query, hours: MarketHours, created_ms: int) -> list[tuple[int, int]]:
    """(label, valued-at) per point: trading windows of the timeframe between start and end."""
    first = max(query.start_ms, created_ms)
    step = TIMEFRAMES[query.timeframe]
    points: list[tuple[int, int]] = []
    if step is None:
        for session in hours.sessions(ny_date(first), ny_date(query.end_ms - 1)):
            if session.close_ms > first and session.open_ms < query.end_ms:
                points.append((ny_midnight(session.day), min(session.close_ms, query.end_ms)))
        return points
    label = first // step * step
    if (query.end_ms - label) // step > MAX_POINTS * 3:
        raise invalid("too many points: choose a shorter period or a longer timeframe")
    while label < query.end_ms:
        if (query.continuous or hours.is_tradable(label, query.extended)
                or hours.is_tradable(label + step - 1, query.extended)):
            points.append((label, min(label + step, query.end_ms)))
        label += step
    if len(points) > MAX_POINTS:
        raise invalid("too many points: choose a shorter period or a longer timeframe")
    return points


def history(book: Book, query: Query, hours: MarketHours, price: PriceAt) -> dict[str, object]:
    """The PortfolioHistory body; `price(symbol, ms)` is the exchange's price at a moment."""
    points = windows(query, hours, book.created_ms)
    rewind = Rewind(book)
    values = [rewind.equity_at(at, price) for _, at in reversed(points)]  # latest first
    values.reverse()
    base = rewind.equity_at(max(query.start_ms, book.created_ms), price)
    return {
        "timestamp": [label // 1000 for label, _ in points],
        "equity": [float(v) for v in values],
        "profit_loss": [float(v - base) for v in values],
        "profit_loss_pct": [float(ratio(v - base, base)) for v in values],
        "base_value": float(base),
        "timeframe": query.timeframe,
        "cashflow": {},
    }


class Rewind:
    """Cash and positions going back in time: asked for ever earlier moments, it undoes later fills and fees."""

    def __init__(self, book: Book) -> None:
        self.cash, self.held, self.fills = book.cash, dict(book.positions), list(book.fills)

    def equity_at(self, at: int, price: PriceAt) -> Decimal:
        while self.fills and self.fills[-1].ms > at:
            entry = self.fills.pop()
            self.cash -= entry.cash_change
            self.held[entry.symbol] = self.held.get(entry.symbol, ZERO) - entry.qty_change
        return self.cash + _marked(self.held, at, price)


def _marked(held: dict[str, Decimal], at: int, price: PriceAt) -> Decimal:
    """Long and short market values, each to the cent, as the account endpoint sums them."""
    long_value = short_value = ZERO
    for symbol, qty in held.items():
        if qty == 0:
            continue
        value = qty * price(symbol, at)
        if value >= 0:
            long_value += value
        else:
            short_value += value
    return cents(long_value) + cents(short_value)

