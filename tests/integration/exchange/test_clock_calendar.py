"""The clock, the calendar and news, read the way a user's code reads them: alpaca-py's clients and the
raw v3 routes of the JS SDK 4.x, on exchanges whose clock the test sets. `--hours always` must be a
coherent 24/7 demo market (open, the day's close before the next open, every day in its calendar and
a header saying so); `--hours nyse` must give the same answers through v2 and v3."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from alpaca.data.historical.news import NewsClient
from alpaca.data.requests import NewsRequest
from alpaca.trading.client import TradingClient
from alpaca.trading.requests import GetCalendarRequest

from app.exchange import ExchangeConfig, ExchangeServer
from tests.integration.exchange.conftest import PAPER, REPO, Contract

NEW_YORK = ZoneInfo("America/New_York")
HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def ny(day: int, hour: int, minute: int = 0, second: int = 0, ms: int = 0) -> datetime:
    """A moment of December 2024 in New York (the 21st is a Saturday, the 25th Christmas)."""
    return datetime(2024, 12, day, hour, minute, second, ms * 1000, tzinfo=NEW_YORK)


class Clock:
    """The exchange's time, set by the test."""

    def __init__(self) -> None:
        self.set(ny(21, 20))

    def set(self, moment: datetime) -> None:
        self.now = int(moment.timestamp() * 1000)

    def __call__(self) -> int:
        return self.now


def _exchange(hours: str) -> Iterator[tuple[ExchangeServer, Clock]]:
    clock = Clock()
    config = ExchangeConfig(accounts=(PAPER,), hours=hours, seed=3, anchor=datetime(2024, 12, 1, tzinfo=NEW_YORK))
    with ExchangeServer(config, clock=clock) as server:
        yield server, clock


@pytest.fixture(scope="module")
def always() -> Iterator[tuple[ExchangeServer, Clock]]:
    yield from _exchange("always")


@pytest.fixture(scope="module")
def nyse() -> Iterator[tuple[ExchangeServer, Clock]]:
    yield from _exchange("nyse")


def get(server: ExchangeServer, path: str, **params: object) -> requests.Response:
    return requests.get(f"{server.url}{path}", headers=HEADERS, params=params, timeout=5)


def v3_clock(server: ExchangeServer, **params: object) -> dict:
    response = get(server, "/v3/clock", **params)
    assert response.status_code == 200, response.text
    [clock] = response.json()["clocks"]
    return clock


# -- --hours always: a 24/7 demo market -----------------------------------------------------------
def test_always_clock_is_open_on_a_saturday_night_and_closes_before_the_next_open(always, contract: Contract) -> None:
    server, clock = always
    clock.set(ny(21, 20))  # Saturday 20:00 New York: NYSE would be shut
    answer = TradingClient(PAPER.key, PAPER.secret, url_override=server.url).get_clock()
    assert answer.is_open
    assert answer.timestamp < answer.next_close < answer.next_open
    assert answer.next_close == ny(21, 23, 59, 59, 999)
    assert answer.next_open == ny(22, 0)
    response = get(server, "/v2/clock")
    contract.check("trading", "Clock", response.json())
    assert response.headers["X-Weaver-Market"].startswith("24/7 demo market")


def test_always_clock_in_the_sessions_last_millisecond_shows_the_next_session(always) -> None:
    server, clock = always
    clock.set(ny(21, 23, 59, 59, 999))
    answer = TradingClient(PAPER.key, PAPER.secret, url_override=server.url).get_clock()
    assert answer.is_open
    assert (answer.next_close, answer.next_open) == (ny(22, 23, 59, 59, 999), ny(23, 0))
    clock.set(ny(22, 0))  # midnight: the Sunday session has begun, closing at its end
    answer = TradingClient(PAPER.key, PAPER.secret, url_override=server.url).get_clock()
    assert (answer.is_open, answer.next_close, answer.next_open) == (True, ny(22, 23, 59, 59, 999), ny(23, 0))


def test_always_calendar_lists_every_day_00_00_to_23_59_and_says_it_is_a_demo_market(
        always, contract: Contract) -> None:
    server, clock = always
    clock.set(ny(21, 20))
    days = TradingClient(PAPER.key, PAPER.secret, url_override=server.url).get_calendar(
        GetCalendarRequest(start=ny(20, 0).date(), end=ny(26, 0).date()))
    assert [d.date.day for d in days] == [20, 21, 22, 23, 24, 25, 26]  # weekend and Christmas: a demo market
    assert all((d.open.time().isoformat(), d.close.time().isoformat()) == ("00:00:00", "23:59:00") for d in days)
    response = get(server, "/v2/calendar", start="2024-12-20", end="2024-12-26")
    contract.check("trading", "Calendar", response.json(), array=True)
    assert "not NYSE" in response.headers["X-Weaver-Market"]


def test_always_v3_clock_agrees_with_v2_and_names_the_demo_market(always) -> None:
    server, clock = always
    clock.set(ny(21, 20))
    v2 = get(server, "/v2/clock").json()
    v3 = v3_clock(server, markets="NYSE")
    assert (v3["next_market_open"], v3["next_market_close"]) == (v2["next_open"], v2["next_close"])
    assert (v3["phase"], v3["phase_until"], v3["is_market_day"]) == ("core", v2["next_close"], True)
    assert v3["market"]["acronym"] == "NYSE" and "24/7 demo market" in v3["market"]["name"]


