"""dailyBars through alpaca-py's StockDataStream (`subscribe_daily_bars`): at each minute's end the day's bar
so far, parsed by alpaca-py as a Bar, equal to the REST minute bars of the day up to that minute."""

from __future__ import annotations

from datetime import timedelta

from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.live import StockDataStream

from app.exchange import ExchangeServer
from app.exchange.timefmt import to_datetime, wall_clock_ms
from tests.integration.exchange.conftest import CONFIG, PAPER, wait_for
from tests.integration.exchange.market_data_recorder import MarketDataRecorder

LEAD_MS = 2_500  # the exchange's clock starts this long before a whole minute, so a daily bar comes at once


def test_a_daily_bar_reaches_alpaca_py_at_the_minutes_end_and_equals_the_days_minute_bars() -> None:
    real = wall_clock_ms()
    offset = (60_000 - real % 60_000 - LEAD_MS) % 60_000  # the exchange's now: LEAD_MS before a whole minute
    minute_end = (real + offset) // 60_000 * 60_000 + 60_000  # the first minute to close, when the bar is sent
    with ExchangeServer(CONFIG, clock=lambda: wall_clock_ms() + offset) as server:
        recorder = MarketDataRecorder(StockDataStream(PAPER.key, PAPER.secret, url_override=server.data_stream_url))
        recorder.received["daily"] = []
        recorder.stream.subscribe_daily_bars(recorder.recorder("daily"), "AAPL")
        recorder.thread.start()
        try:
            wait_for(lambda: recorder.received["daily"], timeout=20, what="a daily bar")
        finally:
            recorder.stop()
        daily = recorder.received["daily"][0]
        data = StockHistoricalDataClient(PAPER.key, PAPER.secret, url_override=server.url)
        params = {"symbols": "AAPL", "timeframe": "1Min", "limit": 10000, "start": daily.timestamp.isoformat(),
                  "end": (to_datetime(minute_end) - timedelta(milliseconds=1)).isoformat()}
        bars: list[dict] = []
        token: str | None = ""
        while token is not None:  # the test exchange's pages hold 100 bars
            page = data.get("/stocks/bars", {**params, **({"page_token": token} if token else {})})
            bars += page["bars"]["AAPL"]
            token = page["next_page_token"]
    assert to_datetime(minute_end - 60_000).isoformat().replace("+00:00", "Z") == bars[-1]["t"]  # up to its minute
    assert daily.symbol == "AAPL" and daily.timestamp.isoformat().replace("+00:00", "Z") == bars[0]["t"]
    assert (daily.open, daily.high, daily.low, daily.close) == (
        bars[0]["o"], max(b["h"] for b in bars), min(b["l"] for b in bars), bars[-1]["c"])
    assert (daily.volume, daily.trade_count) == (sum(b["v"] for b in bars), sum(b["n"] for b in bars))
