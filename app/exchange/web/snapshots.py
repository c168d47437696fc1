"""Snapshots, for many symbols (`/v2/stocks/snapshots?symbols=`) and for one (`/v2/stocks/{symbol}/snapshot`)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.exchange.barquery import BarReader
from app.exchange.latest_trade import latest_trade
from app.exchange.snapshots import snapshot
from app.exchange.tickquery import TickReader
from app.exchange.web.app import exchange_of_app
from app.exchange.web.marketdata import symbol, symbols, tick_reader

bp = Blueprint("snapshots", __name__)


@bp.get("/v2/stocks/snapshots")
def snapshots():
    ticks, bars, market = tick_reader(), _bar_reader(), exchange_of_app().market
    return jsonify({s: _snapshot(bars, ticks, s) for s in symbols() if market.has(s)})


@bp.get("/v2/stocks/<name>/snapshot")
def symbol_snapshot(name: str):
    name = symbol(name)
    return jsonify({"symbol": name, **_snapshot(_bar_reader(), tick_reader(), name)})


def _snapshot(bars: BarReader, ticks: TickReader, name: str) -> dict[str, object]:
    """A stock's snapshot, its latestTrade the latest-trade routes' (latest_trade.py)."""
    exchange = exchange_of_app()
    return snapshot(bars, ticks, name, latest_trade(exchange.market, exchange.venue.hours, name, ticks.now_ms))


def _bar_reader() -> BarReader:
    exchange = exchange_of_app()
    return BarReader(exchange.market, exchange.venue.hours, exchange.clock(), exchange.config.max_bars_per_request)
