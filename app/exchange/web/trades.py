"""Historical trades (paged), for many symbols and for one; the latest trade routes live in data.py."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.exchange.web.marketdata import symbol, symbols, tick_page

bp = Blueprint("trades", __name__)


@bp.get("/v2/stocks/trades")
def trades():
    page, token = tick_page(symbols(), "trades")
    return jsonify({"trades": page, "next_page_token": token})


@bp.get("/v2/stocks/<name>/trades")
def symbol_trades(name: str):
    name = symbol(name)
    page, token = tick_page([name], "trades")
    return jsonify({"trades": page.get(name, []), "symbol": name, "next_page_token": token})
