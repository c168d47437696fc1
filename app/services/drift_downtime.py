"""The drift report's note on the bars a run was not trading (down, or stopped and started again): the backtest
went on deciding on them, so its orders there are its alone, and what each side held after them can differ.

Trial 42: a run down for 225 bars, on which the backtest placed 34 of its orders, got only a "Fill prices"
note; each row said it, but nothing on the whole report said that most of the difference came from the
outage. Every downtime counts, not only the newest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from app.services.drift_match import DriftRow
from app.services.drift_notes import MAX_GAPS, Idle
from app.services.drift_stamps import stamp


def downtime_note(rows: Sequence[DriftRow], idle: Idle) -> str | None:
    """'Not trading: 34 of the backtest's 40 orders came on the 225 bars the run was not trading (…), …', or
    None when the backtest placed no order on such a bar."""
    gaps = idle.gaps()
    per_gap: Counter[int] = Counter()
    for row in rows:
        at = idle.gap_of(row.bar_ts) if row.backtest is not None else None
        if at is not None:
            per_gap[at] += 1
    orders = sum(per_gap.values())
    if not orders:
        return None
    total = sum(1 for r in rows if r.backtest is not None)
    where = f"{_count(len(idle.bars), 'bar')} the run was not trading (down, or stopped and started again)"
    if len(gaps) == 1:
        first, last, _ = gaps[0]
        where += f", at {stamp(first)}" if first == last else f", from {stamp(first)} to {stamp(last)}"
    else:
        shown = sorted(sorted(per_gap, key=lambda at: -per_gap[at])[:MAX_GAPS])  # the gaps with most orders
        parts = [f"{_span(gaps[at][0], gaps[at][1])}: {_count(per_gap[at], 'order')}" for at in shown]
        rest = [at for at in per_gap if at not in shown]
        if rest:
            parts.append(f"{_count(sum(per_gap[at] for at in rest), 'more order')} in "
                         f"{_count(len(rest), 'other gap')}")
        empty = len(gaps) - len(per_gap)
        if empty:
            parts.append(f"no order{'s' * (empty != 1)} in {_count(empty, 'gap')}")
        where += f", in {len(gaps)} gaps ({'; '.join(parts)})"
    return (f"Not trading: {orders} of the backtest's {_count(total, 'order')} came on the {where}. Only the "
            "backtest decided on those bars: these orders are its alone, and what each side held after them can "
            "differ, and with it later decisions (the rows' notes say where); what they made or lost is part of "
            "\"from signal\".")


def _span(first: datetime, last: datetime) -> str:
    return stamp(first) if first == last else f"{stamp(first)} to {stamp(last)}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"
