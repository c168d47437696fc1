"""Flask application factory: one blueprint per resource, the guards, and Alpaca-shaped errors."""

from __future__ import annotations

from flask import Flask, current_app, jsonify
from werkzeug.exceptions import HTTPException

from app.exchange.errors import ExchangeError
from app.exchange.exchange import Exchange


def exchange_of_app() -> Exchange:
    return current_app.extensions["weaver_exchange"]


def create_app(exchange: Exchange, admin_token: str) -> Flask:
    """An app serving one exchange; several apps (servers) can live in one process."""
    from app.exchange.web import (
        activities,
        admin,
        assets,
        configurations,
        data,
        guards,
        orders,
        portfolio,
        positions,
        stream,
        trading,
        watchlists,
    )

    app = Flask("weaver_exchange")
    app.extensions["weaver_exchange"] = exchange
    app.config["EXCHANGE_ADMIN_TOKEN"] = admin_token
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]
    guards.init_app(app)
    for module in (trading, orders, positions, data, admin, stream, assets, activities, portfolio,
                   configurations, watchlists):
        app.register_blueprint(module.bp)
    from app.exchange.web import datastream, quotes, snapshots, trades  # market data beyond bars
    for module in (quotes, trades, snapshots, datastream):
        app.register_blueprint(module.bp)
    from app.exchange.web import crypto_data
    app.register_blueprint(crypto_data.bp)
    from app.exchange.web import clock, news  # v2 and v3 clock and calendar; news (always empty)
    for module in (clock, news):
        app.register_blueprint(module.bp)

    @app.errorhandler(ExchangeError)
    def exchange_error(error: ExchangeError):  # noqa: ANN202 - Flask response tuple
        return jsonify(error.body()), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        status = error.code or 500
        return jsonify(ExchangeError.for_status(status).body()), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # noqa: ANN202
        current_app.logger.exception("exchange error")
        return jsonify(ExchangeError.for_status(500).body()), 500

    return app
