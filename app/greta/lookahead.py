"""Lookahead check: does any signal depend on bars that came after it? (freqtrade's lookahead-analysis.)

A strategy is run once on all bars. Then, for a sample of the bars where it placed orders and of
the bars where it did not, it is run again on the history cut just after that bar. A causal
strategy places exactly the same orders on that bar either way; a strategy that peeks (a centred
or shifted indicator, a statistic over the whole series) places different ones, or none. Indicator
values at the bar are compared too, so the report can name the indicator that peeks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.greta.engine import Backtest, BacktestConfig
from app.marvin.bars import BarFrame, ns_to_datetime
from app.marvin.gateway import OrderRequest
from app.marvin.market import Market
from app.marvin.strategy import Strategy

Signal = tuple[object, ...]


@dataclass(frozen=True)
class LookaheadFinding:
    index: int  # bar step on the run's timeline
    ts: datetime
    full_run: tuple[Signal, ...]  # orders placed on this bar with every bar known
    truncated_run: tuple[Signal, ...]  # ... and with the bars after it removed
    indicators: tuple[str, ...]  # indicators whose value on this bar changed


@dataclass(frozen=True)
class LookaheadReport:
    signal_bars: int  # bars where the full run placed orders
    checked: int  # bars re-run on a truncated history: some with orders, some without
    findings: tuple[LookaheadFinding, ...]

    @property
    def biased(self) -> bool:
        return bool(self.findings)

    def summary(self) -> str:
        if not self.findings:
            return (f"no lookahead bias found ({self.checked} bars checked on truncated histories; "
                    f"the full run placed orders on {self.signal_bars} bars)")
        first = self.findings[0]
        named = f"; indicators that changed: {', '.join(first.indicators)}" if first.indicators else ""
        return (f"lookahead bias: {len(self.findings)} of {self.checked} checked bars trade differently or see other "
                f"indicator values when later bars are removed (first at {first.ts.isoformat()}{named})")


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


def check_lookahead(config: BacktestConfig, data: Market | BarFrame | Sequence[BarFrame] | Mapping[str, BarFrame],
                    *, max_checks: int = 20, strategy: type[Strategy] | None = None) -> LookaheadReport:
    """Re-run on truncated histories at up to `max_checks` signal bars and as many quiet ones (evenly
    spread), and report every bar whose orders or indicator values change."""
    market = Market.of(data)
    full = Backtest(config, market, strategy=strategy)
    full.run()
    signals = _signals_by_step(full)
    # Bars with orders, and as many quiet bars again: a peek that *suppresses* orders (skip the bar
    # before a crash the strategy can see coming) shows only where the full run stayed out.
    steps = _spread(sorted(signals), max_checks)
    quiet = np.setdiff1d(np.unique(np.linspace(0, len(market) - 1, 4 * max_checks).round().astype(int)),
                         np.fromiter(signals, dtype=int, count=len(signals)))
    steps = sorted({*steps, *(int(q) for q in _spread(list(quiet), max_checks))})
    full_values = full.runner.indicator_values()
    findings = []
    for step in steps:
        cut = Backtest(config, market.head(step + 1), strategy=strategy)
        cut.run()
        changed = []
        for name, (symbol, values) in cut.runner.indicator_values().items():
            k = market.index_of(symbol)
            row = market.last_row(k, step)
            if row >= 0 and not _same(float(values[row]), float(full_values[name][1][row])):
                changed.append(name)
        truncated = _signals_by_step(cut).get(step, ())
        if truncated != signals.get(step, ()) or changed:
            findings.append(LookaheadFinding(step, ns_to_datetime(int(market.timeline[step])), signals.get(step, ()),
                                             truncated, tuple(changed)))
    return LookaheadReport(len(signals), len(steps), tuple(findings))


def _spread(items: list, count: int) -> list:
    """At most `count` of `items`, evenly spread, first and last included."""
    if len(items) <= count:
        return items
    picks = np.unique(np.linspace(0, len(items) - 1, count).round().astype(int))
    return [items[i] for i in picks]
