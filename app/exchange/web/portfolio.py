"""Portfolio history: the account's equity over a period, from its fills and the exchange's prices."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.exchange.portfolio import Book, history, parse_query
from app.exchange.web.app import exchange_of_app

bp = Blueprint("portfolio", __name__)


@bp.get("/v2/account/portfolio/history")
def portfolio_history():
    with exchange_of_app().session() as (venue, now):  # a consistent copy; pricing runs outside the lock
        book, hours = Book.of(g.account), venue.hours
        query = parse_query(request.args.to_dict(), hours, now)
    return jsonify(history(book, query, hours, venue.price))
