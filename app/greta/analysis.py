"""A run's returns looked at three ways: by calendar month, per closed trade, and rolling Sharpe.

Computed from the whole equity curve (the chart's is downsampled) and every closed trade:
- period closes: the last equity of each calendar day in the exchange's zone (an intraday run's many
  bars a day become one close), or of each bar for daily and weekly bars (stamped with their UTC date);
- monthly return: month-end close over the previous month-end close (the first month: over the
  starting equity) − 1, in percent; a year's total is its year-end over the previous year-end, so it
  equals the months compounded. A month without a close is None and the next compounds across it;
- rolling Sharpe: mean / sample std × √periods a year of the last `window` period returns (risk-free 0,
  as app/greta/metrics.py); None where the window's returns do not vary;
- trade returns: a histogram on a round bin width (1, 2, 2.5 or 5 × 10ⁿ %) with 0 an edge, so wins and
  losses never share a bin; each bin holds [low, high). Binned in whole millionths of a percent (the
  stored precision), so a return on an edge lands in the bin it starts, never by float luck.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

DAY_NS = 86_400 * 10**9
HOUR_NS = 3_600 * 10**9
MICRO = 10**6  # trade returns are kept to 6 places of a percent


def local_days(ts_ns: np.ndarray, zone: str) -> np.ndarray:
    """The calendar day (days since 1970-01-01) of each UTC instant as read in `zone`. Zones change
    offset on whole UTC hours (New York at 06:00/07:00 UTC), so one offset per distinct hour is exact."""
    ts_ns = np.asarray(ts_ns, dtype=np.int64)
    if zone == "UTC" or not len(ts_ns):
        return ts_ns // DAY_NS
    hours, where = np.unique(ts_ns // HOUR_NS, return_inverse=True)
    tz = ZoneInfo(zone)
    offsets = np.array([datetime.fromtimestamp(int(h) * 3600, UTC).astimezone(tz).utcoffset().total_seconds()
                        for h in hours.tolist()], dtype=np.int64) * 10**9  # type: ignore[union-attr]
    return (ts_ns + offsets[where]) // DAY_NS


def period_closes(days: np.ndarray, equity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The last equity of each run of equal `days` (times ascending): (days, closes)."""
    if not len(days):
        return days, np.asarray(equity, dtype=np.float64)
    last = np.append(np.flatnonzero(np.diff(days)), len(days) - 1)
    return days[last], np.asarray(equity, dtype=np.float64)[last]


@dataclass(frozen=True)
class YearReturns:
    year: int
    months: tuple[float | None, ...]  # Jan..Dec, percent; None: the run had no close that month
    total: float | None  # the year compounded, percent


def _change_pct(close: float, before: float) -> float | None:
    if before <= 0:
        return None
    value = (close / before - 1.0) * 100.0
    return value if math.isfinite(value) else None


def monthly_returns(days: np.ndarray, closes: np.ndarray, start_equity: float) -> list[YearReturns]:
    """Each calendar year the closes touch, with its months' and its own compounded returns."""
    if not len(days):
        return []
    months = np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)  # since 1970-01
    ends = np.append(np.flatnonzero(np.diff(months)), len(months) - 1)
    month_ids, month_closes = months[ends].tolist(), closes[ends].tolist()
    out: list[YearReturns] = []
    before = year_before = float(start_equity)
    cells: list[float | None] = [None] * 12
    for k, (month, close) in enumerate(zip(month_ids, month_closes, strict=True)):
        year, index = divmod(month, 12)
        cells[index] = _change_pct(close, before)
        before = close
        if k + 1 == len(month_ids) or month_ids[k + 1] // 12 != year:
            out.append(YearReturns(1970 + year, tuple(cells), _change_pct(close, year_before)))
            year_before, cells = close, [None] * 12
    return out


@dataclass(frozen=True)
class RollingSharpe:
    days: np.ndarray  # the day (or bar date) ending each window
    values: list[float | None]


def rolling_sharpe(days: np.ndarray, closes: np.ndarray, window: int, periods_per_year: float) -> RollingSharpe:
    """Sharpe of each `window` consecutive period returns (the close-to-close changes), annualised by
    `periods_per_year`; empty when the run has fewer returns than the window."""
    closes = np.asarray(closes, dtype=np.float64)
    if len(closes) - 1 < window or window < 2:
        return RollingSharpe(days[:0], [])
    before = closes[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.where(before > 0, closes[1:] / before - 1.0, np.nan)
    views = np.lib.stride_tricks.sliding_window_view(returns, window)
    mean, std = views.mean(axis=1), views.std(axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = mean / std * math.sqrt(periods_per_year)
    # a flat window's std is 0 (or a few ulps from it): no figure rather than a meaningless huge one
    flat = std <= 1e-12 * np.maximum(np.abs(mean), 1e-300)
    values = [None if f or not math.isfinite(v) else float(v) for v, f in zip(sharpe.tolist(), flat.tolist(),
                                                                              strict=True)]
    return RollingSharpe(days[window:], values)


@dataclass(frozen=True)
class TradeBin:
    low: Decimal  # percent, inclusive
    high: Decimal  # percent, exclusive
    count: int


@dataclass(frozen=True)
class TradeSpread:
    count: int
    mean_pct: float | None
    median_pct: float | None
    wins: int  # return > 0 (the same sign as the trade's P&L: return = P&L / entry value)
    losses: int
    flat: int
    width_pct: Decimal | None
    bins: list[TradeBin]


_STEPS = (1, 2, Decimal("2.5"), 5, 10)


def bin_width(span: Decimal, target: int) -> Decimal:
    """The smallest round width (1, 2, 2.5 or 5 × 10ⁿ percent, at least a millionth) that covers
    `span` in about `target` bins."""
    raw = span / target if span > 0 else Decimal(1)
    scale = Decimal(10) ** (raw.adjusted())
    for step in _STEPS:
        width = step * scale
        if width >= raw:
            return max(width, Decimal(1) / MICRO)
    raise AssertionError("unreachable: 10 × 10ⁿ ≥ raw")  # pragma: no cover


def trade_spread(returns_pct: Sequence[Decimal]) -> TradeSpread:
    """Count, mean, median, the win/loss split and a histogram of closed trades' returns (percent)."""
    count = len(returns_pct)
    if not count:
        return TradeSpread(0, None, None, 0, 0, 0, None, [])
    micros = np.array([int((Decimal(r) * MICRO).to_integral_value()) for r in returns_pct], dtype=np.int64)
    low, high = int(micros.min()), int(micros.max())
    target = min(max(math.ceil(math.sqrt(count)), 5), 30)
    width = bin_width(Decimal(high - low) / MICRO, target)
    step = int(width * MICRO)
    first, last = low // step, high // step  # floor division: the bin each return starts in
    counts = np.bincount(micros // step - first, minlength=last - first + 1)
    bins = [TradeBin(Decimal(k * step) / MICRO, Decimal((k + 1) * step) / MICRO, int(n))
            for k, n in zip(range(first, last + 1), counts.tolist(), strict=True)]
    values = micros / MICRO
    return TradeSpread(count, float(values.mean()), float(np.median(values)), int((micros > 0).sum()),
                       int((micros < 0).sum()), int((micros == 0).sum()), width, bins)
