"""A walk-forward's honest result: its out-of-sample (OOS) folds' equity curves chained into one.

Every OOS run starts flat at the same starting cash and ends flat (close_at_end), so fold k's curve is
a growth path of its own. Chaining compounds them: the stitched curve runs fold 1's path from the
starting cash, fold 2's from where fold 1 ended, and so on, as one account trading the chosen
parameters fold after fold would. Trade P&L is scaled by the same factor; trade returns are unchanged.
Walk-forward efficiency compares annualised returns: out of sample over in sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.greta.metrics import Metrics, annualised_shortfall, compute_metrics
from app.greta.records import EquityCurve


@dataclass(frozen=True)
class FoldCurve:
    """One OOS run: its curve (epoch ns, dollars), its benchmark, and its closed trades' P&L and returns."""

    ts: np.ndarray
    equity: np.ndarray
    benchmark: np.ndarray
    start: float  # the run's starting cash
    trade_pnl: np.ndarray
    trade_pct: np.ndarray
    exposure_pct: float | None  # the run's own, when the curve is a whole run's
    fees: float | None = None  # its closed trades' fees (entry and exit), in its own dollars
    exposed: np.ndarray | None = None  # per point, a position open at the close: for a part of a run


@dataclass(frozen=True)
class Stitched:
    ts: np.ndarray
    equity: np.ndarray
    benchmark: np.ndarray
    fold: np.ndarray  # which fold (its position in the input) each point came from
    metrics: Metrics


def stitch(curves: Sequence[FoldCurve], cash: float, bars_per_year: float) -> Stitched:
    """Chain the folds (in time order, test windows never overlap) from `cash`, and measure the chain."""
    if not curves:
        raise ValueError("no out-of-sample fold to stitch")
    ts, equity, benchmark, fold, pnl, pct = [], [], [], [], [], []
    growth = bench_growth = cash
    exposure, weight, fees = 0.0, 0, 0.0
    for k, curve in enumerate(curves):
        scale = growth / curve.start
        part = curve.equity * scale
        bench = curve.benchmark * (bench_growth / curve.benchmark[0] if curve.benchmark[0] else 0.0)
        ts.append(curve.ts)
        equity.append(part)
        benchmark.append(bench)
        fold.append(np.full(len(curve.ts), k, dtype=np.int64))
        pnl.append(curve.trade_pnl * scale)
        pct.append(curve.trade_pct)
        growth, bench_growth = float(part[-1]), float(bench[-1])
        share = curve.exposure_pct
        if share is None and curve.exposed is not None and len(curve.exposed):
            share = float(curve.exposed.mean()) * 100.0
        if share is not None:
            exposure += share * len(curve.ts)
            weight += len(curve.ts)
        fees = fees + curve.fees * scale if fees is not None and curve.fees is not None else None
    out_ts, out_equity, out_bench = np.concatenate(ts), np.concatenate(equity), np.concatenate(benchmark)
    e4 = np.rint(out_equity * 10_000).astype(np.int64)
    curve = EquityCurve(out_ts, e4, e4, np.rint(out_bench * 10_000).astype(np.int64))
    metrics = compute_metrics(curve, np.concatenate(pnl), np.concatenate(pct), cash, bars_per_year,
                              np.zeros(len(out_ts), dtype=bool))
    metrics["exposure_pct"] = exposure / weight if weight else None  # each fold's, weighted by its bars
    # Scaled as the fold's P&L is: the chained account's dollars, to the cent as every fee is (trial 32 read
    # 27910.59832087213).
    metrics["fees_total"] = None if fees is None else round(fees, 2)
    metrics["bars_per_year"] = bars_per_year
    return Stitched(out_ts, out_equity, out_bench, np.concatenate(fold), metrics)


def annualised_pct(total_return_pct: float | None, bars: float | None, bars_per_year: float | None) -> float | None:
    """A return over `bars` bars as a yearly rate (%), compounded as CAGR is: (1 + r)^(year / (bars - 1)) - 1.
    None when CAGR itself is withheld (fewer than 30 returns covering a month of the year): 21 bars raised
    to a year's power say nothing (a 2 % fortnight is a 30 % year)."""
    if total_return_pct is None or not bars or bars < 2 or not bars_per_year:
        return None
    if annualised_shortfall(int(bars), float(bars_per_year)) is not None:
        return None
    growth = 1.0 + total_return_pct / 100.0
    if growth <= 0:
        return -100.0
    try:
        return (growth ** (bars_per_year / (bars - 1)) - 1.0) * 100.0
    except OverflowError:
        return None


# Below this in-sample yearly rate (percentage points) the ratio is not computed: 1 % a year is within what
# one trade's timing or a few trades' costs move, so the ratio would measure that noise, and it grows
# without bound as the rate nears zero (a trial read a fold's efficiency as -1,142.35). From 1 % up, the
# ratio is at most the OOS rate's own size in percent (an OOS rate of -20 % a year: at worst -20).
NEAR_ZERO_PCT = 1.0
# Why a fold's own efficiency is withheld for an in-sample loss (the overall mean still counts the fold).
IN_SAMPLE_LOSS = "the in-sample annualised return is not positive: the ratio means nothing"


def efficiency(oos_annualised: float | None, is_annualised: float | None) -> tuple[float | None, str | None]:
    """Walk-forward efficiency = annualised OOS return / annualised IS return, with why it is undefined."""
    if oos_annualised is None:
        return None, "the out-of-sample window is too short to annualise (fewer than 30 returns or a month)"
    if is_annualised is None:
        return None, "the in-sample window is too short to annualise (fewer than 30 returns or a month)"
    if not math.isfinite(is_annualised):
        return None, "the in-sample annualised return is not a number: the ratio means nothing"
    if abs(is_annualised) < NEAR_ZERO_PCT:
        return None, (f"the in-sample annualised return is too close to zero to compare "
                      f"(under {NEAR_ZERO_PCT:g} % a year)")
    if is_annualised < 0:
        return None, IN_SAMPLE_LOSS
    return oos_annualised / is_annualised, None
