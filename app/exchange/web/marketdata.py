"""What the quotes, trades and snapshot routes share: parsing symbols and windows, and the exchange's tape.

`feed`, `asof`, `adjustment` and `currency` are accepted and have no effect: the exchange has one feed,
no corporate actions and prices in USD.
"""

from __future__ import annotations

import re

from flask import current_app, request

from app.exchange.errors import bad_request, not_found
from app.exchange.hours import MarketHours
from app.exchange.tickquery import TickReader
from app.exchange.timefmt import ny_date, ny_midnight, parse_time, parse_time_us
from app.exchange.trades import Tape
from app.exchange.web.app import exchange_of_app

FEEDS = ("iex", "sip", "otc", "delayed_sip", "boats", "overnight")


def symbols(crypto: bool = False) -> list[str]:
    """The requested names; the stock routes leave crypto pairs out (`crypto=True`: only the pairs)."""
    names = [s.strip().upper() for s in request.args.get("symbols", "").split(",") if s.strip()]
    if not names:
        raise bad_request("symbols is required")
    configs = exchange_of_app().market.configs
    return [s for s in names if (s in configs and configs[s].is_crypto) == crypto]


def symbol(name: str) -> str:
    """The path's symbol, which the exchange must list (Alpaca: 404 for an unknown one)."""
    name = name.strip().upper()
    if not exchange_of_app().market.has(name):
        raise not_found(f"symbol {name!r} not found")
    return name


def tape_of_app() -> Tape:
    """One tape per app, so its caches serve every request."""
    tape = current_app.extensions.get("weaver_exchange_tape")
    if tape is None:
        exchange = exchange_of_app()
        tape = current_app.extensions.setdefault("weaver_exchange_tape",
                                                 Tape(exchange.market, exchange.config.seed))
    return tape


def tick_reader(hours: MarketHours | None = None) -> TickReader:
    """The tape under the venue's hours, or under `hours` (crypto's: around the clock)."""
    exchange = exchange_of_app()
    feed = request.args.get("feed") if hours is None else None  # the crypto routes' feed is in their path
    if feed and feed not in FEEDS:
        raise bad_request(f"invalid feed {feed!r}")
    return TickReader(tape_of_app(), hours or exchange.venue.hours, exchange.clock(), exchange.venue.half_spread_bps)


def tick_page(names: list[str], kind: str,
              hours: MarketHours | None = None) -> tuple[dict[str, list[dict]], str | None]:
    """One page of trades or quotes, from the request's start, end, limit, sort and page_token."""
    exchange = exchange_of_app()
    reader = tick_reader(hours)
    args = request.args
    try:
        start = parse_time(args["start"]) if args.get("start") else ny_midnight(ny_date(reader.now_ms))
        end = parse_time(args["end"]) if args.get("end") else reader.now_ms
        limit = int(args.get("limit") or 1000)
    except ValueError as exc:
        raise bad_request("invalid start, end or limit") from exc
    if not 1 <= limit <= 10_000:
        raise bad_request("limit must be within [1, 10000]")
    sort = args.get("sort", "asc")
    if sort not in ("asc", "desc"):
        raise bad_request("sort must be asc or desc")
    if args.get("end"):
        reader.end_us = parse_time_us(args["end"])  # a print a few microseconds after `end` is not in it …
        if re.search(r"\.\d{3}(?!\d)", args["end"]):  # … but a millisecond end (a JS Date) takes in its whole ms
            reader.end_us += 999
    return reader.page(names, kind, start, end, min(limit, exchange.config.max_page_size),
                       args.get("page_token") or None, sort == "desc")
