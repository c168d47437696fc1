"""Market data: historical bars (paged), latest bar, latest trade — for many symbols (`?symbols=`) and
for one (`/v2/stocks/{symbol}/…`, the routes Alpaca's JavaScript SDK calls)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.exchange.barquery import BarReader
from app.exchange.errors import bad_request, not_found
from app.exchange.hours import MarketHours
from app.exchange.latest_trade import latest_trade
from app.exchange.timefmt import ny_date, ny_midnight, parse_time
from app.exchange.timeframes import parse_timeframe
from app.exchange.web.app import exchange_of_app

bp = Blueprint("data", __name__)


def _symbols() -> list[str]:
    """The requested names, crypto pairs left out (they are served under /v1beta3/crypto/us)."""
    symbols = [s.strip().upper() for s in request.args.get("symbols", "").split(",") if s.strip()]
    if not symbols:
        raise bad_request("symbols is required")
    configs = exchange_of_app().market.configs
    return [s for s in symbols if not (s in configs and configs[s].is_crypto)]


def _symbol(symbol: str) -> str:
    """The path's symbol, which the exchange must list (Alpaca: 404 for an unknown one)."""
    symbol = symbol.strip().upper()
    if not exchange_of_app().market.has(symbol):
        raise not_found(f"symbol {symbol!r} not found")
    return symbol


@bp.get("/v2/stocks/bars")
def bars():
    page, token = _bars_page(_symbols())
    return jsonify({"bars": page, "next_page_token": token})


@bp.get("/v2/stocks/<symbol>/bars")
def symbol_bars(symbol: str):
    symbol = _symbol(symbol)
    page, token = _bars_page([symbol])
    return jsonify({"bars": page.get(symbol, []), "symbol": symbol, "next_page_token": token})


def _bars_page(symbols: list[str], hours: MarketHours | None = None) -> tuple[dict[str, list[dict]], str | None]:
    """One page of bars under the venue's hours, or under `hours` (crypto's: around the clock)."""
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
    reader = BarReader(exchange.market, hours or exchange.venue.hours, now, exchange.config.max_bars_per_request)
    return reader.page(symbols, timeframe, start, end, min(limit, exchange.config.max_page_size),
                       args.get("page_token") or None, sort == "desc")


@bp.get("/v2/stocks/bars/latest")
def latest_bars():
    reader = _latest_reader()
    return jsonify({"bars": {s: reader.latest(s) for s in _symbols() if exchange_of_app().market.has(s)}})


@bp.get("/v2/stocks/<symbol>/bars/latest")
def symbol_latest_bar(symbol: str):
    symbol = _symbol(symbol)
    return jsonify({"symbol": symbol, "bar": _latest_reader().latest(symbol)})


def _latest_reader() -> BarReader:
    exchange = exchange_of_app()
    return BarReader(exchange.market, exchange.venue.hours, exchange.clock(), exchange.config.max_bars_per_request)


@bp.get("/v2/stocks/trades/latest")
def latest_trades():
    return jsonify({"trades": {s: _latest_trade(s) for s in _symbols() if exchange_of_app().market.has(s)}})


@bp.get("/v2/stocks/<symbol>/trades/latest")
def symbol_latest_trade(symbol: str):
    symbol = _symbol(symbol)
    return jsonify({"symbol": symbol, "trade": _latest_trade(symbol)})


def _latest_trade(symbol: str) -> dict[str, object]:
    exchange = exchange_of_app()
    return latest_trade(exchange.market, exchange.venue.hours, symbol, exchange.clock())
