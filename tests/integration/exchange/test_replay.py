"""`weaver exchange --market replay --replay-from stored`: bars stored in Weaver's database (a real day
fetched or imported) are the exchange's market — its bars, its prices, its fills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import requests
from websockets.sync.client import connect

from app.bootstrap import Container
from app.cli.stored_bars import load_stored
from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.services.bars import BarService
from tests.integration.exchange.conftest import REPO

NEW_YORK = ZoneInfo("America/New_York")
KEYS = {"APCA-API-KEY-ID": "PAPERKEY", "APCA-API-SECRET-KEY": "PAPERSECRET"}
DAY_OPEN = datetime(2024, 3, 15, 9, 30, tzinfo=NEW_YORK)


def store_day(pg: Container) -> dict[str, np.ndarray]:
    """A day of minute bars from 09:00 (30 bars of history, then the session), with recognisable prices."""
    ts = (int(datetime(2024, 3, 15, 9, 0, tzinfo=NEW_YORK).timestamp()) + 60 * np.arange(420)) * 1_000_000_000
    close = np.round(170 + np.sin(np.arange(420) / 9) * 3, 2)
    bars = {"open": np.round(close - 0.05, 2), "high": close + 0.21, "low": close - 0.34, "close": close,
            "volume": 1000.0 + np.arange(420)}
    BarService(pg.uow).store_arrays("AAPL", "1Min", ts, bars, source="csv")
    return bars


def test_a_replay_serves_the_stored_bars_as_its_own_and_fills_at_their_prices(pg: Container) -> None:
    stored = store_day(pg)
    replay = load_stored(pg.settings.database_url, ["AAPL"], "1Min", DAY_OPEN, history=20)
    assert replay["AAPL"].lead == 20
    start = int(time.time()) // 60 * 60 * 1000 - 5 * 60_000  # five exchange minutes ago: 25 bars of the replay shown
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 170.0),), accounts=(AccountConfig("paper", *KEYS.values()),),
                            hours="always", anchor=datetime.fromtimestamp(start / 1000, NEW_YORK))
    with ExchangeServer(config, replay=replay) as server:
        bars = requests.get(f"{server.url}/v2/stocks/AAPL/bars", headers=KEYS, timeout=5, params={
            "timeframe": "1Min", "start": datetime.fromtimestamp(start / 1000 - 120, NEW_YORK).isoformat(),
            "limit": 4}).json()["bars"]
        at_open = 30  # stored index of 09:30
        expected = [(stored["open"][i], stored["close"][i], int(stored["volume"][i]))
                    for i in range(at_open - 2, at_open + 2)]
        assert [(b["o"], b["c"], b["v"]) for b in bars] == [(float(o), float(c), v) for o, c, v in expected]
        order = requests.post(f"{server.url}/v2/orders", headers=KEYS, timeout=5, json={
            "symbol": "AAPL", "qty": "2", "side": "buy", "type": "market", "time_in_force": "day"}).json()
        low, high = min(stored["low"][at_open:at_open + 8]), max(stored["high"][at_open:at_open + 8])
        assert order["status"] == "filled" and low <= float(order["filled_avg_price"]) <= high


def store_two_days(pg: Container) -> dict[str, np.ndarray]:
    """The day before (04:00-20:00, 960 bars) and the replayed day from 09:00: 990 bars precede its
    09:30 open, well over the 500 a replay used to keep."""
    day_before = datetime(2024, 3, 14, 4, 0, tzinfo=NEW_YORK).timestamp() + 60 * np.arange(960)
    replayed = datetime(2024, 3, 15, 9, 0, tzinfo=NEW_YORK).timestamp() + 60 * np.arange(420)
    ts = np.r_[day_before, replayed].astype(np.int64) * 1_000_000_000
    i = np.arange(len(ts))
    close = np.round(150 + i * 0.02 + np.sin(i / 7), 2)
    bars = {"open": np.round(close - 0.03, 2), "high": np.round(close + 0.11, 2), "low": np.round(close - 0.12, 2),
            "close": close,
            "volume": 500.0 + i}
    BarService(pg.uow).store_arrays("AAPL", "1Min", ts, bars, source="csv")
    return bars


def test_every_stored_bar_before_the_start_is_history_and_nothing_stored_is_no_bar(pg: Container) -> None:
    stored = store_two_days(pg)
    replay = load_stored(pg.settings.database_url, ["AAPL"], "1Min", DAY_OPEN)
    lead = replay["AAPL"].lead
    assert lead == 990 and len(replay["AAPL"].o) == 1380
    anchor_ms = int(time.time()) // 60 * 60 * 1000 - 2 * 60_000
    first_ms = anchor_ms - lead * 60_000  # the exchange minute that plays stored bar 0
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 150.0),), accounts=(AccountConfig("paper", *KEYS.values()),),
                            hours="always", anchor=datetime.fromtimestamp(anchor_ms / 1000, NEW_YORK))

    def bars(start_ms: int, end_ms: int, timeframe: str = "1Min") -> list[dict]:
        body = requests.get(f"{server.url}/v2/stocks/AAPL/bars", headers=KEYS, timeout=10, params={
            "timeframe": timeframe, "start": datetime.fromtimestamp(start_ms / 1000, NEW_YORK).isoformat(),
            "end": datetime.fromtimestamp(end_ms / 1000, NEW_YORK).isoformat(), "limit": 10000}).json()
        assert body["next_page_token"] is None
        return body["bars"]

    def as_stored(i: int) -> tuple[float, float, float, float, int]:
        return (float(stored["open"][i]), float(stored["high"][i]), float(stored["low"][i]),
                float(stored["close"][i]), int(stored["volume"][i]))

    with ExchangeServer(config, replay=replay) as server:
        oldest = bars(first_ms - 5 * 60_000, first_ms + 2 * 60_000)  # 5 minutes before anything stored, then 3 bars
        assert [b["t"] for b in oldest] == [
            datetime.fromtimestamp(first_ms / 1000 + 60 * i, NEW_YORK).astimezone(ZoneInfo("UTC"))
            .strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(3)]
        assert [(b["o"], b["h"], b["l"], b["c"], b["v"]) for b in oldest] == [as_stored(i) for i in range(3)]
        assert bars(first_ms - 60 * 60_000, first_ms - 60_000) == []  # an hour before the stored history: no bars
        deep = bars(anchor_ms - 600 * 60_000, anchor_ms - 597 * 60_000)  # beyond the 500 bars once kept
        assert [(b["o"], b["h"], b["l"], b["c"], b["v"]) for b in deep] == [as_stored(lead - 600 + i) for i in range(4)]
        hour = 3_600_000
        hourly = bars(first_ms - 3 * hour, first_ms + 2 * hour - 1, "1Hour")  # buckets before the history: none
        assert hourly[0]["t"] == datetime.fromtimestamp(first_ms // hour * 3600, ZoneInfo("UTC")).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        assert hourly[0]["o"] == float(stored["open"][0]) and len(hourly) in (2, 3)
        covered = ((first_ms + 2 * hour - 1) // hour * hour + hour - first_ms) // 60_000  # stored bars in the buckets
        assert sum(b["v"] for b in hourly) == int(stored["volume"][:covered].sum())


class Clock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, NEW_YORK).isoformat()


def stamp_ms(item: dict) -> int:
    return int(datetime.fromisoformat(str(item["t"]).replace("Z", "+00:00")).timestamp() * 1000)


def test_no_zero_size_trade_before_the_stored_bars_and_no_empty_bar_after_them(pg: Container) -> None:
    stored = store_day(pg)
    replay = load_stored(pg.settings.database_url, ["AAPL"], "1Min", DAY_OPEN, history=20)
    count = len(replay["AAPL"].o)  # 20 bars of history and the session's 390
    anchor_ms = datetime(2026, 12, 1, 10, 0, tzinfo=NEW_YORK).timestamp() * 1000
    first_ms, end_ms = int(anchor_ms) - 20 * 60_000, int(anchor_ms) + (count - 20) * 60_000
    clock = Clock(int(anchor_ms) + 60_000)
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 170.0), SymbolConfig("MSFT", 400.0)),
                            accounts=(AccountConfig("paper", *KEYS.values()),), hours="always",
                            anchor=datetime.fromtimestamp(anchor_ms / 1000, NEW_YORK), tick_seconds=0.01)

    def get(path: str, **params: object) -> dict:
        answer = requests.get(f"{server.url}{path}", headers=KEYS, timeout=10, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    with ExchangeServer(config, replay=replay, clock=clock) as server:
        early = get("/v2/stocks/AAPL/trades", start=iso_ms(first_ms - 10 * 60_000), end=iso_ms(first_ms + 60_000),
                    limit=10_000)["trades"]
        assert early and all(t["s"] > 0 for t in early)  # nothing printed where nothing is stored
        assert min(stamp_ms(t) for t in early) >= first_ms
        first_bar = [t["s"] for t in early if stamp_ms(t) < first_ms + 60_000]
        assert sum(first_bar) == int(stored["volume"][10])  # the first stored bar's volume, all of it
        quotes = get("/v2/stocks/AAPL/quotes", start=iso_ms(first_ms - 10 * 60_000), end=iso_ms(first_ms - 1),
                     limit=10_000)["quotes"]
        assert not quotes

        clock.ms = end_ms - 90_000  # a minute and a half before the replay's end
        with connect(server.data_stream_url) as ws:
            assert json.loads(ws.recv()) == [{"T": "success", "msg": "connected"}]
            ws.send(json.dumps({"action": "auth", "key": KEYS["APCA-API-KEY-ID"],
                                "secret": KEYS["APCA-API-SECRET-KEY"]}))
            assert json.loads(ws.recv())[0]["msg"] == "authenticated"
            ws.send(json.dumps({"action": "subscribe", "bars": ["AAPL", "MSFT"]}))
            assert json.loads(ws.recv())[0]["T"] == "subscription"
            time.sleep(0.3)  # the feed reads the clock it starts from
            received: list[dict] = []
            for minute in range(1, 5):  # the last two stored bars complete, then two with nothing stored
                clock.ms = end_ms - 90_000 + minute * 60_000
                while not any(m["S"] == "MSFT" and stamp_ms(m) == clock.ms // 60_000 * 60_000 - 60_000
                              for m in received):  # MSFT's bar of the minute just completed: the feed got there
                    received.extend(json.loads(ws.recv(timeout=10)))
        aapl = [m for m in received if m["S"] == "AAPL"]
        assert [stamp_ms(m) for m in aapl] == [end_ms - 120_000, end_ms - 60_000]
        assert [(m["c"], m["v"]) for m in aapl] == [(float(stored["close"][-2]), int(stored["volume"][-2])),
                                                   (float(stored["close"][-1]), int(stored["volume"][-1]))]

        clock.ms = end_ms + 10 * 60_000  # well after the replay's end: latest is the last stored bar's
        latest_bar = get("/v2/stocks/AAPL/bars/latest")["bar"]
        assert (stamp_ms(latest_bar), latest_bar["c"], latest_bar["v"]) == (
            end_ms - 60_000, float(stored["close"][-1]), int(stored["volume"][-1]))
        snapshot = get("/v2/stocks/AAPL/snapshot")
        last_print = get("/v2/stocks/AAPL/trades", start=iso_ms(end_ms - 60_000), limit=10_000)["trades"][-1]
        assert last_print["s"] > 0 and end_ms - 60_000 <= stamp_ms(last_print) < end_ms
        assert last_print["p"] == float(stored["close"][-1])
        assert snapshot["minuteBar"] == latest_bar
        latest = get("/v2/stocks/AAPL/trades/latest")["trade"]
        assert snapshot["latestTrade"] == latest and latest["s"] > 0
        assert end_ms - 60_000 <= stamp_ms(latest) < end_ms and latest["p"] == float(stored["close"][-1])
        assert not get("/v2/stocks/AAPL/trades", start=iso_ms(end_ms), limit=10_000)["trades"]


def test_the_command_replays_a_stored_day_and_names_what_is_missing(pg: Container) -> None:
    store_day(pg)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")}
    env["WEAVER_DATABASE_URL"] = pg.settings.database_url
    command = [sys.executable, "-c", "from app.cli import main; main()", "exchange", "--port", "0", "--symbols",
               "AAPL", "--market", "replay", "--replay-speed", "60"]
    missing = subprocess.run([*command, "--replay-start", "2024-03-18"], cwd=REPO, env=env, capture_output=True,
                             text=True, timeout=60)
    assert missing.returncode == 2 and "AAPL 1Min: nothing stored from 2024-03-18 09:30" in missing.stderr
    process = subprocess.Popen([*command, "--replay-start", "2024-03-15"], cwd=REPO, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[3]
        lines = [process.stdout.readline() for _ in range(4)]
        assert any("replaying stored 1Min bars of AAPL from 2024-03-15 09:30 EDT, one every 1 s" in line
                   for line in lines), lines
        latest = requests.get(f"{url}/v2/stocks/AAPL/trades/latest", headers=KEYS, timeout=5).json()
        assert Decimal(str(latest["trade"]["p"])) > 160  # the stored day's prices, not the synthetic 190
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
