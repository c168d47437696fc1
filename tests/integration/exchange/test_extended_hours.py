"""Extended hours under `--hours nyse`: what an extended-hours order fills at and a position is marked at
is what the market-data API shows (bars, trades, latest, snapshots, the stream), pre-market and after
hours, thinly traded; the daily bar stays the regular session's, nothing prints overnight, and
regular-session data is what an around-the-clock exchange on the same seed serves. The exchange runs on
a clock the test moves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import requests
from websockets.sync.client import connect

from app.exchange import ExchangeConfig, ExchangeServer
from app.exchange.config import SymbolConfig
from tests.integration.exchange.conftest import CONFIG, PAPER, Contract, wait_for

NEW_YORK = ZoneInfo("America/New_York")
HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
ANCHOR = datetime(2026, 11, 30, 9, 30, tzinfo=NEW_YORK)


def ny(hour: int, minute: int, second: float = 0, day: int = 1) -> datetime:
    """A moment of December 2026 in New York (the 1st is a Tuesday, the 2nd a Wednesday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK) + timedelta(seconds=second)


class Clock:
    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> int:
        return self.ms

    def set(self, moment: datetime) -> None:
        self.ms = int(moment.timestamp() * 1000)


def config(hours: str) -> ExchangeConfig:
    return ExchangeConfig(symbols=CONFIG.symbols, accounts=(PAPER,), seed=11, bar_seconds=1, hours=hours,
                          anchor=ANCHOR, tick_seconds=0.01)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def nyse(clock: Clock) -> Iterator[ExchangeServer]:
    clock.set(ny(8, 0, 10.4))
    with ExchangeServer(config("nyse"), clock=clock) as running:
        yield running


def get(server: ExchangeServer, path: str, **params: object) -> dict:
    answer = requests.get(f"{server.url}{path}", headers=HEADERS, params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def bars(server: ExchangeServer, timeframe: str, start: datetime, end: datetime) -> list[dict]:
    return get(server, "/v2/stocks/AAPL/bars", timeframe=timeframe, start=start.isoformat(), end=end.isoformat(),
               limit=10_000)["bars"]


def trades(server: ExchangeServer, start: datetime, end: datetime) -> list[dict]:
    return get(server, "/v2/stocks/AAPL/trades", start=start.isoformat(), end=end.isoformat(),
               limit=10_000)["trades"] or []


def stamp(item: dict) -> datetime:
    return datetime.fromisoformat(str(item["t"]).replace("Z", "+00:00"))


def test_a_pre_market_fill_and_mark_are_prices_the_data_api_shows(nyse: ExchangeServer, clock: Clock,
                                                                  contract: Contract) -> None:
    latest = get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]
    assert ny(8, 0) <= stamp(latest) <= ny(8, 0, 10.4)  # the price now, pre-market, not the last regular close
    assert get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"] == latest  # asked again: the same trade
    price = Decimal(str(latest["p"]))
    order = requests.post(f"{nyse.url}/v2/orders", headers=HEADERS, timeout=10, json={
        "symbol": "AAPL", "qty": "10", "side": "buy", "type": "limit", "time_in_force": "day",
        "limit_price": str((price * Decimal("1.01")).quantize(Decimal("0.01"))), "extended_hours": True}).json()
    assert order["status"] == "filled", order
    fill = Decimal(order["filled_avg_price"])
    assert fill == price
    (position,) = get(nyse, "/v2/positions")
    assert Decimal(position["current_price"]) == fill  # marked at the same price

    clock.set(ny(8, 1, 5))  # the fill's minute has completed
    (minute,) = bars(nyse, "1Min", ny(8, 0), ny(8, 0, 59))
    contract.check("data", "Bar", minute)
    assert stamp(minute) == ny(8, 0) and minute["l"] <= float(fill) <= minute["h"]
    (second,) = bars(nyse, "1Sec", ny(8, 0, 10), ny(8, 0, 10))  # the base bar the fill happened in
    assert second["l"] <= float(fill) <= second["h"]
    printed = trades(nyse, ny(8, 0), ny(8, 0, 59.999999))
    assert printed and all(ny(8, 0) <= stamp(p) < ny(8, 1) for p in printed)
    assert all(minute["l"] <= p["p"] <= minute["h"] for p in printed)
    assert sum(p["s"] for p in printed) == minute["v"]  # every share of the minute's volume printed


