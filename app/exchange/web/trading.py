"""Account, clock and calendar (assets: web/assets.py)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

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
