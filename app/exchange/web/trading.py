"""Account, clock, calendar and assets."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.exchange.errors import not_found
from app.exchange.orders import asset_id
from app.exchange.views import account_json, calendar_json, clock_json
from app.exchange.web.app import exchange_of_app

bp = Blueprint("trading", __name__)


@bp.get("/v2/account")
def account():
    with exchange_of_app().session() as (venue, now):
        return jsonify(account_json(venue, g.account, now))


@bp.get("/v2/clock")
def clock():
    with exchange_of_app().session() as (venue, now):
        return jsonify(clock_json(venue, now))


@bp.get("/v2/calendar")
def calendar():
    with exchange_of_app().session() as (venue, now):
        return jsonify(calendar_json(venue, request.args.to_dict(), now))


@bp.get("/v2/assets")
def assets():
    exchange = exchange_of_app()
    return jsonify([_asset(symbol) for symbol in exchange.market.configs])


@bp.get("/v2/assets/<symbol>")
def asset(symbol: str):
    symbol = symbol.upper()
    if symbol not in exchange_of_app().market.configs:
        raise not_found(f"asset not found for {symbol}")
    return jsonify(_asset(symbol))


def _asset(symbol: str) -> dict[str, object]:
    config = exchange_of_app().market.configs[symbol]
    return {
        "id": asset_id(symbol), "class": "us_equity", "exchange": config.exchange, "symbol": symbol,
        "name": f"{symbol} (synthetic)", "status": "active", "tradable": True,
        "marginable": config.marginable, "shortable": config.shortable, "easy_to_borrow": config.shortable,
        "fractionable": config.fractionable, "maintenance_margin_requirement": 100, "attributes": [],
    }
