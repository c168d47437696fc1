"""Orders: submit, list, get (by id and by client order id), replace, cancel one, cancel all."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.exchange import replacing, trading
from app.exchange.errors import invalid, not_found
from app.exchange.views import orders_json
from app.exchange.web.app import exchange_of_app

bp = Blueprint("orders", __name__)


@bp.post("/v2/orders")
def submit():
    body = request.get_json(silent=True)
    if body is None:
        raise invalid("request body must be JSON")
    with exchange_of_app().session() as (venue, now):
        return jsonify(trading.submit(venue, g.account, body, now))


@bp.get("/v2/orders")
def list_orders():
    with exchange_of_app().session() as (venue, _):
        return jsonify(orders_json(venue, g.account, request.args.to_dict()))


@bp.delete("/v2/orders")
def cancel_all():
    with exchange_of_app().session() as (venue, now):
        return jsonify(trading.cancel_all(venue, g.account, now)), 207


@bp.get("/v2/orders:by_client_order_id")  # a literal colon, as alpaca-py calls it
def by_client_order_id():
    client_order_id = request.args.get("client_order_id", "")
    with exchange_of_app().session() as (venue, _):
        order_id = g.account.by_client_id.get(client_order_id)
        if order_id is None:
            raise not_found("order not found")
        return jsonify(venue.order_json(g.account, g.account.orders[order_id]))


@bp.get("/v2/orders/<order_id>")
def get_order(order_id: str):
    nested = request.args.get("nested", "true").lower() != "false"  # legs shown unless asked not to
    with exchange_of_app().session() as (venue, _):
        order = trading.find_order(g.account, order_id)
        return jsonify(venue.order_json(g.account, order, nested=nested))


@bp.patch("/v2/orders/<order_id>")
def replace(order_id: str):
    body = request.get_json(silent=True)
    if body is None:
        raise invalid("request body must be JSON")
    with exchange_of_app().session() as (venue, now):
        return jsonify(replacing.replace(venue, g.account, order_id, body, now))


@bp.delete("/v2/orders/<order_id>")
def cancel(order_id: str):
    with exchange_of_app().session() as (venue, now):
        trading.cancel(venue, g.account, order_id, now)
    return "", 204
