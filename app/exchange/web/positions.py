"""Positions: list, get one, close one, close all."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.exchange import trading
from app.exchange.views import one_position_json, positions_json
from app.exchange.web.app import exchange_of_app

bp = Blueprint("positions", __name__)


@bp.get("/v2/positions")
def list_positions():
    with exchange_of_app().session() as (venue, now):
        return jsonify(positions_json(venue, g.account, now))


@bp.get("/v2/positions/<symbol>")
def get_position(symbol: str):
    with exchange_of_app().session() as (venue, now):
        return jsonify(one_position_json(venue, g.account, symbol, now))


@bp.delete("/v2/positions/<symbol>")
def close_position(symbol: str):
    with exchange_of_app().session() as (venue, now):
        return jsonify(trading.close_position(venue, g.account, symbol, request.args.to_dict(), now))


@bp.delete("/v2/positions")
def close_all():
    cancel_orders = request.args.get("cancel_orders", "false").lower() == "true"
    with exchange_of_app().session() as (venue, now):
        return jsonify(trading.close_all(venue, g.account, cancel_orders, now)), 207
