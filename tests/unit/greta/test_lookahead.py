"""The lookahead check flags strategies that peek, even on a few bars in thousands, and passes the built-ins."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from click.testing import CliRunner

from app.cli.backtest import backtest
from app.greta import BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.lookahead import DEFAULT_BUDGET, LookaheadReport, check_lookahead, plan
from app.marvin import Strategy
from app.marvin.registry import list_strategies
from app.marvin.strategies.sma_cross import SmaCross


def next_close(close: np.ndarray) -> np.ndarray:
    """Tomorrow's close, today: the classic shift(-1) mistake."""
    return np.append(close[1:], np.nan)


class Peeker(Strategy):
    name = "peeker"

    def init(self):
        self.today = self.data.close
        self.tomorrow = self.I(next_close, self.data.close)

    def next(self):
        if self.tomorrow[-1] > self.today[-1] * 1.002 and not self.position:
            self.buy(percent=100)
        elif self.tomorrow[-1] < self.today[-1] * 0.998 and self.position:
            self.close()


def test_lookahead_check_flags_a_strategy_that_reads_the_next_bar():
    bars = synthetic_bars("AAA", 300, seed=2)
    report = check_lookahead(BacktestConfig("peeker", cash=Decimal("10000")), bars, strategy=Peeker, budget=20)
    assert report.biased and report.order_bars > 20
    assert (report.order_bars_checked, report.quiet_bars_checked) == (20, 5)
    traded = [f for f in report.findings if f.full_run]
    assert traded and all(f.truncated_run == () for f in traded)  # cut after the bar, tomorrow is unknown: no order
    assert report.findings[0].indicators == ("next_close",)
    assert "lookahead bias at" in report.summary()


RARE = 150


def tip(close: np.ndarray) -> np.ndarray:
    """0, except on every 150th bar: the next bar's return. A peek on rare bars only."""
    out = np.zeros(len(close))
    rare = np.arange(RARE // 2, len(close) - 1, RARE)
    out[rare] = close[rare + 1] / close[rare] - 1
    return out


class SparsePeeker(SmaCross):
    """An honest SMA crossover that also buys on a tip: a peek that changes one trade in 3,000 bars."""

    name = "sparse_peeker"

    def init(self):
        super().init()
        self.tip = self.I(tip, self.data.close)

    def next(self):
        if self.tip[-1] > 0.01 and not self.position:
            self.buy(percent=self.percent)
        else:
            super().next()


def test_default_budget_flags_a_peek_that_changes_one_trade_in_thousands_of_bars():
    bars = synthetic_bars("AAA", 3000, seed=2)
    report = check_lookahead(BacktestConfig("sparse_peeker", {"fast": 10, "slow": 40}), bars, strategy=SparsePeeker)
    assert report.budget == DEFAULT_BUDGET and report.order_bars_checked == report.order_bars > 50  # all fit
    traded = [f for f in report.findings if f.full_run != f.truncated_run]
    assert len(traded) == 1  # one trade of the run depends on the future
    finding = traded[0]
    assert finding.index % RARE == RARE // 2 and finding.full_run and not finding.truncated_run
    assert finding.indicators == ("tip",)
    assert all(f.index % RARE == RARE // 2 for f in report.findings)  # no false alarm at honest bars
    assert f"bar {finding.index:,} ({finding.ts.isoformat()}): other orders and other tip" in report.summary()


def test_built_in_strategies_show_no_lookahead():
    bars = [synthetic_bars(symbol, 1500, seed=4) for symbol in ("AAA", "BBB", "CCC", "DDD")]
    for cls in list_strategies():
        report = check_lookahead(BacktestConfig(cls.name), bars if cls.multi_symbol else bars[:1])
        assert report.order_bars_checked == min(report.order_bars, DEFAULT_BUDGET) > 0, cls.name
        assert report.checked >= DEFAULT_BUDGET, cls.name
        assert report.findings == (), (cls.name, report.summary())
        assert report.summary().endswith("no lookahead bias found")


def test_budget_goes_to_order_bars_spread_over_the_run_and_a_quarter_as_many_quiet_bars():
    orders, quiet = plan(range(0, 21_300, 10), range(5, 21_300, 10), 300)  # 2,130 order bars
    assert (len(orders), len(quiet)) == (300, 75)
    assert orders[0] == 0 and orders[-1] == 21_290 and quiet[-1] == 21_295  # late bars are covered
    assert max(np.diff(orders)) <= 80 and max(np.diff(quiet)) <= 300  # evenly spread, no gap
    report = LookaheadReport(2130, len(orders), len(quiet), 300, ())
    assert report.summary() == ("Lookahead check: checked 300 of 2,130 order bars and 75 quiet bars: "
                                "no lookahead bias found")
    assert [len(p) for p in plan(range(120), range(120, 5000), 300)] == [120, 180]  # all fit: the rest to quiet bars
    assert [len(p) for p in plan(range(290), range(290, 5000), 300)] == [290, 75]
    assert [len(p) for p in plan(range(1000), range(1000, 1030), 300)] == [300, 30]
    assert [len(p) for p in plan(range(50), range(50, 60), 300)] == [50, 10]  # a short run: every bar once


def test_progress_counts_the_bars_replayed_after_each_truncated_run():
    calls: list[tuple[int, int]] = []
    report = check_lookahead(BacktestConfig("sma_cross", {"fast": 5, "slow": 20}), synthetic_bars("AAA", 300, seed=2),
                             budget=12, progress=lambda done, total: calls.append((done, total)))
    assert report.checked == len(calls) == 15  # 12 order bars, 3 quiet ones
    done = [d for d, _ in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1] and {t for _, t in calls} == {calls[-1][1]}


def falls_ahead(close: np.ndarray) -> np.ndarray:
    """1 where the close 5 bars later is over 2 % lower: a "risk filter" that reads the future."""
    flags = np.zeros(len(close))
    flags[:-5] = close[5:] / close[:-5] - 1 < -0.02
    return flags


class CrashDodger(Strategy):
    """Buys a share every bar except before a fall it can see coming: the peek only keeps it out,
    so on every bar where it did trade, the truncated run trades the same."""

    name = "crash_dodger"

    def init(self):
        self.danger = self.I(falls_ahead, self.data.close)

    def next(self):
        if not self.danger[-1]:
            self.buy(size=1)


def test_lookahead_check_flags_a_peek_that_only_suppresses_orders():
    bars = synthetic_bars("AAA", 300, seed=2)
    report = check_lookahead(BacktestConfig("crash_dodger", cash=Decimal("1000000")), bars, strategy=CrashDodger,
                             budget=20)
    assert report.biased and report.quiet_bars_checked == 5
    # Only where it stayed out does the truncated run (which cannot see the fall) buy.
    assert {f.full_run for f in report.findings} == {()}
    assert all(f.truncated_run and f.indicators == ("falls_ahead",) for f in report.findings)


def test_cli_takes_an_optional_budget_and_reports_coverage():
    args = ["--strategy", "sma_cross", "--synthetic", "AAA:400:3", "--quiet", "--check-lookahead"]
    default = CliRunner().invoke(backtest, args)
    assert default.exit_code == 0, default.output
    assert "Lookahead check: checked" in default.output and "no lookahead bias found" in default.output
    small = CliRunner().invoke(backtest, [*args[:-1], "--check-lookahead=8"])
    assert small.exit_code == 0 and "checked 8 of " in small.output and "and 2 quiet bars" in small.output
    bad = CliRunner().invoke(backtest, [*args[:-1], "--check-lookahead=0"])
    assert bad.exit_code == 2
