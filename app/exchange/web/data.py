"""Market data: historical bars (paged), latest bar, latest trade."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.exchange.barquery import BarReader
from app.exchange.errors import bad_request
from app.exchange.timefmt import iso, ny_date, ny_midnight, parse_time
from app.exchange.timeframes import parse_timeframe
from app.exchange.web.app import exchange_of_app

bp = Blueprint("data", __name__)


def _symbols() -> list[str]:
    symbols = [s.strip().upper() for s in request.args.get("symbols", "").split(",") if s.strip()]
    if not symbols:
        raise bad_request("symbols is required")
    return symbols


@bp.get("/v2/stocks/bars")
def bars():
    exchange = exchange_of_app()
    now = exchange.clock()
    args = request.args
    timeframe = parse_timeframe(args.get("timeframe"), exchange.market.bar_ms)
    try:
        start = parse_time(args["start"]) if args.get("start") else ny_midnight(ny_date(now))
        end = parse_time(args["end"]) if args.get("end") else now
        limit = int(args.get("limit") or 1000)
    except ValueError as exc:
        raise bad_request("invalid start, end or limit") from exc
    if limit < 1:
        raise bad_request("limit must be positive")
    sort = args.get("sort", "asc")
    if sort not in ("asc", "desc"):
        raise bad_request("sort must be asc or desc")
    reader = BarReader(exchange.market, exchange.venue.hours, now, exchange.config.max_bars_per_request)
    page, token = reader.page(_symbols(), timeframe, start, end, min(limit, exchange.config.max_page_size),
                              args.get("page_token") or None, sort == "desc")
    return jsonify({"bars": page, "next_page_token": token})


@bp.get("/v2/stocks/bars/latest")
def latest_bars():
    exchange = exchange_of_app()
    reader = BarReader(exchange.market, exchange.venue.hours, exchange.clock(),
                       exchange.config.max_bars_per_request)
    return jsonify({"bars": {s: reader.latest(s) for s in _symbols() if exchange.market.has(s)}})


@bp.get("/v2/stocks/trades/latest")
def latest_trades():
    exchange = exchange_of_app()
    now = exchange.clock()
    hours = exchange.venue.hours
    # Outside the session the last trade is the one at the previous close.
    at = now if hours.is_open(now) else hours.previous_close(now) - 1
    trades = {
        s: {"t": iso(at), "x": "V", "p": exchange.market.price_at(s, at), "s": 100, "c": ["@"],
            "i": at, "z": "C"}
        for s in _symbols() if exchange.market.has(s)
    }
    return jsonify({"trades": trades})
