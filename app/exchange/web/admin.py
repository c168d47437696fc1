"""The admin API under /_exchange: no Alpaca keys, but the admin token (header
`X-Exchange-Admin-Token: <token>` or `Authorization: Bearer <token>`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.exchange.config import AccountConfig, ConfigError
from app.exchange.errors import invalid, not_found
from app.exchange.web.app import exchange_of_app

bp = Blueprint("admin", __name__, url_prefix="/_exchange")


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise invalid("request body must be a JSON object")
    return body


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


@bp.get("/state")
def state():
    return jsonify(exchange_of_app().snapshot())


@bp.post("/reset")
def reset():
    exchange_of_app().reset()
    return jsonify({"status": "reset"})


@bp.post("/save")
def save():
    exchange_of_app().save()
    return jsonify({"status": "saved"})


@bp.get("/price")
def prices():
    exchange = exchange_of_app()
    return jsonify({"prices": exchange.prices(), "pins": exchange.market.pins()})


@bp.post("/price")
def pin_price():
    """{"symbol": "AAPL", "price": "123.45"} pins; {"symbol": "AAPL", "price": null} releases."""
    body = _body()
    symbol = str(body.get("symbol", "")).upper()
    exchange = exchange_of_app()
    try:
        if body.get("price") is None:
            exchange.release_price(symbol)
        else:
            exchange.pin_price(symbol, body["price"])
    except ValueError as exc:
        raise invalid(str(exc)) from exc
    return jsonify({"symbol": symbol, "price": exchange.prices()[symbol],
                    "pinned": symbol in exchange.market.pins()})


@bp.delete("/price/<symbol>")
def release_price(symbol: str):
    exchange_of_app().release_price(symbol.upper())
    return "", 204


@bp.get("/faults")
def faults():
    return jsonify(exchange_of_app().faults.rules())


@bp.post("/faults")
def add_fault():
    """A fault rule (see faults.py), or {"drop_stream": true[, "account": name]} to cut streams now."""
    body = _body()
    exchange = exchange_of_app()
    if body.get("drop_stream"):
        return jsonify({"dropped": exchange.drop_streams(body.get("account"))})
    return jsonify(exchange.faults.add(body).to_json()), 201


@bp.delete("/faults")
def clear_faults():
    exchange_of_app().clear_faults()
    return "", 204


@bp.delete("/faults/<int:rule_id>")
def remove_fault(rule_id: int):
    if not exchange_of_app().faults.remove(rule_id):
        raise not_found("fault not found")
    return "", 204


@bp.post("/execution")
def execution():
    """{"half_spread_bps": 25, "partial_fill": 0.5, "fills": "realistic", "volume_share": 0.1, "latency_ms": 50,
    "random_partials": 0.1}, all optional: how orders execute from now on."""
    body = _body()
    try:
        model = {k: v for k, v in body.items() if k not in ("half_spread_bps", "partial_fill")}
        return jsonify(exchange_of_app().set_execution(body.get("half_spread_bps"), body.get("partial_fill"), **model))
    except ValueError as exc:
        raise invalid(str(exc)) from exc


@bp.post("/orders/<order_id>/fill")
def force_fill(order_id: str):
    """{"qty": "3", "price": "101.5"}, both optional: fill (part of) an open order now."""
    body = _body()
    try:
        return jsonify(exchange_of_app().force_fill(order_id, body.get("qty"), body.get("price")))
    except ValueError as exc:
        raise invalid(str(exc)) from exc


@bp.post("/orders/<order_id>/reject")
def reject(order_id: str):
    return jsonify(exchange_of_app().reject(order_id))


@bp.post("/expire")
def expire():
    return jsonify({"expired": exchange_of_app().expire_day_orders()})


@bp.post("/tick")
def tick():
    exchange_of_app().tick()
    return jsonify({"status": "ticked"})


@bp.post("/accounts")
def add_account():
    """{"name", "key", "secret", "cash": "100000", "shorting": false}: a new account, live at once."""
    body = _body()
    try:
        config = AccountConfig(str(body.get("name", "")), str(body.get("key", "")),
                               str(body.get("secret", "")), str(body.get("cash", "100000")),
                               bool(body.get("shorting", False)))
    except ConfigError as exc:
        raise invalid(str(exc)) from exc
    account = exchange_of_app().add_account(config)
    return jsonify({"name": account.name, "key": config.key, "id": account.id}), 201
