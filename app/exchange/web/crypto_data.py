"""Crypto market data at alpaca-py's paths (`/v1beta3/crypto/us/...`): bars, quotes and trades (paged),
their latest, snapshots and the top of the order book — the stocks' readers under crypto's 24/7 hours.

Only configured crypto pairs are answered (stocks are left out, as unknown symbols are); `us` is the
one location (alpaca-py's CryptoFeed).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.exchange.barquery import BarReader
from app.exchange.cryptoticks import crypto_quote, crypto_snapshot, crypto_trades, orderbook
from app.exchange.errors import not_found
from app.exchange.snapshots import snapshot
from app.exchange.venue import AROUND_THE_CLOCK
from app.exchange.web.app import exchange_of_app
from app.exchange.web.data import _bars_page
from app.exchange.web.marketdata import symbols, tick_page, tick_reader

bp = Blueprint("crypto_data", __name__, url_prefix="/v1beta3/crypto/<loc>")
LOCATIONS = ("us",)


@bp.url_value_preprocessor
def _location(_endpoint: str | None, values: dict | None) -> None:
    if (values or {}).pop("loc", None) not in LOCATIONS:
        raise not_found("crypto location not found; the exchange serves 'us'")


def _pairs() -> list[str]:
    return symbols(crypto=True)


@bp.get("/bars")
def bars():
    page, token = _bars_page(_pairs(), AROUND_THE_CLOCK)
    return jsonify({"bars": page, "next_page_token": token})


@bp.get("/latest/bars")
def latest_bars():
    exchange = exchange_of_app()
    reader = BarReader(exchange.market, AROUND_THE_CLOCK, exchange.clock(), exchange.config.max_bars_per_request)
    return jsonify({"bars": {s: reader.latest(s) for s in _pairs()}})


@bp.get("/trades")
def trades():
    page, token = tick_page(_pairs(), "trades", AROUND_THE_CLOCK)
    return jsonify({"trades": {s: crypto_trades(items) for s, items in page.items()}, "next_page_token": token})


@bp.get("/latest/trades")
def latest_trades():
    reader = tick_reader(AROUND_THE_CLOCK)
    return jsonify({"trades": {s: crypto_trades([reader.latest(s)[0]])[0] for s in _pairs()}})


@bp.get("/quotes")
def quotes():
    page, token = tick_page(_pairs(), "quotes", AROUND_THE_CLOCK)
    return jsonify({"quotes": {s: [crypto_quote(q) for q in items] for s, items in page.items()},
                    "next_page_token": token})


@bp.get("/latest/quotes")
def latest_quotes():
    reader = tick_reader(AROUND_THE_CLOCK)
    return jsonify({"quotes": {s: crypto_quote(reader.latest(s)[1]) for s in _pairs()}})


@bp.get("/latest/orderbooks")
def latest_orderbooks():
    reader = tick_reader(AROUND_THE_CLOCK)
    return jsonify({"orderbooks": {s: orderbook(crypto_quote(reader.latest(s)[1])) for s in _pairs()}})


@bp.get("/snapshots")
def snapshots():
    exchange = exchange_of_app()
    ticks = tick_reader(AROUND_THE_CLOCK)
    reader = BarReader(exchange.market, AROUND_THE_CLOCK, ticks.now_ms, exchange.config.max_bars_per_request)
    return jsonify({"snapshots": {s: crypto_snapshot(snapshot(reader, ticks, s)) for s in _pairs()}})
