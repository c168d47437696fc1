"""Watchlists: create, list, get, update, add and remove a symbol, delete; by id or `:by_name`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, g, jsonify, request

from app.exchange.assets import asset_json
from app.exchange.watchlists import Watchlist, Watchlists
from app.exchange.web.app import exchange_of_app

bp = Blueprint("watchlists", __name__)
Locate = Callable[[Watchlists], Watchlist]


def _book() -> Watchlists:
    configs = exchange_of_app().market.configs
    return Watchlists(g.account.watchlists, lambda symbol: symbol in configs)


def _json(watchlist: Watchlist) -> Response:
    configs = exchange_of_app().market.configs
    return jsonify(watchlist.to_json(g.account.id, lambda symbol: asset_json(configs[symbol])))


@bp.get("/v2/watchlists")
def list_watchlists():
    with exchange_of_app().session():
        ordered = sorted(g.account.watchlists.values(), key=lambda w: w.created_ms)
        return jsonify([w.to_json(g.account.id) for w in ordered])


@bp.post("/v2/watchlists")
def create():
    with exchange_of_app().session() as (venue, now):
        watchlist = _book().create(request.get_json(silent=True), now)
        venue.on_change()
        return _json(watchlist)


@bp.get("/v2/watchlists/<watchlist_id>")
def get_one(watchlist_id: str):
    with exchange_of_app().session():
        return _json(_book().find(watchlist_id))


@bp.get("/v2/watchlists:by_name")
def get_by_name():
    with exchange_of_app().session():
        return _json(_book().named(request.args.get("name")))


@bp.put("/v2/watchlists/<watchlist_id>")
def update(watchlist_id: str):
    return _change(lambda book: book.find(watchlist_id), Watchlists.update)


@bp.put("/v2/watchlists:by_name")
def update_by_name():
    return _change(lambda book: book.named(request.args.get("name")), Watchlists.update)


@bp.post("/v2/watchlists/<watchlist_id>")
def add_asset(watchlist_id: str):
    return _change(lambda book: book.find(watchlist_id), Watchlists.add)


@bp.post("/v2/watchlists:by_name")
def add_asset_by_name():
    return _change(lambda book: book.named(request.args.get("name")), Watchlists.add)


@bp.delete("/v2/watchlists/<watchlist_id>/<symbol>")
def remove_asset(watchlist_id: str, symbol: str):
    with exchange_of_app().session() as (venue, now):
        book = _book()
        watchlist = book.remove(book.find(watchlist_id), symbol, now)
        venue.on_change()
        return _json(watchlist)


@bp.delete("/v2/watchlists/<watchlist_id>")
def delete(watchlist_id: str):
    return _delete(lambda book: book.find(watchlist_id))


@bp.delete("/v2/watchlists:by_name")
def delete_by_name():
    return _delete(lambda book: book.named(request.args.get("name")))


def _change(locate: Locate, operation: Callable[[Watchlists, Watchlist, object, int], Watchlist]) -> Response:
    """Find the watchlist, apply PUT (update) or POST (add a symbol) to it, save."""
    with exchange_of_app().session() as (venue, now):
        book = _book()
        changed = operation(book, locate(book), request.get_json(silent=True), now)
        venue.on_change()
        return _json(changed)


def _delete(locate: Locate) -> tuple[str, int]:
    with exchange_of_app().session() as (venue, _):
        book = _book()
        book.delete(locate(book))
        venue.on_change()
        return "", 204
