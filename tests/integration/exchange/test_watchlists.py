"""Watchlists through alpaca-py: create, list, add and remove a symbol, rename, delete; by name too."""

from __future__ import annotations

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.requests import CreateWatchlistRequest, UpdateWatchlistRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def call(server: ExchangeServer, method: str, path: str, **kwargs: object) -> requests.Response:
    return requests.request(method, server.url + path, headers=HEADERS, timeout=10, **kwargs)


def test_a_watchlist_keeps_its_symbols_in_order(server: ExchangeServer, trading: TradingClient,
                                                contract: Contract) -> None:
    created = trading.create_watchlist(CreateWatchlistRequest(name="tech", symbols=["MSFT", "aapl"]))
    assert [a.symbol for a in created.assets] == ["MSFT", "AAPL"]
    assert created.account_id == trading.get_account().id
    added = trading.add_asset_to_watchlist_by_id(created.id, "SPY")
    assert [a.symbol for a in added.assets] == ["MSFT", "AAPL", "SPY"]
    assert added.updated_at >= created.updated_at
    removed = trading.remove_asset_from_watchlist_by_id(created.id, "AAPL")
    assert [a.symbol for a in removed.assets] == ["MSFT", "SPY"]
    renamed = trading.update_watchlist_by_id(created.id, UpdateWatchlistRequest(name="core"))
    assert renamed.name == "core" and [a.symbol for a in renamed.assets] == ["MSFT", "SPY"]
    replaced = trading.update_watchlist_by_id(created.id, UpdateWatchlistRequest(symbols=["AAPL"]))
    assert [a.symbol for a in replaced.assets] == ["AAPL"]
    assert trading.get_watchlist_by_id(created.id).name == "core"
    body = call(server, "GET", f"/v2/watchlists/{created.id}").json()
    contract.check("trading", "Watchlist", body)
    assert body["assets"][0]["id"] == str(trading.get_asset("AAPL").id)


def test_watchlists_list_and_delete(server: ExchangeServer, trading: TradingClient, live: TradingClient,
                                    contract: Contract) -> None:
    first = trading.create_watchlist(CreateWatchlistRequest(name="one", symbols=[]))
    trading.create_watchlist(CreateWatchlistRequest(name="two", symbols=["SPY"]))
    listed = call(server, "GET", "/v2/watchlists").json()
    contract.check("trading", "Watchlist", listed, array=True)
    assert [w["name"] for w in listed] == ["one", "two"] and "assets" not in listed[0]  # as Alpaca lists them
    assert [w.name for w in trading.get_watchlists()] == ["one", "two"]
    assert live.get_watchlists() == []  # another account's lists are not visible
    with pytest.raises(APIError) as foreign:
        live.get_watchlist_by_id(first.id)
    assert foreign.value.status_code == 404
    trading.delete_watchlist_by_id(first.id)
    assert [w.name for w in trading.get_watchlists()] == ["two"]
    with pytest.raises(APIError) as gone:
        trading.get_watchlist_by_id(first.id)
    assert gone.value.status_code == 404


def test_watchlists_by_name(server: ExchangeServer, trading: TradingClient, contract: Contract) -> None:
    trading.create_watchlist(CreateWatchlistRequest(name="swing", symbols=["AAPL"]))
    found = call(server, "GET", "/v2/watchlists:by_name", params={"name": "swing"})
    contract.check("trading", "Watchlist", found.json())
    added = call(server, "POST", "/v2/watchlists:by_name", params={"name": "swing"}, json={"symbol": "MSFT"})
    assert [a["symbol"] for a in added.json()["assets"]] == ["AAPL", "MSFT"]
    updated = call(server, "PUT", "/v2/watchlists:by_name", params={"name": "swing"},
                   json={"name": "swing2", "symbols": ["SPY"]})
    contract.check("trading", "Watchlist", updated.json())
    assert updated.json()["name"] == "swing2" and [a["symbol"] for a in updated.json()["assets"]] == ["SPY"]
    assert call(server, "DELETE", "/v2/watchlists:by_name", params={"name": "swing2"}).status_code == 204
    assert call(server, "GET", "/v2/watchlists:by_name", params={"name": "swing2"}).status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"name": "x", "symbols": ["NOPE"]}, "asset not found for NOPE"),
    ({"name": "x", "symbols": ["AAPL", "AAPL"]}, "a symbol may appear once in a watchlist"),
    ({"symbols": ["AAPL"]}, "name is required"),
    ({"name": "n" * 65}, "name must be 1 to 64 characters"),
])
def test_bad_watchlists_are_refused(server: ExchangeServer, body: dict, message: str) -> None:
    response = call(server, "POST", "/v2/watchlists", json=body)
    assert (response.status_code, response.json()["message"]) == (422, message)


def test_names_are_unique_and_removing_an_absent_symbol_is_404(server: ExchangeServer,
                                                               trading: TradingClient) -> None:
    made = trading.create_watchlist(CreateWatchlistRequest(name="dup", symbols=["AAPL"]))
    assert call(server, "POST", "/v2/watchlists", json={"name": "dup"}).status_code == 422
    assert call(server, "DELETE", f"/v2/watchlists/{made.id}/MSFT").status_code == 404
    assert call(server, "POST", f"/v2/watchlists/{made.id}", json={"symbol": "AAPL"}).status_code == 422
