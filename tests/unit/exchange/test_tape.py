"""The tape's prints and quotes, straight from the price process: consistent with every bar, reproducible
under the seed, a spread that widens with the bar's range, and nothing printed outside NYSE hours."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from app.exchange.config import ExchangeConfig, SymbolConfig
from app.exchange.exchange import Exchange
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.quotes import bid_ask
from app.exchange.tickquery import TickReader
from app.exchange.timefmt import from_datetime
from app.exchange.trades import MAX_PRINTS, Tape

ANCHOR = from_datetime(datetime(2026, 3, 2, 14, 30, tzinfo=UTC))  # a Monday, 09:30 in New York
SYMBOLS = (SymbolConfig("AAPL", 190.0, volume_per_second=400.0), SymbolConfig("SPY", 520.0, volatility=0.9))


def tape(seed: int = 5, bar_seconds: int = 60) -> Tape:
    return Tape(Market(SYMBOLS, seed, bar_seconds * 1000, ANCHOR), seed)


def test_prints_reproduce_each_bars_ohlc_and_volume_inside_its_time_span() -> None:
    t = tape()
    k0 = ANCHOR // 60_000
    bars = t.market.bars("AAPL", k0, k0 + 300)
    prints = t.prints("AAPL", k0, k0 + 300)
    bar_of = prints.t_us // 60_000_000
    for i, k in enumerate(bars.k.tolist()):
        mine = bar_of == k
        price, size = prints.price[mine], prints.size[mine]
        assert len(price) == min(int(bars.n[i]), MAX_PRINTS)
        assert int(size.sum()) == int(bars.v[i]) and size.min() >= 1
        if len(price) >= 4:
            assert (price[0], price.max(), price.min(), price[-1]) == \
                   (bars.o[i], bars.h[i], bars.low[i], bars.c[i])
        assert bars.low[i] <= price.min() and price.max() <= bars.h[i]
    assert np.all(np.diff(prints.t_us) >= 0) and len(set(prints.id.tolist())) == len(prints)


def test_the_tape_is_a_pure_function_of_seed_symbol_and_bar() -> None:
    k0 = ANCHOR // 60_000
    whole = tape().prints("SPY", k0, k0 + 2100)
    pieces = [tape().prints("SPY", a, a + 700) for a in (k0, k0 + 700, k0 + 1400)]
    assert np.array_equal(whole.t_us, np.concatenate([p.t_us for p in pieces]))
    assert np.array_equal(whole.size, np.concatenate([p.size for p in pieces]))
    assert not np.array_equal(whole.t_us, tape(seed=6).prints("SPY", k0, k0 + 2100).t_us)


def test_quotes_straddle_every_print_and_widen_on_volatile_bars() -> None:
    prints = tape().prints("SPY", ANCHOR // 60_000, ANCHOR // 60_000 + 2000)
    bid, ask = bid_ask(prints, 0.0)
    assert np.all(bid < prints.price) and np.all(prints.price < ask)
    spread_bps = (ask - bid) / prints.price * 10_000
    wild, calm = prints.range_ratio > 2, prints.range_ratio < 0.6
    assert spread_bps[wild].mean() > 2 * spread_bps[calm].mean()
    wider_bid, wider_ask = bid_ask(prints, 10.0)  # the venue's half spread, when above the floor, rules
    assert np.all(wider_ask - wider_bid >= ask - bid)


def test_nothing_prints_outside_nyse_extended_hours_and_latest_is_the_last_after_hours_print() -> None:
    t = tape(bar_seconds=60)
    saturday = from_datetime(datetime(2026, 3, 7, 15, 0, tzinfo=UTC))
    reader = TickReader(t, MarketHours("nyse"), saturday, 0.0)
    after_hours_end = from_datetime(datetime(2026, 3, 7, 1, 0, tzinfo=UTC))  # Friday 20:00 New York
    page, token = reader.page(["AAPL"], "trades", after_hours_end - 3_600_000, saturday, 10_000, None, False)
    stamps = [datetime.fromisoformat(p["t"].replace("Z", "+00:00")) for p in page["AAPL"]]
    assert token is None and stamps and max(stamps) >= datetime(2026, 3, 7, 0, 59, tzinfo=UTC)
    assert max(stamps) < datetime(2026, 3, 7, 1, 0, tzinfo=UTC)
    trade, quote = reader.latest("AAPL")
    assert trade == page["AAPL"][-1]
    assert quote["t"] == "2026-03-07T00:59:59.999000Z" and quote["bp"] < quote["ap"]


def test_the_latest_quote_is_the_quote_market_orders_meet() -> None:
    now = ANCHOR + 3 * 86_400_000 + 123_456
    exchange = Exchange(ExchangeConfig(symbols=SYMBOLS, seed=5, anchor=datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
                                       half_spread_bps=2.0), clock=lambda: now)
    reader = TickReader(Tape(exchange.market, 5), exchange.venue.hours, now, exchange.venue.half_spread_bps)
    for symbol in ("AAPL", "SPY"):
        _, quote = reader.latest(symbol)
        bid, ask = exchange.venue.quote(symbol, now)
        assert (Decimal(str(quote["bp"])), Decimal(str(quote["ap"]))) == (bid, ask)
