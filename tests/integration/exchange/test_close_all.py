"""DELETE /v2/positions answers each position's `status` as an integer HTTP code: what real Alpaca
sends and alpaca-py's ClosePositionResponse parses, where trading.yaml's schema says string
(docs/exchange.md, "Where we follow alpaca-py over the document")."""

from __future__ import annotations

import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import MarketOrderRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def test_close_all_sends_integer_statuses_alpaca_py_parses(server: ExchangeServer, trading: TradingClient,
                                                          contract: Contract) -> None:
    server.pin_price("AAPL", "100")
    for symbol in ("AAPL", "SPY"):
        trading.submit_order(MarketOrderRequest(symbol=symbol, qty=2, side=OrderSide.BUY,
                                                time_in_force=TimeInForce.DAY))
    closed = trading.close_all_positions()
    assert sorted((r.symbol, r.status) for r in closed) == [("AAPL", 200), ("SPY", 200)]
    assert trading.get_all_positions() == []
    trading.submit_order(MarketOrderRequest(symbol="MSFT", qty=1, side=OrderSide.BUY,
                                            time_in_force=TimeInForce.DAY))
    response = requests.delete(server.url + "/v2/positions", headers=HEADERS, timeout=10)
    assert response.status_code == 207
    [entry] = response.json()
    assert entry["status"] == 200 and isinstance(entry["status"], int)
    contract.check("trading", "PositionClosedReponse", [{**entry, "status": str(entry["status"])}], array=True)
    contract.check("trading", "Order", entry["body"])
