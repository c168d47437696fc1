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
from decimal import Decimal
from operator import itemgetter

import numpy as np

from app.greta.broker import FillRow
from app.greta.records import EquityCurve
from app.marvin.market import Market

# Past 2**53 units of $0.0001 a float no longer holds every $0.0001 (the marking below is float maths), and
# a little further int64 arithmetic wraps silently: a run whose money grows past it fails, saying so.
LARGEST_E4 = 2**53
# The most a run may start with: a tenth of that, so the account has room to grow tenfold before it fails.
DEFAULT_CASH = Decimal("100000")
"""A run's starting cash when none is given: the API's runs and sweeps and the CLI's backtest and sweep alike."""
LARGEST_CASH = Decimal(LARGEST_E4 // 10_000 // 10)
CASH_LIMIT = (f"must be at most ${LARGEST_CASH:,}: Weaver keeps money exact to $0.0001 up to "
              f"${LARGEST_E4 // 10_000:,}, and a run needs room to grow")


class MoneyRangeError(ValueError):
    """The run's cash or a position's value grew past what the equity curve keeps exact."""

    def __init__(self) -> None:
        super().__init__(
            f"the account grew past ${LARGEST_E4 // 10_000:,} (its cash or a position's value), beyond what "
            "Weaver keeps exact to $0.0001: trade a smaller share of equity, or start with less cash")


def _changes_upto(change_steps: np.ndarray, length: int) -> np.ndarray:
    """For each bar, how many changes happened at or before it (an index into [start, *after each])."""
    return np.cumsum(np.bincount(change_steps, minlength=length)[:length])


def equity_curve(market: Market, fills: Sequence[FillRow], cash_after: Sequence[int], initial_cents: int,
                 scale: int) -> tuple[EquityCurve, np.ndarray]:
    """The curve, and a bool per bar: was any position open at that bar's close (for exposure).
    `fills` are the broker's rows in time order (integer units), `cash_after` the cash in cents after
    each, `scale` the run's quantity units per share (1, or 10**9 for fractional shares).
    Per-bar arrays are a million long in a minute-bar run, so each is made once and then worked in place."""
    length, count = len(market.timeline), len(fills)
    steps = np.fromiter(map(itemgetter(6), fills), dtype=np.int64, count=count)  # only the fields needed
    symbols = np.fromiter(map(itemgetter(1), fills), dtype=np.int64, count=count)
    buys = np.array(list(map(itemgetter(2), fills)), dtype=object) == "buy"
    quantities = list(map(itemgetter(3), fills))
    try:
        signed = np.where(buys, 1, -1) * np.array(quantities, dtype=np.int64)
    except OverflowError:  # fractional quantities past int64 (9.2 billion shares): exact Python ints
        signed = np.where(buys, 1, -1).astype(object) * np.array(quantities, dtype=object)
    if max(initial_cents, max(cash_after, default=0), -min(cash_after, default=0)) * 100 >= LARGEST_E4:
        raise MoneyRangeError()
    cash_e4 = np.empty(count + 1, dtype=np.int64)
    cash_e4[0], cash_e4[1:] = initial_cents, cash_after
    cash_e4 *= 100
    changes = _changes_upto(steps, length)
    cash = cash_e4[changes]
    equity = cash.copy()
    exposed = np.zeros(length, dtype=bool)
    for k in range(len(market.symbols)):
        mine = symbols == k
        if not mine.any():
            continue
        marks = market.closes_on_timeline(k)
        if not np.isfinite(marks).all():
            marks = np.nan_to_num(marks)
        every = mine.all()  # one symbol traded: its changes are the fills' (no second bincount)
        held = np.concatenate(([0], np.cumsum(signed if every else signed[mine])))[
            changes if every else _changes_upto(steps[mine], length)]
        exposed |= held != 0
        value = held.astype(np.float64)  # value = rint(held × mark × 1e4 / scale), the same float steps in place
        value *= marks
        value *= 1e4
        if scale != 1:
            value /= scale
        np.rint(value, out=value)
        if len(value) and max(value.max(), -value.min()) >= LARGEST_E4:
            raise MoneyRangeError()
        equity += value.astype(np.int64)
    curve = EquityCurve(market.timeline, equity, cash, benchmark_e4(market, initial_cents))
    return curve, exposed


def benchmark_e4(market: Market, initial_cents: int, first: int = 0) -> np.ndarray:
    """Equal-weight buy and hold from bar `first` on (after a warm-up): each symbol gets cash/n at its
    first close there and is held (fractional, free of costs, the usual idealised benchmark). Float
    maths, rounded to $0.0001."""
    share = initial_cents / 100 / len(market.symbols)
    total = np.zeros(len(market.timeline) - first)
    for k, frame in enumerate(market.frames):
        closes = market.closes_on_timeline(k)[first:]
        priced = np.flatnonzero(~np.isnan(closes))
        if len(frame) == 0 or not len(priced):
            total += share
            continue
        held = share * closes
        held /= closes[priced[0]]
        gaps = np.isnan(closes)
        if gaps.any():
            held[gaps] = share
        total += held
    total *= 10_000
    return np.rint(total, out=total).astype(np.int64)
