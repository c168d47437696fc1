"""The clock and the calendar: `/v2/clock`, `/v2/calendar` and the JS SDK 4.x's `/v3/clock` and
`/v3/calendar/{market}`. Each answer names the hours it describes in `X-Weaver-Market` (a 24/7 demo
market under `--hours always`, NYSE sessions under `--hours nyse`)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from app.exchange.market_clock import calendar_json, clock_json, hours_header, v3_calendar_json, v3_clock_json
from app.exchange.web.app import exchange_of_app

bp = Blueprint("clock", __name__)


@bp.get("/v2/clock")
def clock() -> Response:
    with exchange_of_app().session() as (venue, now):
        return _named(jsonify(clock_json(venue.hours, now)))


@bp.get("/v2/calendar")
def calendar() -> Response:
    with exchange_of_app().session() as (venue, now):
        return _named(jsonify(calendar_json(venue.hours, request.args.to_dict(), now)))


@bp.get("/v3/clock")
def clock_v3() -> Response:
    with exchange_of_app().session() as (venue, now):
        return _named(jsonify(v3_clock_json(venue.hours, request.args.to_dict(), now)))


@bp.get("/v3/calendar/<market>")
def calendar_v3(market: str) -> Response:
    with exchange_of_app().session() as (venue, now):
        return _named(jsonify(v3_calendar_json(venue.hours, market, request.args.to_dict(), now)))


def _named(response: Response) -> Response:
    response.headers["X-Weaver-Market"] = hours_header(exchange_of_app().venue.hours)
    return response
