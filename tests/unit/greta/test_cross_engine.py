"""Greta against an established engine: the same SMA crossover in backtesting.py, trade by trade.

Both engines fill market orders at the next bar's open, size "all in" from the equity at the fill,
in whole shares, and use strict crossovers. backtesting.py cannot buy with a fraction of exactly 1,
so both buy 99.99 % of equity. The reference's averages are computed in exact decimal arithmetic:
float sums can split a true tie (fast = slow on two-decimal prices) into a phantom cross, which is
why Greta settles its averages to 12 significant digits. Any difference in entry/exit bar, size or
price is a defect in one of them; P&L may differ only by backtesting.py's float rounding.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from backtesting import Backtest as ReferenceBacktest
from backtesting import Strategy as ReferenceStrategy
from backtesting.lib import crossover

from app.greta import BacktestConfig, run_backtest
from app.greta.data import synthetic_bars

FRACTION = 0.9999


def _exact_sma(values: np.ndarray, n: int) -> np.ndarray:
    """The reference's SMA in exact decimal arithmetic, so a true tie (fast = slow) is a tie, not a cross."""
    prices = [Decimal(str(v)) for v in values]
    out = np.full(len(prices), np.nan)
    for end in range(n, len(prices) + 1):
        out[end - 1] = float(sum(prices[end - n:end]) / n)
    return out


class ReferenceSmaCross(ReferenceStrategy):
    fast = 10
    slow = 20
    allow_short = False

    def init(self) -> None:
        self.fast_sma = self.I(_exact_sma, self.data.Close, self.fast)
        self.slow_sma = self.I(_exact_sma, self.data.Close, self.slow)

    def next(self) -> None:
        # Greta's sma_cross, line for line: a cross in the held direction changes nothing.
        if crossover(self.fast_sma, self.slow_sma):
            if self.position.is_short:
                self.position.close()
            if not self.position.is_long:
                self.buy(size=FRACTION)
        elif crossover(self.slow_sma, self.fast_sma):
            if self.position.is_long:
                self.position.close()
            if self.allow_short and not self.position.is_short:
                self.sell(size=FRACTION)


def _frame(bars) -> pd.DataFrame:
    index = pd.to_datetime(bars.ts, utc=True).tz_localize(None)
    return pd.DataFrame({"Open": bars.open, "High": bars.high, "Low": bars.low, "Close": bars.close,
                         "Volume": bars.volume}, index=index)


def _reference_trades(bars, fast: int, slow: int, allow_short: bool) -> pd.DataFrame:
    engine = ReferenceBacktest(_frame(bars), ReferenceSmaCross, cash=100_000, commission=0.0,
                               trade_on_close=False, exclusive_orders=False, finalize_trades=False)
    stats = engine.run(fast=fast, slow=slow, allow_short=allow_short)
    return stats["_trades"].sort_values(["EntryBar", "ExitBar"]).reset_index(drop=True)


@pytest.mark.filterwarnings("ignore:Some trades remain open:UserWarning")  # the last, open trade is not compared
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning",
                            "ignore::pandas.errors.Pandas4Warning")  # backtesting.py's own use of pandas
@pytest.mark.parametrize(("seed", "fast", "slow", "allow_short"), [
    (3, 10, 20, False),
    (8, 5, 30, False),
    (21, 10, 20, True),
])
def test_sma_crossover_matches_backtesting_py_trade_by_trade(seed, fast, slow, allow_short):
    bars = synthetic_bars("AAA", 2500, seed=seed, volatility=0.35)
    config = BacktestConfig("sma_cross", {"fast": fast, "slow": slow, "percent": FRACTION * 100,
                                          "allow_short": allow_short},
                            cash=Decimal("100000"), allow_short=allow_short)
    ours = run_backtest(config, bars)
    reference = _reference_trades(bars, fast, slow, allow_short)

    bar_of = {ts: i for i, ts in enumerate(pd.to_datetime(bars.ts, utc=True))}
    assert len(ours.trades) == len(reference) > 20
    for trade, (_, expected) in zip(ours.trades, reference.iterrows(), strict=True):
        assert bar_of[pd.Timestamp(trade.entry_ts)] == expected.EntryBar
        assert bar_of[pd.Timestamp(trade.exit_ts)] == expected.ExitBar
        signed = trade.qty if trade.direction == "long" else -trade.qty
        assert signed == expected.Size
        assert trade.entry_price == Decimal(str(expected.EntryPrice)).quantize(trade.entry_price)
        assert trade.exit_price == Decimal(str(expected.ExitPrice)).quantize(trade.exit_price)
        assert abs(trade.pnl - Decimal(str(expected.PnL))) < Decimal("0.000001")
