"""Ratios are annualised by the asset's own year: 24/7 crypto, the US session, or the data's own bars."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from app.clock.timeframes import parse_timeframe
from app.greta import BacktestConfig, run_backtest
from app.greta.annualise import annualisation
from app.marvin.instruments import Instrument
from tests.unit.greta.test_cross_engine_prices import series

HOUR_NS = 3_600 * 10**9


@pytest.mark.parametrize(("asset_class", "timeframe", "expected"), [
    ("crypto", "1Hour", 365 * 24), ("crypto", "1Day", 365), ("crypto", "1Min", 365 * 24 * 60),
    ("us_equity", "1Hour", 252 * 6.5), ("us_equity", "1Day", 252), ("us_equity", "1Min", 252 * 390),
])
def test_crypto_trades_365_days_of_24_hours_and_stocks_the_session(asset_class, timeframe, expected):
    year = annualisation(np.arange(10, dtype=np.int64), parse_timeframe(timeframe), Instrument("X", asset_class))
    assert year.bars_per_year == pytest.approx(expected)


def test_other_data_counts_the_bars_it_holds_per_year_so_24_5_forex_is_right():
    # 24/5: 120 hourly bars a week over two years
    weeks = np.arange(104, dtype=np.int64)[:, None] * 7 * 24 * HOUR_NS
    timeline = (weeks + np.arange(120, dtype=np.int64)[None, :] * HOUR_NS).ravel()
    year = annualisation(timeline, parse_timeframe("1Hour"), Instrument("EURUSD", "other"))
    assert year.bars_per_year == pytest.approx(120 * 365.25 / 7, rel=0.01)
    assert year.basis.startswith("data (6,2")


def test_a_crypto_run_reports_its_sharpe_on_a_24_7_year():
    bars = series("BTCUSD", 43_000.0, 2, 2000, 4, 0.6)
    settings = {"cash": Decimal(100_000), "fractional": True}  # the same fractional buy in both
    crypto = run_backtest(BacktestConfig("buy_and_hold", asset_class="crypto", **settings), bars)
    stock = run_backtest(BacktestConfig("buy_and_hold", asset_class="us_equity", **settings), bars)
    assert crypto.config["annualisation"] == "24/7 (365 × 24 h)"
    assert crypto.metrics["bars_per_year"] == 8760
    # the same returns: Sharpe scales with √(bars a year)
    assert crypto.metrics["sharpe"] / stock.metrics["sharpe"] == pytest.approx(math.sqrt(8760 / 1638), rel=1e-3)
