"""Assets: the list (with Alpaca's status, asset_class and exchange filters) and one by symbol or id."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.exchange.assets import asset_json, find_asset, list_assets
from app.exchange.web.app import exchange_of_app

bp = Blueprint("assets", __name__)


@bp.get("/v2/assets")
def assets():
    return jsonify(list_assets(exchange_of_app().market.configs, request.args.to_dict()))


@bp.get("/v2/assets/<path:symbol_or_asset_id>")
def asset(symbol_or_asset_id: str):
    return jsonify(asset_json(find_asset(exchange_of_app().market.configs, symbol_or_asset_id)))
