"""The Alpaca adapter meeting Alpaca's rate limit (429 with X-RateLimit-* or Retry-After): it waits
until the window reopens, within the tick's deadline, and still never submits an order twice. The
broker is a scripted HTTP session (real alpaca-py clients, no network); sleeps are recorded."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
import requests
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import MarketOrderRequest
from pydantic import SecretStr

from app.config import AlpacaCredentials
from app.veda.alpaca import AlpacaBroker, BrokerError, RetryPolicy

URL = "http://broker.test"
ACCOUNT = {"cash": "1000.50", "equity": "1200.25", "buying_power": "2000", "status": "ACTIVE"}
REFUSED = {"code": 42910000, "message": "rate limit exceeded"}


def answer(status: int, body: Any, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json", **headers})
    return response


def too_many(reset_in: float | None = None, retry_after: str | None = None) -> requests.Response:
    headers = {"X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "0"}
    if reset_in is not None:
        headers["X-RateLimit-Reset"] = str(int(time.time() + reset_in))
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return answer(429, REFUSED, **headers)


class Scripted:
    """The broker's answers, in order; every request asked (method and path) is kept."""

    def __init__(self, *answers: requests.Response):
        self.answers, self.asked = list(answers), []

    def __call__(self, method: str, url: str, **_: Any) -> requests.Response:
        self.asked.append(f"{method} {url.removeprefix(URL)}")
        response = self.answers.pop(0)
        response.url = url
        return response


def broker_with(script: Scripted, sleeps: list[float]) -> AlpacaBroker:
    credentials = AlpacaCredentials("paper", "PK-TEST", SecretStr("secret"), URL, URL)
    broker = AlpacaBroker(credentials, RetryPolicy(attempts=3, first_wait=0.2, max_wait=2.0, budget_seconds=8),
                          sleep=sleeps.append)
    broker.trading._session.request = script  # type: ignore[method-assign]
    return broker


def test_a_429_waits_until_the_window_resets_then_reads_the_account(caplog: pytest.LogCaptureFixture) -> None:
    script, sleeps = Scripted(too_many(reset_in=4), answer(200, ACCOUNT)), []
    broker = broker_with(script, sleeps)
    with caplog.at_level(logging.WARNING), broker.deadline(60):
        account = broker.account()
    assert str(account.equity) == "1200.25" and str(account.cash) == "1000.50"
    assert script.asked == ["GET /v2/account", "GET /v2/account"]
    assert len(sleeps) == 1 and 3.0 <= sleeps[0] <= 4.5  # until the reset second, not a 0.2 s backoff
    assert "rate limit reached (200 requests a minute); waiting" in caplog.text


def test_retry_after_is_taken_before_the_reset_header() -> None:
    script, sleeps = Scripted(too_many(reset_in=40, retry_after="7"), answer(200, ACCOUNT)), []
    broker = broker_with(script, sleeps)
    with broker.deadline(60):
        broker.account()
    assert sleeps == [7.25]


def test_a_window_reopening_after_the_ticks_deadline_fails_the_call_at_once() -> None:
    script, sleeps = Scripted(too_many(reset_in=30)), []
    broker = broker_with(script, sleeps)
    with broker.deadline(5), pytest.raises(BrokerError) as refused:
        broker.account()
    assert refused.value.status == 429 and refused.value.message == "rate limit exceeded"
    assert sleeps == [] and script.asked == ["GET /v2/account"]  # no wait the tick has no time for


def test_waits_for_the_window_do_not_use_up_the_retry_attempts() -> None:
    script, sleeps = Scripted(*(too_many(reset_in=1) for _ in range(4)), answer(200, ACCOUNT)), []
    broker = broker_with(script, sleeps)  # three attempts: four 429s in a row are still waited out
    with broker.deadline(60):
        assert str(broker.account().buying_power) == "2000"
    assert len(sleeps) == 4 and len(script.asked) == 5


def test_a_429_without_headers_falls_back_to_the_backoff() -> None:
    script, sleeps = Scripted(answer(429, REFUSED), answer(200, ACCOUNT)), []
    broker = broker_with(script, sleeps)
    broker.account()
    assert sleeps == [0.2]


def test_an_order_refused_with_429_is_looked_up_then_submitted_once() -> None:
    cid = "run-1-bar-1"
    placed = {"id": "b-1", "client_order_id": cid, "symbol": "AAPL", "side": "buy", "status": "accepted",
              "qty": "3", "filled_qty": "0"}
    script, sleeps = Scripted(too_many(reset_in=2), answer(404, {"code": 40410000, "message": "order not found"}),
                              answer(200, placed)), []
    broker = broker_with(script, sleeps)
    with broker.deadline(60):
        order = broker.submit_order(MarketOrderRequest(symbol="AAPL", qty=3, side=OrderSide.BUY,
                                                       time_in_force=TimeInForce.DAY, client_order_id=cid))
    assert (order.id, order.client_order_id, str(order.qty), order.status) == ("b-1", cid, "3", "accepted")
    assert script.asked == ["POST /v2/orders", "GET /v2/orders:by_client_order_id", "POST /v2/orders"]
    assert len(sleeps) == 1 and 1.0 <= sleeps[0] <= 2.5


def test_an_order_taken_before_its_answer_was_lost_is_found_not_placed_again() -> None:
    cid = "run-1-bar-2"
    placed = {"id": "b-2", "client_order_id": cid, "symbol": "AAPL", "side": "buy", "status": "filled",
              "qty": "1", "filled_qty": "1", "filled_avg_price": "190.12"}
    script, sleeps = Scripted(answer(504, {"message": "gateway timeout"}), too_many(reset_in=1),
                              answer(200, placed)), []
    broker = broker_with(script, sleeps)
    with broker.deadline(60):
        order = broker.submit_order(MarketOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY,
                                                       time_in_force=TimeInForce.DAY, client_order_id=cid))
    assert (order.id, order.status, str(order.filled_avg_price)) == ("b-2", "filled", "190.12")
    assert script.asked == ["POST /v2/orders", "GET /v2/orders:by_client_order_id",
                            "GET /v2/orders:by_client_order_id"]  # the lookup met the limit, waited, found it
    assert sleeps[0] == 0.2 and 0.0 <= sleeps[1] <= 1.5
