"""A backtest window asked for beyond the stored bars: said on the run (trial 38: a window of 15:07 to
15:11 on bars that ended at 15:07:35 ran 35 bars, made no trade, and read like a strategy that found
nothing). Only a real shortfall is said: a window that ends on a weekend, or at midnight after the
last session's bars, is covered for any trader's purpose."""

from __future__ import annotations

from datetime import datetime

SHORTFALL = 0.10  # of the window's span left without bars, before and after them together


def window_note(start_at: datetime | None, end_at: datetime | None, first_bar: datetime, last_bar: datetime,
                bars: int) -> str | None:
    if start_at is None or end_at is None or end_at <= start_at:
        return None
    span = (end_at - start_at).total_seconds()
    missing = max((first_bar - start_at).total_seconds(), 0) + max((end_at - last_bar).total_seconds(), 0)
    if missing <= SHORTFALL * span:
        return None
    return (f"the stored bars cover {_when(first_bar)} to {_when(last_bar)} ({bars:,} bar{'s' * (bars != 1)}) of the "
            f"window {_when(start_at)} to {_when(end_at)}: the run traded only where there were bars "
            f"({100 * (1 - missing / span):.0f} % of the window)")


def _when(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