def test_latest_trade_snapshot_and_bars_pre_market_are_pre_market(nyse: ExchangeServer, clock: Clock,
                                                                  contract: Contract) -> None:
    clock.set(ny(8, 30, 0.5))
    snapshot = get(nyse, "/v2/stocks/AAPL/snapshot")
    contract.check("data", "Snapshot", {k: v for k, v in snapshot.items() if k != "symbol"})
    trade = snapshot["latestTrade"]
    assert ny(8, 29) <= stamp(trade) < ny(8, 30, 0.5)  # a pre-market trade
    assert trade == get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]  # the latest-trade route's
    assert snapshot["latestQuote"]["bp"] < trade["p"] < snapshot["latestQuote"]["ap"]  # inside the quote now
    assert stamp(snapshot["minuteBar"]) == ny(8, 29)
    latest_bar = get(nyse, "/v2/stocks/AAPL/bars/latest")["bar"]
    assert stamp(latest_bar) == ny(8, 29, 59)  # the last completed 1-second bar
    # today's session has no regular bar yet: the latest daily bar is Monday's, the one before Friday's
    days = bars(nyse, "1Day", ny(0, 0, day=1) - timedelta(days=5), ny(8, 30))
    assert [stamp(d).date().isoformat() for d in days[-2:]] == ["2026-11-27", "2026-11-30"]
    assert (snapshot["dailyBar"], snapshot["prevDailyBar"]) == (days[-1], days[-2])


def test_the_daily_bar_is_the_regular_session_and_extended_hours_trade_thinly(nyse: ExchangeServer,
                                                                             clock: Clock) -> None:
    clock.set(ny(10, 0, 0.5))
    minutes = bars(nyse, "1Min", ny(4, 0), ny(10, 0))
    pre = [m for m in minutes if stamp(m) < ny(9, 30)]
    regular = [m for m in minutes if stamp(m) >= ny(9, 30)]
    assert stamp(minutes[0]) == ny(4, 0) and len(pre) == 330 and len(regular) == 30
    assert sum(m["v"] for m in pre) / len(pre) < 0.25 * sum(m["v"] for m in regular) / len(regular)
    (daily,) = bars(nyse, "1Day", ny(0, 0), ny(10, 0))
    assert (daily["o"], daily["c"]) == (regular[0]["o"], regular[-1]["c"])
    assert (daily["h"], daily["l"]) == (max(m["h"] for m in regular), min(m["l"] for m in regular))
    assert (daily["v"], daily["n"]) == (sum(m["v"] for m in regular), sum(m["n"] for m in regular))
    assert not trades(nyse, ny(0, 0), ny(3, 59, 59.999999))  # before 04:00 nothing printed
    hourly = bars(nyse, "1Hour", ny(4, 0), ny(10, 0))
    assert [stamp(h).astimezone(NEW_YORK).hour for h in hourly] == [4, 5, 6, 7, 8, 9]
    assert hourly[-1]["v"] == sum(m["v"] for m in minutes if stamp(m) >= ny(9, 0))

    clock.set(ny(17, 0, 0.5))  # after hours: the daily bar still ends at the 16:00 close
    snapshot = get(nyse, "/v2/stocks/AAPL/snapshot")
    (close_minute,) = bars(nyse, "1Min", ny(15, 59), ny(15, 59))
    assert snapshot["dailyBar"]["c"] == close_minute["c"]
    assert snapshot["dailyBar"] == bars(nyse, "1Day", ny(0, 0), ny(17, 0))[0]
    assert ny(16, 59) <= stamp(snapshot["latestTrade"]) < ny(17, 0, 0.5)
    assert stamp(snapshot["minuteBar"]) == ny(16, 59)


def test_overnight_nothing_trades_and_latest_is_the_last_after_hours_print(nyse: ExchangeServer,
                                                                          clock: Clock) -> None:
    clock.set(ny(2, 0, day=2))
    assert not trades(nyse, ny(20, 0), ny(2, 0, day=2))
    assert not bars(nyse, "1Min", ny(20, 0), ny(2, 0, day=2))
    last_print = trades(nyse, ny(19, 59), ny(20, 0))[-1]
    snapshot = get(nyse, "/v2/stocks/AAPL/snapshot")
    assert ny(19, 59) <= stamp(last_print) < ny(20, 0)
    assert snapshot["latestTrade"] == get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]
    assert stamp(snapshot["minuteBar"]) == ny(19, 59)
    assert ny(19, 59) <= stamp(get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]) < ny(20, 0)
    assert stamp(snapshot["dailyBar"]).date().isoformat() == "2026-12-01"


