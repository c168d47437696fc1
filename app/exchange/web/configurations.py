"""Account configurations, and the order rules they switch: `suspend_trade` blocks new orders,
`no_shorting` refuses sales that would open a short, `fractional_trading=false` refuses fractional and
notional orders. The rules run before the order route, so the order path itself stays unaware of them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, g, jsonify, request

from app.exchange.errors import forbidden, insufficient_qty
from app.exchange.web.app import exchange_of_app

bp = Blueprint("configurations", __name__)


@bp.get("/v2/account/configurations")
def get_configurations():
    with exchange_of_app().session():
        return jsonify(g.account.settings.to_json())


@bp.patch("/v2/account/configurations")
def patch_configurations():
    with exchange_of_app().session() as (venue, _):
        account = g.account
        account.settings = account.settings.patched(request.get_json(silent=True), account.config.shorting)
        venue.on_change()
        return jsonify(account.settings.to_json())


@bp.before_app_request
def order_rules() -> None:
    if request.method != "POST" or request.path != "/v2/orders" or "account" not in g:
        return
    settings = g.account.settings
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return  # the order route answers malformed bodies
    if settings.suspend_trade:
        raise forbidden("new orders are blocked: the account's trading is suspended (suspend_trade)")
    if not settings.fractional_trading and (body.get("notional") is not None or _fractional(body.get("qty"))):
        raise forbidden("fractional trading is disabled for this account (fractional_trading)")
    if settings.no_shorting and g.account.config.shorting and str(body.get("side")).lower() == "sell":
        # (a cash account is refused by the order path itself, with the qty a notional sale would be)
        with exchange_of_app().session():
            held = g.account.position_qty(str(body.get("symbol") or "").upper())
        if held <= 0:
            raise insufficient_qty(body.get("qty"), "0")


def _fractional(qty: object) -> bool:
    try:
        value = Decimal(str(qty))
    except (InvalidOperation, ValueError):
        return False
    return value.is_finite() and value != value.to_integral_value()
