"""The equity curve, derived after the run from the fills (vectorised), never accumulated per bar.

Cash and positions change only at fills, so each is a step function of the bar index: counting the
fills at or before each bar (bincount + cumsum) picks the cash and each position at every bar.
Equity = cash + Σ qty × mark, where the mark is the symbol's close at that bar (its last close when
it has none), exactly as the data printed it. Each position's value is rounded once, to $0.0001
(`money.mark_e4`, the same float operations the broker's live `equity()` does), and the sum is kept
in integers of $0.0001.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

import numpy as np

from app.greta.broker import FillRow
from app.greta.records import EquityCurve
from app.marvin.market import Market


def _last_change(change_steps: np.ndarray, length: int) -> np.ndarray:
    """For each bar, the index of the last change at or before it (-1 before the first)."""
    return np.cumsum(np.bincount(change_steps, minlength=length)[:length]) - 1


def equity_curve(market: Market, fills: Sequence[FillRow], cash_after: Sequence[int], initial_cents: int,
                 scale: int) -> tuple[EquityCurve, np.ndarray]:
    """The curve, and a bool per bar: was any position open at that bar's close (for exposure).
    `fills` are the broker's rows in time order (integer units), `cash_after` the cash in cents after
    each, `scale` the run's quantity units per share (1, or 10**9 for fractional shares)."""
    length, count = len(market.timeline), len(fills)
    steps = np.fromiter(map(itemgetter(6), fills), dtype=np.int64, count=count)  # only the fields needed
    symbols = np.fromiter(map(itemgetter(1), fills), dtype=np.int64, count=count)
    buys = np.array(list(map(itemgetter(2), fills)), dtype=object) == "buy"
    quantities = list(map(itemgetter(3), fills))
    try:
        signed = np.where(buys, 1, -1) * np.array(quantities, dtype=np.int64)
    except OverflowError:  # fractional quantities past int64 (9.2 billion shares): exact Python ints
        signed = np.where(buys, 1, -1).astype(object) * np.array(quantities, dtype=object)
    cash_cents = np.empty(count + 1, dtype=np.int64)
    cash_cents[0], cash_cents[1:] = initial_cents, cash_after
    changes = _last_change(steps, length) + 1
    cash = cash_cents[changes] * 100
    equity = cash.copy()
    exposed = np.zeros(length, dtype=bool)
    for k in range(len(market.symbols)):
        mine = symbols == k
        if not mine.any():
            continue
        marks = np.nan_to_num(market.closes_on_timeline(k))
        every = mine.all()  # one symbol traded: its changes are the fills' (no second bincount)
        held = np.concatenate(([0], np.cumsum(signed if every else signed[mine])))[
            changes if every else _last_change(steps[mine], length) + 1]
        exposed |= held != 0
        equity = equity + np.rint(held.astype(np.float64) * marks * 1e4 / scale).astype(np.int64)
    curve = EquityCurve(market.timeline, equity.astype(np.int64), cash, benchmark_e4(market, initial_cents))
    return curve, exposed


def benchmark_e4(market: Market, initial_cents: int) -> np.ndarray:
    """Equal-weight buy and hold: each symbol gets cash/n at its first close and is held (fractional,
    free of costs, the usual idealised benchmark). Float maths, rounded to $0.0001."""
    share = initial_cents / 100 / len(market.symbols)
    total = np.zeros(len(market.timeline))
    for k, frame in enumerate(market.frames):
        if len(frame) == 0:
            total += share
            continue
        closes = market.closes_on_timeline(k)
        total += np.where(np.isnan(closes), share, share * closes / frame.close[0])
    return np.rint(total * 10_000).astype(np.int64)