def test_always_v3_calendar_has_one_core_session_a_day(always) -> None:
    server, clock = always
    clock.set(ny(21, 20))
    body = get(server, "/v3/calendar/NYSE", start="2024-12-21", end="2024-12-22").json()
    assert body["calendar"] == [
        {"date": "2024-12-21", "core_start": "2024-12-21T00:00:00-05:00", "core_end": "2024-12-21T23:59:59.999-05:00",
         "settlement_date": "2024-12-22"},
        {"date": "2024-12-22", "core_start": "2024-12-22T00:00:00-05:00", "core_end": "2024-12-22T23:59:59.999-05:00",
         "settlement_date": "2024-12-23"},
    ]
    assert "24/7 demo market" in body["market"]["name"]


def test_weaver_exchange_hours_always_says_it_is_a_24_7_demo_market_on_start() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "exchange", "--port", "0", "--hours", "always"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")})
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]  # listening, the account, hours and fills
        assert lines[2].startswith("  hours: always, a 24/7 demo market (every day 00:00-24:00 New York"), lines
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


# -- --hours nyse: v3 agrees with v2 ---------------------------------------------------------------
@pytest.mark.parametrize(("moment", "open_", "phase", "until", "market_day"), [
    (ny(24, 7), False, "pre", ny(24, 9, 30), True),  # Christmas Eve, before the open
    (ny(24, 12), True, "core", ny(24, 13), True),  # the 13:00 early close
    (ny(24, 15), False, "post", ny(24, 17), True),  # after hours end four hours after the early close
    (ny(24, 18), False, "closed", ny(26, 4), True),
    (ny(25, 12), False, "closed", ny(26, 4), False),  # Christmas: shut until the 26th's pre-market
])
def test_nyse_v3_clock_phases_and_v2_clock_agree(nyse, moment, open_, phase, until, market_day) -> None:
    server, clock = nyse
    clock.set(moment)
    v2 = get(server, "/v2/clock").json()
    v3 = v3_clock(server)
    assert v2["is_open"] is open_
    assert (v3["phase"], datetime.fromisoformat(v3["phase_until"]), v3["is_market_day"]) == (phase, until, market_day)
    assert (v3["next_market_open"], v3["next_market_close"]) == (v2["next_open"], v2["next_close"])
    assert get(server, "/v2/clock").headers["X-Weaver-Market"].startswith("NYSE")
    clock.set(ny(2, 12))  # the `time` parameter reads the clock at another moment
    assert v3_clock(server, time=moment.isoformat())["phase"] == phase


def test_nyse_v3_calendar_christmas_week_by_acronym_mic_and_in_utc(nyse) -> None:
    server, clock = nyse
    clock.set(ny(20, 12))
    body = get(server, "/v3/calendar/NYSE", start="2024-12-24", end="2024-12-26").json()
    assert body["market"] == {"acronym": "NYSE", "mic": "XNYS", "name": "New York Stock Exchange",
                              "timezone": "America/New_York"}
    assert [(d["date"], d["core_start"], d["core_end"]) for d in body["calendar"]] == [
        ("2024-12-24", "2024-12-24T09:30:00-05:00", "2024-12-24T13:00:00-05:00"),
        ("2024-12-26", "2024-12-26T09:30:00-05:00", "2024-12-26T16:00:00-05:00"),
    ]
    first = body["calendar"][0]
    assert (first["pre_start"], first["post_end"], first["settlement_date"]) == (
        "2024-12-24T04:00:00-05:00", "2024-12-24T17:00:00-05:00", "2024-12-26")
    utc = get(server, "/v3/calendar/xnys", start="2024-12-26", end="2024-12-26", timezone="UTC").json()
    assert [(d["core_start"], d["core_end"]) for d in utc["calendar"]] == [("2024-12-26T14:30:00Z",
                                                                            "2024-12-26T21:00:00Z")]
    week = get(server, "/v3/calendar/NYSE").json()["calendar"]  # default: today to a week later
    assert [d["date"] for d in week] == ["2024-12-20", "2024-12-23", "2024-12-24", "2024-12-26", "2024-12-27"]


def test_v3_routes_refuse_markets_they_do_not_simulate(nyse) -> None:
    server, _ = nyse
    for path, params in (("/v3/calendar/LSE", {}), ("/v3/clock", {"markets": "NYSE,HKEX"})):
        response = get(server, path, **params)
        assert response.status_code == 422
        assert response.json()["code"] == 40010001 and "unsupported market" in response.json()["message"]


# -- news: no news source offline, an empty page -----------------------------------------------------
def test_news_is_an_empty_page_alpaca_py_reads(always, contract: Contract) -> None:
    server, _ = always
    found = NewsClient(PAPER.key, PAPER.secret, url_override=server.url).get_news(
        NewsRequest(symbols="AAPL,MSFT", start=ny(20, 0), end=ny(21, 0), sort="desc", include_content=True))
    assert found.data["news"] == [] and found.next_page_token is None
    body = get(server, "/v1beta1/news", symbols="AAPL", limit=50).json()
    assert body == {"news": [], "next_page_token": None}
    # data.yaml's GetNewsResponse has no `nullable` on next_page_token; Alpaca and both SDKs send/read null
    contract.check("data", "GetNewsResponse", {"news": body["news"]})


@pytest.mark.parametrize("params", [{"limit": 51}, {"limit": 0}, {"sort": "sideways"}, {"page_token": "%%%"},
                                    {"start": "2024-12-21", "end": "2024-12-20"}])
def test_news_refuses_what_alpaca_refuses(always, params) -> None:
    server, _ = always
    response = get(server, "/v1beta1/news", **params)
    assert response.status_code == 400, params
    assert response.json()["code"] == 40010001


def test_news_needs_keys(always) -> None:
    server, _ = always
    assert requests.get(f"{server.url}/v1beta1/news", timeout=5).status_code == 401

