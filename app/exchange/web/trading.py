"""The account (clock and calendar: web/clock.py; assets: web/assets.py)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from app.exchange.views import account_json
from app.exchange.web.app import exchange_of_app

bp = Blueprint("trading", __name__)


@bp.get("/v2/account")
def account():
    with exchange_of_app().session() as (venue, now):
        return jsonify(account_json(venue, g.account, now))
