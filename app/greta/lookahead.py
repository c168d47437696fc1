"""Lookahead check: does any signal depend on bars that came after it? (freqtrade's lookahead-analysis.)

A strategy is run once on all bars. Then, at a budget of truncation points, it is run again on the
history cut just after that bar. A causal strategy places exactly the same orders on that bar either
way; a strategy that peeks (a centred or shifted indicator, a statistic over the whole series) places
different ones, or none. Indicator values at the bar are compared too, so the report names the
indicator that peeks. A peek that changes one trade in thousands shows only at that trade's bar, so
the budget is spent on bars where orders were placed: all of them when they fit, else an even sample
over the run. Quiet bars, where a peek that *suppresses* orders shows, get a quarter of the budget on
top (more when the order bars leave some of it unused).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.greta.engine import Backtest, BacktestConfig
from app.marvin.bars import BarFrame, ns_to_datetime
from app.marvin.gateway import OrderRequest
from app.marvin.market import Market
from app.marvin.strategy import Strategy

Signal = tuple[object, ...]
Progress = Callable[[int, int], None]  # (bars replayed, bars to replay): later cuts cost more
DEFAULT_BUDGET = 300  # order bars re-run at most
QUIET_SHARE = 4  # quiet bars re-run: budget // 4, or what the order bars left of the budget if more


@dataclass(frozen=True)
class LookaheadFinding:
    index: int  # bar step on the run's timeline
    ts: datetime
    full_run: tuple[Signal, ...]  # orders placed on this bar with every bar known
    truncated_run: tuple[Signal, ...]  # ... and with the bars after it removed
    indicators: tuple[str, ...]  # indicators whose value on this bar changed


@dataclass(frozen=True)
class LookaheadReport:
    order_bars: int  # bars (before the last) where the full run placed orders
    order_bars_checked: int
    quiet_bars_checked: int
    budget: int  # order bars allowed (quiet bars come on top, see `plan`)
    findings: tuple[LookaheadFinding, ...]

    @property
    def checked(self) -> int:
        return self.order_bars_checked + self.quiet_bars_checked

    @property
    def biased(self) -> bool:
        return bool(self.findings)

    def coverage(self) -> str:
        return (f"checked {self.order_bars_checked:,} of {_bars(self.order_bars, 'order bar')} "
                f"and {_bars(self.quiet_bars_checked, 'quiet bar')}")

    def summary(self) -> str:
        if not self.findings:
            return f"Lookahead check: {self.coverage()}: no lookahead bias found"
        named = "; ".join(_describe(f) for f in self.findings[:3])
        more = f"; and {len(self.findings) - 3} more" if len(self.findings) > 3 else ""
        return (f"Lookahead check: {self.coverage()}: lookahead bias at {_bars(len(self.findings), 'bar')} "
                f"(they trade or see indicators differently when later bars are removed): {named}{more}")


def _bars(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _describe(finding: LookaheadFinding) -> str:
    what = ["other orders"] if finding.full_run != finding.truncated_run else []
    what += [f"other {', '.join(finding.indicators)}"] if finding.indicators else []
    return f"bar {finding.index:,} ({finding.ts.isoformat()}): {' and '.join(what)}"


def signal_of(request: OrderRequest) -> Signal:
    """What a request asks for, without its sequence number (which shifts if an earlier order changed)."""
    return (request.symbol, request.side, request.type, request.qty, request.notional, request.percent,
            request.limit_price, request.stop_price, request.time_in_force, request.take_profit, request.stop_loss,
            request.close_position)


def _signals_by_step(backtest: Backtest) -> dict[int, tuple[Signal, ...]]:
    out: dict[int, list[Signal]] = {}
    for order in backtest.broker.orders:
        if order.request is not None:
            out.setdefault(order.history[0][1], []).append(signal_of(order.request))
    return {step: tuple(signals) for step, signals in out.items()}


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def plan(order_steps: Sequence[int], quiet_steps: Sequence[int], budget: int) -> tuple[list[int], list[int]]:
    """Up to `budget` order bars and a quarter as many quiet bars (or the budget the order bars left),
    each evenly spread over the run."""
    orders = min(len(order_steps), budget)
    quiet = min(len(quiet_steps), max(budget // QUIET_SHARE, budget - orders))
    return _spread(list(order_steps), orders), _spread(list(quiet_steps), quiet)


def check_lookahead(config: BacktestConfig, data: Market | BarFrame | Sequence[BarFrame] | Mapping[str, BarFrame],
                    *, budget: int = DEFAULT_BUDGET, strategy: type[Strategy] | None = None,
                    progress: Progress | None = None) -> LookaheadReport:
    """Re-run on histories truncated at up to `budget` order bars and some quiet ones (see `plan`) and
    report every bar whose orders or indicator values change. `progress` is called after each re-run."""
    if budget < 1:
        raise ValueError("the lookahead budget must be at least 1 truncation point")
    market = Market.of(data)
    full = Backtest(config, market, strategy=strategy)
    full.run()
    signals = _signals_by_step(full)
    last = len(market) - 1  # a cut after the last bar removes nothing: never worth a re-run
    order_steps = sorted(step for step in signals if step < last)
    quiet_steps = np.setdiff1d(np.arange(last), np.asarray(order_steps, dtype=np.int64)).tolist()
    checked_orders, checked_quiet = plan(order_steps, quiet_steps, budget)
    steps = sorted(checked_orders + checked_quiet)
    total, done = sum(steps) + len(steps), 0
    full_values = full.runner.indicator_values()
    findings = []
    for step in steps:
        cut = Backtest(config, market.head(step + 1), strategy=strategy)
        cut.run()
        changed = []
        for name, (symbol, values) in cut.runner.indicator_values().items():
            row = market.last_row(market.index_of(symbol), step)
            if row >= 0 and not _same(float(values[row]), float(full_values[name][1][row])):
                changed.append(name)
        truncated = _signals_by_step(cut).get(step, ())
        if truncated != signals.get(step, ()) or changed:
            findings.append(LookaheadFinding(step, ns_to_datetime(int(market.timeline[step])), signals.get(step, ()),
                                             truncated, tuple(changed)))
        done += step + 1
        if progress is not None:
            progress(done, total)
    return LookaheadReport(len(order_steps), len(checked_orders), len(checked_quiet), budget, tuple(findings))


def _spread(items: list, count: int) -> list:
    """`count` of `items` (at most all), evenly spread, first and last included: late bars count as much as early."""
    if len(items) <= count:
        return items
    if count <= 0:
        return []
    picks = np.unique(np.linspace(0, len(items) - 1, count).round().astype(int))
    return [items[i] for i in picks]
