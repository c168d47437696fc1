"""Greta against an established engine: the same strategies in backtesting.py, trade by trade
(market orders, bracket stop-loss/take-profit exits, limit and stop entries).

Both engines fill market orders at the next bar's open, size "all in" from the equity at the fill,
in whole shares, and count a cross that passes through an exact tie on the first bar past it
(Greta's rule; backtesting.py's own `lib.crossover` is strict on both bars and misses such a cross,
so the reference strategies call Greta's bar-by-bar `crossed_above`/`crossed_below`).
backtesting.py cannot buy with a fraction of exactly 1, so both buy 99.99 % of equity. The
reference's averages are computed in exact decimal arithmetic: float sums can split a true tie
(fast = slow on two-decimal prices) into a phantom cross, which is why Greta settles its averages
to 12 significant digits. Any difference in entry/exit bar, size or price is a defect in one of
them; P&L may differ only by backtesting.py's float rounding.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from backtesting import Backtest as ReferenceBacktest
from backtesting import Strategy as ReferenceStrategy

from app.greta import BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.marvin import Strategy
from app.marvin.indicators import (  # backtesting.py's lib.crossover misses a cross through an exact tie
    crossed_above,
    crossed_below,
    sma,
)
from app.marvin.indicators import crossover as cross_signal

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
        if crossed_above(self.fast_sma, self.slow_sma):
            if self.position.is_short:
                self.position.close()
            if not self.position.is_long:
                self.buy(size=FRACTION)
        elif crossed_below(self.fast_sma, self.slow_sma):
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


# --- Entry order types: bracket exits, limit and stop entries -------------------------------------

class GretaEntries(Strategy):
    """On an up-cross while flat, enter with `kind`; on a down-cross cancel what waits and go flat."""

    name = "entries"
    kind = "bracket"

    def init(self) -> None:
        self.signal = self.I(cross_signal, self.I(sma, self.data.close, 10), self.I(sma, self.data.close, 20))

    def next(self) -> None:
        signal, close = self.signal[-1], self.data.close[-1]
        if signal > 0 and not self.position and not self.open_orders():
            percent = FRACTION * 100
            if self.kind == "bracket":
                self.buy(percent=percent, stop_loss=round(close * 0.97, 2), take_profit=round(close * 1.05, 2))
            elif self.kind == "limit":
                self.buy(percent=percent, limit=round(close * 0.99, 2))
            else:
                self.buy(percent=percent, stop=round(close * 1.01, 2))
        elif signal < 0:
            self.cancel_all()
            if self.position:
                self.close()


class ReferenceEntries(ReferenceStrategy):
    kind = "bracket"

    def init(self) -> None:
        self.fast_sma = self.I(_exact_sma, self.data.Close, 10)
        self.slow_sma = self.I(_exact_sma, self.data.Close, 20)

    def next(self) -> None:
        close = float(self.data.Close[-1])  # Python's round(), as in Greta's next(), not numpy's
        if crossed_above(self.fast_sma, self.slow_sma) and not self.position and not self.orders:
            if self.kind == "bracket":
                self.buy(size=FRACTION, sl=round(close * 0.97, 2), tp=round(close * 1.05, 2))
            elif self.kind == "limit":
                self.buy(size=FRACTION, limit=round(close * 0.99, 2))
            else:
                self.buy(size=FRACTION, stop=round(close * 1.01, 2))
        elif crossed_below(self.fast_sma, self.slow_sma):
            for order in self.orders:
                order.cancel()
            if self.position:
                self.position.close()


@pytest.mark.filterwarnings("ignore:Some trades remain open:UserWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning",
                            "ignore::pandas.errors.Pandas4Warning")
@pytest.mark.parametrize("kind", ["bracket", "limit", "stop"])
@pytest.mark.parametrize("seed", [2, 11])
def test_bracket_exits_and_limit_and_stop_entries_match_backtesting_py(kind, seed):
    bars = synthetic_bars("AAA", 1500, seed=seed, volatility=0.35)
    strategy = type("Entries", (GretaEntries,), {"kind": kind})
    ours = run_backtest(BacktestConfig("entries", cash=Decimal("100000")), bars, strategy=strategy)
    engine = ReferenceBacktest(_frame(bars), ReferenceEntries, cash=100_000, commission=0.0, trade_on_close=False,
                               exclusive_orders=False, finalize_trades=False)
    reference = engine.run(kind=kind)["_trades"].sort_values("EntryBar").reset_index(drop=True)

    bar_of = {ts: i for i, ts in enumerate(pd.to_datetime(bars.ts, utc=True))}
    assert len(ours.trades) == len(reference) > 10
    for trade, (_, expected) in zip(ours.trades, reference.iterrows(), strict=True):
        assert (bar_of[pd.Timestamp(trade.entry_ts)], bar_of[pd.Timestamp(trade.exit_ts)]) == (
            expected.EntryBar, expected.ExitBar)
        assert trade.qty == expected.Size
        assert trade.entry_price == Decimal(str(expected.EntryPrice)).quantize(trade.entry_price)
        assert trade.exit_price == Decimal(str(expected.ExitPrice)).quantize(trade.exit_price)


class GretaFixedSize(Strategy):
    name = "fixed_size"

    def init(self) -> None:
        self.signal = self.I(cross_signal, self.I(sma, self.data.close, 10), self.I(sma, self.data.close, 20))

    def next(self) -> None:
        if self.signal[-1] > 0 and not self.position:
            self.buy(size=100)
        elif self.signal[-1] < 0 and self.position:
            self.close()


class ReferenceFixedSize(ReferenceStrategy):
    def init(self) -> None:
        self.fast_sma = self.I(_exact_sma, self.data.Close, 10)
        self.slow_sma = self.I(_exact_sma, self.data.Close, 20)

    def next(self) -> None:
        if crossed_above(self.fast_sma, self.slow_sma) and not self.position:
            self.buy(size=100)
        elif crossed_below(self.fast_sma, self.slow_sma) and self.position:
            self.position.close()


@pytest.mark.filterwarnings("ignore:Some trades remain open:UserWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning",
                            "ignore::pandas.errors.Pandas4Warning")
def test_a_percent_commission_costs_what_backtesting_py_charges_rounded_up_to_the_cent_per_fill():
    bars = synthetic_bars("AAA", 1500, seed=4, volatility=0.35)
    ours = run_backtest(BacktestConfig("fixed_size", cash=Decimal("100000"), fees="percent:0.1"), bars,
                        strategy=GretaFixedSize)
    engine = ReferenceBacktest(_frame(bars), ReferenceFixedSize, cash=100_000, commission=0.001,
                               trade_on_close=False, finalize_trades=False)
    reference = engine.run()["_trades"].sort_values("EntryBar").reset_index(drop=True)
    assert len(ours.trades) == len(reference) > 10
    for trade, (_, expected) in zip(ours.trades, reference.iterrows(), strict=True):
        exact_fees = Decimal(str(expected.EntryPrice + expected.ExitPrice)) * 100 * Decimal("0.001")
        # Greta books each fill's fee rounded UP to the cent (app/greta/fees.py): two fills, under 2 cents.
        assert exact_fees <= trade.fees < exact_fees + Decimal("0.02")
        assert Decimal(0) <= Decimal(str(expected.PnL)) - trade.pnl < Decimal("0.02")
