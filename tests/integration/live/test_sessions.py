"""Market hours: a tick trades only a bar inside a session of the broker's calendar, judged by the
bar (the 15:59 bar is traded although its tick fires after the close), never by the firing moment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.bootstrap import Container
from app.config import AlpacaCredentials
from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from app.veda.alpaca import AlpacaBroker
from app.veda.sessions import SessionCalendar
from app.walle.models import LiveTick
from tests.integration.live.conftest import PAPER, live_settings, running_run
from workers.runtime import build_runtime


@pytest.fixture
def nyse() -> Iterator[ExchangeServer]:
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0),), accounts=(PAPER,), seed=5, bar_seconds=60,
                            hours="nyse")
    with ExchangeServer(config) as server:
        yield server


def _calendar(exchange: ExchangeServer) -> SessionCalendar:
    credentials = AlpacaCredentials("paper", PAPER.key, SecretStr(PAPER.secret), exchange.url, exchange.url)
    return SessionCalendar(AlpacaBroker(credentials))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("timeframe", "bar", "trades"), [
    ("1Min", "2024-07-02T09:29:00-04:00", False),  # pre-market
    ("1Min", "2024-07-02T09:30:00-04:00", True),
    ("1Min", "2024-07-02T15:59:00-04:00", True),  # the last bar: its tick fires after the close
    ("1Min", "2024-07-02T16:00:00-04:00", False),
    ("5Min", "2024-07-02T15:55:00-04:00", True),
    ("1Hour", "2024-07-02T15:30:00-04:00", False),  # would run to 16:30
    ("1Min", "2024-07-03T12:59:00-04:00", True),  # early close at 13:00
    ("1Min", "2024-07-03T13:00:00-04:00", False),
    ("1Min", "2024-07-04T11:00:00-04:00", False),  # Independence Day
    ("1Day", "2024-07-04T00:00:00-04:00", False),
    ("1Day", "2024-07-05T00:00:00-04:00", True),
    ("1Min", "2024-07-06T11:00:00-04:00", False),  # Saturday
    ("1Min", "2024-01-02T20:00:00-05:00", False),  # evening, winter time
])
def test_bars_inside_the_session_trade_others_do_not(nyse: ExchangeServer, timeframe: str, bar: str,
                                                      trades: bool) -> None:
    assert _calendar(nyse).trades(timeframe, _utc(bar)) is trades


def test_a_market_open_around_the_clock_trades_its_last_minute(exchange: ExchangeServer) -> None:
    calendar = _calendar(exchange)  # the live tests' exchange: hours "always", written 00:00-23:59
    assert calendar.trades("1Min", _utc("2024-07-06T23:59:00-04:00"))
    assert calendar.trades("1Sec", _utc("2024-07-06T23:59:59-04:00"))


def test_a_tick_for_a_bar_outside_the_session_records_nothing(pg: Container, nyse: ExchangeServer) -> None:
    runtime = build_runtime(live_settings(pg, nyse), container=pg)
    run_id = running_run(pg, timeframe="1Min")
    assert runtime.live.handle("tick", run_id, bar_ts="2024-07-06T15:00:00+00:00") == "closed"
    with pg.read_session() as session:
        assert session.scalars(select(LiveTick).where(LiveTick.run_id == run_id)).all() == []