def test_the_stream_carries_pre_market_bars_and_trades(nyse: ExchangeServer, clock: Clock) -> None:
    with connect(nyse.data_stream_url) as ws:
        assert json.loads(ws.recv()) == [{"T": "success", "msg": "connected"}]
        ws.send(json.dumps({"action": "auth", "key": PAPER.key, "secret": PAPER.secret}))
        assert json.loads(ws.recv())[0]["msg"] == "authenticated"
        ws.send(json.dumps({"action": "subscribe", "bars": ["AAPL"], "trades": ["AAPL"]}))
        assert json.loads(ws.recv())[0]["T"] == "subscription"
        received: list[dict] = []
        for step in range(1, 11):  # the feed starts from the clock it first reads; each step completes a bar
            clock.set(ny(8, 0, 10.4 + step))
            try:
                while not ({"b", "t"} <= {m["T"] for m in received}):
                    received.extend(json.loads(ws.recv(timeout=2)))
                break
            except TimeoutError:
                continue
    end = clock.ms
    streamed_bar = next(m for m in received if m["T"] == "b")
    (rest,) = bars(nyse, "1Sec", stamp(streamed_bar), stamp(streamed_bar))
    assert {k: streamed_bar[k] for k in ("o", "h", "l", "c", "v")} == {k: rest[k] for k in ("o", "h", "l", "c", "v")}
    streamed_trade = next(m for m in received if m["T"] == "t")
    assert ny(8, 0, 10.4) < stamp(streamed_trade) and stamp(streamed_trade).timestamp() * 1000 <= end
    printed = trades(nyse, ny(8, 0, 10), ny(8, 0, 30))
    assert (streamed_trade["i"], streamed_trade["p"], streamed_trade["s"]) in \
           [(p["i"], p["p"], p["s"]) for p in printed]


def test_regular_session_data_is_what_an_around_the_clock_exchange_serves(nyse: ExchangeServer,
                                                                          clock: Clock) -> None:
    clock.set(ny(11, 0, 0.5))
    with ExchangeServer(config("always"), clock=clock) as always:
        for timeframe, start, end in (("1Min", ny(9, 30), ny(10, 59)), ("1Sec", ny(10, 15), ny(10, 16)),
                                      ("15Min", ny(9, 30), ny(10, 59))):
            assert bars(nyse, timeframe, start, end) == bars(always, timeframe, start, end)
        assert trades(nyse, ny(10, 0), ny(10, 0, 30)) == trades(always, ny(10, 0), ny(10, 0, 30))
        for path in ("/v2/stocks/AAPL/trades/latest", "/v2/stocks/AAPL/bars/latest"):
            assert get(nyse, path) == get(always, path)
        ours, theirs = (get(s, "/v2/stocks/AAPL/snapshot") for s in (nyse, always))
        assert {k: ours[k] for k in ("latestTrade", "latestQuote", "minuteBar")} == \
               {k: theirs[k] for k in ("latestTrade", "latestQuote", "minuteBar")}


