"""The synthetic market behaves like one: symbols move together, history stays near its trend, volume has
the intraday U — all reproducible under the seed."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np

from app.exchange.config import SymbolConfig
from app.exchange.market import Market

ANCHOR = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)
DAY = 86_400_000
SYMBOLS = (SymbolConfig("AAPL", 190.0, volatility=0.3), SymbolConfig("SPY", 520.0, volatility=0.18))


def daily(seed: int) -> Market:
    return Market(SYMBOLS, seed, DAY, ANCHOR, correlation=0.6)


def test_daily_returns_of_two_symbols_correlate_as_configured() -> None:
    k1 = ANCHOR // DAY
    a, s = (daily(7).bars(symbol, k1 - 3650, k1) for symbol in ("AAPL", "SPY"))
    correlation = np.corrcoef(np.diff(np.log(a.c)), np.diff(np.log(s.c)))[0, 1]
    assert 0.5 < correlation < 0.7
    independent = Market(SYMBOLS, 7, DAY, ANCHOR, correlation=0.0)
    a0, s0 = (independent.bars(symbol, k1 - 3650, k1) for symbol in ("AAPL", "SPY"))
    assert abs(np.corrcoef(np.diff(np.log(a0.c)), np.diff(np.log(s0.c)))[0, 1]) < 0.1


def test_history_decades_back_stays_within_a_factor_of_its_trend_and_today_is_the_configured_price() -> None:
    k1 = ANCHOR // DAY
    years = 30
    for seed in range(6):
        spy = daily(seed).bars("SPY", k1 - int(365.25 * years), k1 + 1)
        trend = 520.0 * np.exp((0.07 - 0.18**2 / 2) * (spy.k - k1) / 365.25)  # the median path of 7 % a year
        ratio = spy.o / trend
        assert 1 / 2.5 < ratio.min() and ratio.max() < 2.5, (seed, ratio.min(), ratio.max())
        assert math.isclose(float(spy.o[-1]), 520.0, rel_tol=1e-9)


def test_minute_volume_follows_the_intraday_u_and_is_thin_outside_the_session() -> None:
    market = Market(SYMBOLS, 7, 60_000, ANCHOR, correlation=0.6)
    open_bar = int(datetime(2026, 12, 1, 14, 30, tzinfo=UTC).timestamp() * 1000) // 60_000  # 09:30 New York
    session = market.bars("AAPL", open_bar, open_bar + 390).v
    first_hour, midday, last_hour = session[:60].mean(), session[165:225].mean(), session[-60:].mean()
    assert first_hour > 1.5 * midday and last_hour > 1.5 * midday
    assert market.bars("AAPL", open_bar - 300, open_bar - 240).v.mean() < 0.25 * midday  # 04:30 New York
    assert 40_000 < session.mean() < 90_000  # 1,000 shares a second on average, give or take the day


def test_the_same_seed_gives_the_same_market_and_another_seed_another() -> None:
    k1 = ANCHOR // DAY
    first, again, other = (Market(SYMBOLS, seed, DAY, ANCHOR, 0.6).bars("AAPL", k1 - 500, k1) for seed in (3, 3, 4))
    assert np.array_equal(first.c, again.c) and np.array_equal(first.v, again.v)
    assert not np.array_equal(first.c, other.c)


def test_a_crypto_pair_trades_around_the_clock_with_many_prints_a_minute() -> None:
    from app.exchange.trades import Tape

    pair = SymbolConfig.crypto("BTC/USD", 60_000.0)
    market = Market((pair,), 7, 60_000, ANCHOR, correlation=0.6)
    night = int(datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp() * 1000) // 60_000  # 04:00 New York
    day = night + 9 * 60  # 13:00 New York
    quiet, busy = market.bars("BTC/USD", night, night + 60).v.mean(), market.bars("BTC/USD", day, day + 60).v.mean()
    assert 0.6 < quiet / busy < 1.6  # no intraday U for a market that never closes
    assert len(Tape(market, 7).prints("BTC/USD", night, night + 10)) >= 400  # not a print or two a minute
