"""A backtest's year comes from its own inputs (the asset class it asked for, or its symbol), never from an
instrument record another run stored: the same backtest gives the same Sharpe before and after one."""

from __future__ import annotations

from decimal import Decimal

from app.greta import BacktestConfig, run_backtest
from app.greta.annualise import year_instrument
from app.greta.data import synthetic_bars
from app.marvin.instruments import Instrument


def test_a_stored_instrument_does_not_change_a_backtests_year_or_figures():
    bars = synthetic_bars("AAPL", 600, seed=7, volatility=0.3)
    config = BacktestConfig("sma_cross", params={"fast": 5, "slow": 20}, cash=Decimal(10_000))
    alone = run_backtest(config, bars)
    known = run_backtest(config, bars, instruments={"AAPL": Instrument("AAPL", "us_equity")})  # a paper run's record
    assert known.metrics == alone.metrics and known.config["annualisation"] == alone.config["annualisation"]
    assert alone.config["annualisation"].startswith("data (")


def test_the_asset_class_asked_for_wins_then_the_symbols_form():
    assert year_instrument("AAPL", "us_equity").calendar == "session"
    assert year_instrument("BTC/USD", None).calendar == "24/7"
    assert year_instrument("BTC/USD", "other").calendar == "data"
    assert year_instrument("EURUSD", None).calendar == "data"
