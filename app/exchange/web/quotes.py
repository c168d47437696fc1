"""Quotes: historical (paged) and latest, for many symbols (`?symbols=`) and for one (`/v2/stocks/{symbol}/…`)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.exchange.web.app import exchange_of_app
from app.exchange.web.marketdata import symbol, symbols, tick_page, tick_reader

bp = Blueprint("quotes", __name__)


@bp.get("/v2/stocks/quotes")
def quotes():
    page, token = tick_page(symbols(), "quotes")
    return jsonify({"quotes": page, "next_page_token": token})


@bp.get("/v2/stocks/<name>/quotes")
def symbol_quotes(name: str):
    name = symbol(name)
    page, token = tick_page([name], "quotes")
    return jsonify({"quotes": page.get(name) or None, "symbol": name, "next_page_token": token})


@bp.get("/v2/stocks/quotes/latest")
def latest_quotes():
    reader, market = tick_reader(), exchange_of_app().market
    return jsonify({"quotes": {s: reader.latest(s)[1] for s in symbols() if market.has(s)}})


@bp.get("/v2/stocks/<name>/quotes/latest")
def symbol_latest_quote(name: str):
    name = symbol(name)
    return jsonify({"symbol": name, "quote": tick_reader().latest(name)[1]})
