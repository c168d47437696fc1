"""Stock splits hiding in unadjusted bars: an overnight jump that looks like a split ratio.

A jump from one bar's close to the next bar's open counts when it is larger than 40 % either way
(the next open below 0.6× or above 1.4× the close) and within ±5 % of a common split ratio's price
factor (0.25 for a 4:1 split, 10 for a 1:10 reverse split). Why ±5 %: a split day's open still
moves with the market (a large cap's overnight gap is about 1–2 %, rarely past 5 %), and the
nearest two ratios listed (7:1 and 8:1) are 14 % apart, so the windows never overlap and a jump
names one ratio. 3:2 and 5:4 splits move the price by 33 % and 20 %, under the 40 % bar, so they
are not listed. Every consecutive pair of bars is checked, which for intraday bars means the gap
across each session boundary too. Vectorised: a million bars take milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np

JUMP = 0.40
TOLERANCE = float(np.log(1.05))
FORWARD = (2, 3, 4, 5, 6, 7, 8, 10, 15, 20, 25, 30, 50)  # k:1, the price divides by k
REVERSE = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100)  # 1:k, the price multiplies by k
RATIOS = tuple(f"{k}:1" for k in FORWARD) + tuple(f"1:{k}" for k in REVERSE)
FACTORS = np.array([float(k) for k in FORWARD] + [1.0 / k for k in REVERSE])  # new shares per old share
_LOG_PRICE_MOVES = -np.log(FACTORS)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_LISTED = 3


@dataclass(frozen=True)
class SplitSuspect:
    """A jump that looks like a split: `ts` is the bar after it; `factor` is new shares per old one
    (4.0 for 4:1, 0.1 for 1:10), so the price after is about the price before / factor."""

    ts: datetime
    ratio_text: str
    factor: float
    prev_close: float
    next_open: float


class Bars(Protocol):
    symbol: str
    ts: np.ndarray
    open: np.ndarray
    close: np.ndarray


def find_split_suspects(ts_ns: np.ndarray, open: np.ndarray, close: np.ndarray) -> list[SplitSuspect]:
    """Every jump close → next open that looks like a split (`ts_ns`: int64 epoch nanoseconds, UTC)."""
    if len(ts_ns) < 2:
        return []
    before = np.asarray(close, dtype=np.float64)[:-1]
    after = np.asarray(open, dtype=np.float64)[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = after / before
        jumps = np.flatnonzero(((ratio < 1 - JUMP) | (ratio > 1 + JUMP)) & (before > 0) & (after > 0)
                               & np.isfinite(ratio))
    if not jumps.size:
        return []
    distance = np.abs(np.log(ratio[jumps])[:, None] - _LOG_PRICE_MOVES[None, :])
    nearest = distance.argmin(axis=1)
    hits = distance[np.arange(len(jumps)), nearest] <= TOLERANCE
    stamps = np.asarray(ts_ns, dtype=np.int64)
    return [
        SplitSuspect(_EPOCH + timedelta(microseconds=int(stamps[i + 1]) // 1000), RATIOS[k], float(FACTORS[k]),
                     float(before[i]), float(after[i]))
        for i, k in zip(jumps[hits].tolist(), nearest[hits].tolist(), strict=True)
    ]


def format_split_warning(symbol: str, suspects: list[SplitSuspect]) -> str:
    """One line naming each suspected split (the first few) and what to do about it."""
    parts = [f"a {s.ratio_text}{' reverse' if s.factor < 1 else ''} split? close {_price(s.prev_close)} → open "
             f"{_price(s.next_open)} on {_when(s.ts)}" for s in suspects[:MAX_LISTED]]
    if len(suspects) > MAX_LISTED:
        parts.append(f"and {len(suspects) - MAX_LISTED} more")
    return (f"{symbol}: {', '.join(parts)}; the bars look unadjusted "
            "(fetch with --adjustment split, or adjust the CSV)")


def split_warnings(frames: Iterable[Bars]) -> list[str]:
    """A warning line per series that holds suspected splits (none for clean series)."""
    found = ((f.symbol, find_split_suspects(f.ts, f.open, f.close)) for f in frames)
    return [format_split_warning(symbol, suspects) for symbol, suspects in found if suspects]


def _price(value: float) -> str:
    return f"{value:.2f}" if value >= 1 else f"{value:.6g}"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}" if moment.time() == datetime.min.time() else f"{moment:%Y-%m-%d %H:%M} UTC"