def test_a_resting_pre_market_limit_fills_in_thin_parts_where_the_bars_trade_through_it(clock: Clock) -> None:
    clock.set(ny(7, 0, 0.5))
    realistic = ExchangeConfig(symbols=CONFIG.symbols, accounts=(PAPER,), seed=11, bar_seconds=1, hours="nyse",
                               anchor=ANCHOR, tick_seconds=0.01, fills="realistic", fill_latency_ms=0,
                               volume_share=0.5)
    with ExchangeServer(realistic, clock=clock) as server:
        price = Decimal(str(get(server, "/v2/stocks/AAPL/trades/latest")["trade"]["p"]))
        limit = price - Decimal("0.01")
        order = requests.post(f"{server.url}/v2/orders", headers=HEADERS, timeout=10, json={
            "symbol": "AAPL", "qty": "20", "side": "buy", "type": "limit", "time_in_force": "day",
            "limit_price": str(limit), "extended_hours": True}).json()
        assert order["status"] == "new", order
        resting = server.exchange.venue.accounts[PAPER.name].orders[order["id"]]
        for second in range(1, 60):  # through the minute 07:00, a second at a time
            clock.set(ny(7, 0, second + 0.5))
            wait_for(lambda: resting.checked_ms >= clock.ms or not resting.is_open, what="a matching pass")
            if not resting.is_open:
                break
        clock.set(ny(7, 1, 5))
        done = get(server, f"/v2/orders/{order['id']}")
        assert Decimal(done["filled_qty"]) > 0, "the path never went through the limit in a minute"
        fills = get(server, "/v2/account/activities/FILL")
        assert len(fills) >= 2 and sum(Decimal(f["qty"]) for f in fills) == Decimal(done["filled_qty"])
        (minute,) = bars(server, "1Min", ny(7, 0), ny(7, 0))
        assert minute["l"] < float(limit) <= minute["h"]  # trades went through it, inside that minute's bar
        assert all(minute["l"] <= float(f["price"]) <= float(limit) for f in fills)
        assert all(ny(7, 0) <= stamp({"t": f["transaction_time"]}) < ny(7, 1) for f in fills)
        assert Decimal(done["filled_qty"]) <= Decimal(str(minute["v"]))  # it took no more than the bars traded


def test_overnight_positions_stand_at_the_last_after_hours_print_while_the_path_moves(nyse: ExchangeServer,
                                                                                      clock: Clock) -> None:
    clock.set(ny(10, 0, 0.5))
    order = requests.post(f"{nyse.url}/v2/orders", headers=HEADERS, timeout=10, json={
        "symbol": "AAPL", "qty": "10", "side": "buy", "type": "market", "time_in_force": "day"}).json()
    assert order["status"] == "filled", order
    market = nyse.exchange.market
    seen: list[tuple[str, str, str]] = []
    for moment in (ny(2, 0, day=2), ny(2, 10, day=2)):  # overnight: nothing can trade
        clock.set(moment)
        latest = get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]
        assert ny(19, 59) <= stamp(latest) < ny(20, 0)  # the price at the end of after hours
        (position,) = get(nyse, "/v2/positions")
        assert Decimal(position["current_price"]) == Decimal(str(latest["p"]))
        assert Decimal(position["market_value"]) == 10 * Decimal(str(latest["p"]))
        equity = get(nyse, "/v2/account")["equity"]
        history = get(nyse, "/v2/account/portfolio/history", period="1D", timeframe="1Min", extended_hours="true")
        assert Decimal(str(history["equity"][-1])) == Decimal(equity)  # to the cent
        seen.append((position["current_price"], equity, latest["p"]))
    assert seen[0] == seen[1]
    path = [market.price_at("AAPL", int(ny(2, m, day=2).timestamp() * 1000)) for m in (0, 10)]
    assert path[0] != path[1]  # while the synthetic path underneath moved

    nyse.exchange.pin_price("AAPL", "123.45")  # a test's pin still moves the mark overnight
    (position,) = get(nyse, "/v2/positions")
    assert position["current_price"] == "123.45"
    assert Decimal(get(nyse, "/v2/account")["equity"]) == Decimal(seen[0][1]) + 10 * (
        Decimal("123.45") - Decimal(seen[0][0]))


