"""Account activities: the FILL and CFEE feed, all types or one, with Alpaca's paging."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.exchange.activity_query import activity_types, select
from app.exchange.web.app import exchange_of_app

bp = Blueprint("activities", __name__)


@bp.get("/v2/account/activities")
def all_activities():
    return _answer(activity_types(request.args.get("activity_types")))


@bp.get("/v2/account/activities/<activity_type>")
def activities_of_type(activity_type: str):
    return _answer(activity_types(activity_type))


def _answer(types: set[str] | None):  # noqa: ANN202 - Flask response
    with exchange_of_app().session():
        page = select(g.account.activities, request.args.to_dict(), types)
        return jsonify([a.to_json(g.account.id) for a in page])
