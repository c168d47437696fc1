"""The live feed on a clock the test moves: completed bars go out once each, the daily bar at a minute's
end equals the REST daily bar, prints go to those who asked for them, and the thread ends with the last
subscriber."""

from __future__ import annotations

import queue
from datetime import UTC, datetime

from app.exchange.barquery import BarReader
from app.exchange.config import SymbolConfig
from app.exchange.datafeed import DataFeed
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.timefmt import from_datetime, ny_date, ny_midnight
from app.exchange.timeframes import parse_timeframe
from app.exchange.trades import Tape

MINUTE = from_datetime(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))  # a Tuesday, 10:00 in New York


class Clock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def messages(batches: queue.Queue, kind: str, want: int) -> list[dict]:
    found: list[dict] = []
    while len(found) < want:
        found.extend(m for m in batches.get(timeout=2) if m["T"] == kind)
    return found


def test_bars_go_out_as_they_complete_and_the_daily_bar_at_the_minutes_end() -> None:
    market = Market((SymbolConfig("AAPL", 190.0), SymbolConfig("SPY", 520.0)), 3, 1000, MINUTE - 86_400_000)
    clock = Clock(MINUTE - 2_500)
    feed = DataFeed(Tape(market, 3), MarketHours("nyse"), clock, lambda: 0.0, 1_000_000)
    bars_only, prints_only = feed.subscribe(), feed.subscribe()
    bars_only.channels["bars"] = {"AAPL"}
    bars_only.channels["dailyBars"] = {"*"}
    prints_only.channels["trades"] = {"SPY"}
    clock.ms = MINUTE + 5  # three 1-second bars complete at once, the last one ending the minute
    bars = messages(bars_only.batches, "b", 3)
    assert [b["t"] for b in bars] == [(MINUTE - 3000 + 1000 * i) * 1_000_000 for i in range(3)]
    expected = market.bars("AAPL", MINUTE // 1000 - 3, MINUTE // 1000)
    assert [(b["o"], b["c"], b["v"]) for b in bars] == list(zip(expected.o.tolist(), expected.c.tolist(),
                                                                expected.v.tolist(), strict=True))
    daily = {d["S"]: d for d in messages(bars_only.batches, "d", 2)}
    reader = BarReader(market, MarketHours("nyse"), MINUTE, 1_000_000)
    rest, _ = reader.page(["AAPL"], parse_timeframe("1Day", 1000), ny_midnight(ny_date(MINUTE)), MINUTE, 1,
                          None, True)
    assert {k: daily["AAPL"][k] for k in ("o", "h", "l", "c", "v")} == \
           {k: rest["AAPL"][0][k] for k in ("o", "h", "l", "c", "v")}
    trades = messages(prints_only.batches, "t", 1)
    assert {t["S"] for t in trades} == {"SPY"} and all(MINUTE - 2_500 < t["t"] / 1e6 <= MINUTE + 5 for t in trades)
    feed.unsubscribe(bars_only)
    feed.unsubscribe(prints_only)
    assert feed.count() == 0 and feed._thread is None
