"""`close_at_end`: a walk-forward's out-of-sample run ends flat, as backtesting.py's `finalize_trades=True`
closes what is open at the last close. Working orders are cancelled; fees and slippage apply."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from app.greta import BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.marvin import Strategy
from tests.unit.greta.test_cross_engine import FRACTION, ReferenceBacktest, ReferenceSmaCross, _frame


class BuyAndWait(Strategy):
    """Buys 10 shares on its first bar, then places a limit far below the market that never fills."""

    name = "buy_and_wait"

    def next(self) -> None:
        if self.index == 0:
            self.buy(size=10)
        elif self.index == 1:
            self.buy(size=5, limit=1)


def test_a_held_position_is_sold_at_the_last_close_with_fees_and_the_working_order_cancelled():
    bars = synthetic_bars("AAA", 30, seed=5)
    config = BacktestConfig("buy_and_wait", cash=Decimal("10000"), fees="per_share:0.01")
    result = run_backtest(config, bars, strategy=BuyAndWait, close_at_end=True)
    assert result.positions == ()
    statuses = [(o.side, o.status) for o in result.orders]
    assert statuses == [("buy", "filled"), ("buy", "canceled"), ("sell", "filled")]
    last = result.fills[-1]
    assert last.side == "sell" and last.qty == 10 and last.price == Decimal(str(bars.close[-1])).quantize(last.price)
    assert last.fee == Decimal("0.10")
    assert len(result.trades) == 1 and result.trades[0].exit_price == last.price
    assert result.final_equity == result.final_cash  # flat: equity is cash
    assert Decimal(str(result.equity.equity[-1])) == result.final_cash


def test_without_it_the_position_stays_open_and_is_marked():
    bars = synthetic_bars("AAA", 30, seed=5)
    result = run_backtest(BacktestConfig("buy_and_wait", cash=Decimal("10000")), bars, strategy=BuyAndWait)
    assert [p.qty for p in result.positions] == [10] and result.trades == ()


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning",
                            "ignore::pandas.errors.Pandas4Warning")  # backtesting.py's own use of pandas
def test_the_last_trade_matches_backtesting_py_finalize_trades():
    """backtesting.py closes the open trade at the last close; Greta's close_at_end gives the same trades."""
    bars = synthetic_bars("AAA", 700, seed=3, volatility=0.35)
    config = BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": FRACTION * 100},
                            cash=Decimal("100000"))
    ours = run_backtest(config, bars, close_at_end=True)
    engine = ReferenceBacktest(_frame(bars), ReferenceSmaCross, cash=100_000, commission=0.0,
                               trade_on_close=False, exclusive_orders=False, finalize_trades=True)
    stats = engine.run(fast=10, slow=20)
    reference = stats["_trades"].sort_values(["EntryBar", "ExitBar"]).reset_index(drop=True)
    bar_of = {ts: i for i, ts in enumerate(pd.to_datetime(bars.ts, utc=True))}
    assert len(ours.trades) == len(reference) > 5
    assert bar_of[pd.Timestamp(ours.trades[-1].exit_ts)] == reference.ExitBar.iloc[-1] == len(bars) - 1
    for trade, (_, expected) in zip(ours.trades, reference.iterrows(), strict=True):
        assert trade.qty == expected.Size
        assert trade.exit_price == Decimal(str(expected.ExitPrice)).quantize(trade.exit_price)
        assert abs(trade.pnl - Decimal(str(expected.PnL))) < Decimal("0.000001")
    assert abs(float(ours.final_equity) - stats["Equity Final [$]"]) < 0.01
