"""Why two orders sized by a share of equity came to different sizes when the two sides' equity had parted: each
sizes on its own equity, so after an outage where the backtest traded alone (or any earlier difference) the same
percent buys more on one side than on the other.

Trial 41: live bought 0.260963521 BTC and the backtest 0.211380655 (23 % apart) on 100 % of equity, and the note
said "each side sizes at its own price"; live had $15.7k, the backtest $12.7k. A percent order's quantity is its
equity times the percent over its price, so the ratio of the two quantities is the ratio of the equities times
the inverse ratio of the prices: equity is named when its ratio is further from 1 than the prices' and the two
together account for most of the quantities' ratio (a fee's room alone does not)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from math import log
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.drift_match import Decision

Point = tuple[datetime, float]  # an equity curve's point: (bar time, equity at its close)
EQUITY_APART = "their equity differed"  # how a sizing note names this cause (the Sizes note leaves such rows out)


class Equity:
    """One side's equity at each bar, from its curve (the run's equity points, the backtest's curve)."""

    def __init__(self, curve: Iterable[Point] = ()):
        points = sorted(curve)
        self._times = [ts for ts, _ in points]
        self._values = [value for _, value in points]

    def at(self, bar_ts: datetime) -> float | None:
        """The equity at the bar's close (the latest point at or before it), or None before the first."""
        count = bisect_right(self._times, bar_ts)
        return self._values[count - 1] if count else None


def equity_note(live: Decision, backtest: Decision, asked: tuple[Decimal, Decimal],
                equity: tuple[float | None, float | None]) -> str | None:
    """'their equity differed: live had $15,702.11, the backtest $12,718.40; they parted earlier: see the rows
    before', for a percent order whose sizes (`asked`: live's, the backtest's) the two sides' equity at its bar
    explains; None when it does not, or an equity is not known."""
    mine, theirs = equity
    if live.percent is None or not mine or not theirs or mine <= 0 or theirs <= 0 or not all(asked):
        return None
    sizes, equities = log(asked[0] / asked[1]), log(mine / theirs)
    prices = (live.avg_price, backtest.avg_price)
    by_price = log(prices[1] / prices[0]) if prices[0] and prices[1] else 0.0  # dearer live: fewer live
    if abs(equities) <= abs(by_price) or abs(sizes - equities - by_price) > abs(sizes) / 2:
        return None
    return (f"{EQUITY_APART}: live had ${mine:,.2f}, the backtest ${theirs:,.2f}; they parted earlier: see the rows "
            "before")
