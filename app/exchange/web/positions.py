"""Positions: list, get one, close one, close all; one position by symbol or by its asset id."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.exchange import trading
from app.exchange.assets import find_asset
from app.exchange.errors import ExchangeError
from app.exchange.views import one_position_json, positions_json
from app.exchange.web.app import exchange_of_app

bp = Blueprint("positions", __name__)


@bp.get("/v2/positions")
def list_positions():
    with exchange_of_app().session() as (venue, now):
        return jsonify(positions_json(venue, g.account, now))


@bp.get("/v2/positions/<path:symbol_or_asset_id>")
def get_position(symbol_or_asset_id: str):
    with exchange_of_app().session() as (venue, now):
        return jsonify(one_position_json(venue, g.account, _symbol(symbol_or_asset_id), now))


@bp.delete("/v2/positions/<path:symbol_or_asset_id>")
def close_position(symbol_or_asset_id: str):
    symbol = _symbol(symbol_or_asset_id)
    with exchange_of_app().session() as (venue, now):
        return jsonify(trading.close_position(venue, g.account, symbol, request.args.to_dict(), now))


def _symbol(symbol_or_asset_id: str) -> str:
    """alpaca-py passes either; an unknown one stays as given, so the answer is "position does not exist"."""
    try:
        return find_asset(exchange_of_app().market.configs, symbol_or_asset_id).symbol
    except ExchangeError:
        return symbol_or_asset_id


@bp.delete("/v2/positions")
def close_all():
    cancel_orders = request.args.get("cancel_orders", "false").lower() == "true"
    with exchange_of_app().session() as (venue, now):
        return jsonify(trading.close_all(venue, g.account, cancel_orders, now)), 207