def test_christmas_eve_after_hours_end_at_17_00_with_the_13_00_close(nyse: ExchangeServer, clock: Clock) -> None:
    eve = 24  # 2026-12-24, a Thursday: an early close
    clock.set(ny(16, 30, 0.5, day=eve))
    (v3,) = get(nyse, "/v3/clock")["clocks"]
    assert (v3["phase"], datetime.fromisoformat(v3["phase_until"])) == ("post", ny(17, 0, day=eve))
    (day,) = get(nyse, "/v3/calendar/NYSE", start="2026-12-24", end="2026-12-24")["calendar"]
    assert (day["core_end"], day["post_start"], day["post_end"]) == (
        "2026-12-24T13:00:00-05:00", "2026-12-24T13:00:00-05:00", "2026-12-24T17:00:00-05:00")
    (v2,) = get(nyse, "/v2/calendar", start="2026-12-24", end="2026-12-24")
    assert (v2["close"], v2["session_open"], v2["session_close"]) == ("13:00", "0400", "1700")
    price = Decimal(str(get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]["p"]))
    limit = str((price * Decimal("1.01")).quantize(Decimal("0.01")))
    body = {"symbol": "AAPL", "qty": "1", "side": "buy", "type": "limit", "time_in_force": "day",
            "limit_price": limit, "extended_hours": True}
    filled = requests.post(f"{nyse.url}/v2/orders", headers=HEADERS, timeout=10, json=body).json()
    assert filled["status"] == "filled", filled  # after hours still trade at 16:30

    clock.set(ny(17, 30, day=eve))
    (v3,) = get(nyse, "/v3/clock")["clocks"]
    assert (v3["phase"], datetime.fromisoformat(v3["phase_until"])) == ("closed", ny(4, 0, day=28))  # Monday
    waiting = requests.post(f"{nyse.url}/v2/orders", headers=HEADERS, timeout=10, json=body).json()
    assert waiting["status"] == "accepted", waiting  # taken, not traded: after hours have ended
    assert get(nyse, f"/v2/orders/{waiting['id']}")["filled_qty"] == "0"
    assert trades(nyse, ny(16, 59, day=eve), ny(17, 0, day=eve))
    assert not trades(nyse, ny(17, 0, day=eve), ny(17, 30, day=eve))
    assert not bars(nyse, "1Min", ny(17, 0, day=eve), ny(17, 30, day=eve))
    assert stamp(bars(nyse, "1Min", ny(16, 0, day=eve), ny(17, 30, day=eve))[-1]) == ny(16, 59, day=eve)
    latest = get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]
    assert ny(16, 59, day=eve) <= stamp(latest) < ny(17, 0, day=eve)
    (position,) = get(nyse, "/v2/positions")
    assert Decimal(position["current_price"]) == Decimal(str(latest["p"]))


def test_the_latest_trade_is_one_trade_whichever_route_asks_and_however_often(nyse: ExchangeServer,
                                                                                clock: Clock) -> None:
    clock.set(ny(10, 0, 0.5))
    latest = get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]
    assert [get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"] for _ in range(3)] == [latest] * 3
    assert get(nyse, "/v2/stocks/trades/latest", symbols="AAPL,MSFT")["trades"]["AAPL"] == latest
    assert get(nyse, "/v2/stocks/AAPL/snapshot")["latestTrade"] == latest
    assert get(nyse, "/v2/stocks/snapshots", symbols="AAPL,MSFT")["AAPL"]["latestTrade"] == latest

    market, now = nyse.exchange.market, clock.ms
    moved = next(ms for ms in range(now, now + 60_000) if market.price_at("AAPL", ms) != latest["p"])
    clock.ms = moved - 1  # time passes, the price has not moved: the same trade
    assert get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"] == latest
    clock.ms = moved  # the price moves: a new trade, stamped when it moved, at the price orders meet now
    after = get(nyse, "/v2/stocks/AAPL/snapshot")["latestTrade"]
    assert after == get(nyse, "/v2/stocks/AAPL/trades/latest")["trade"]
    assert stamp(after) == datetime.fromtimestamp(moved / 1000, NEW_YORK)
    assert after["p"] == market.price_at("AAPL", moved)
    assert after["i"] != latest["i"]


def test_a_pairs_latest_trade_is_its_snapshots_and_the_tapes_last_print(clock: Clock) -> None:
    clock.set(ny(10, 0, 0.5))
    pairs = ExchangeConfig(symbols=(*CONFIG.symbols, SymbolConfig.crypto("BTC/USD", 60_000.0)), accounts=(PAPER,),
                           seed=11, bar_seconds=1, hours="nyse", anchor=ANCHOR, tick_seconds=0.01)
    with ExchangeServer(pairs, clock=clock) as server:
        base = "/v1beta3/crypto/us"
        latest = get(server, f"{base}/latest/trades", symbols="BTC/USD")["trades"]["BTC/USD"]
        assert get(server, f"{base}/latest/trades", symbols="BTC/USD")["trades"]["BTC/USD"] == latest
        assert get(server, f"{base}/snapshots", symbols="BTC/USD")["snapshots"]["BTC/USD"]["latestTrade"] == latest
        printed = get(server, f"{base}/trades", symbols="BTC/USD", start=ny(10, 0).isoformat(),
                      end=ny(10, 0, 0.5).isoformat(), limit=10_000)["trades"]["BTC/USD"]
        assert printed[-1] == latest
