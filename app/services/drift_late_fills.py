"""A matched live order that went on filling through bars the run was not trading (down, or stopped and started
again): the broker filled the rest while nothing watched, at the prices of minutes later.

Trial 41: a buy of 48 MSFT had 38 filled when the process was killed; the other 10 filled after the restart,
3 min 46 s later at 410.53 and 410.54 (the first 38 at about 410.08), and the row read "identical", "live filled
48 of 48 shares in 6 fills (the backtest 48 in 1)", as if nothing had happened. A fill came after an outage when
a whole downtime (Idle.gaps) lies between the order's bar and the fill's time."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from app.services.drift_notes import MAX_GAPS, NO_BAR, ZERO, Idle, quantity_text, unit
from app.services.drift_stamps import stamp

if TYPE_CHECKING:
    from app.services.drift_match import Decision, FillLine

CENT = Decimal("0.01")


def late_fill_note(live: Decision, idle: Idle, bar: timedelta = NO_BAR) -> str | None:
    """'10 of its 48 shares filled 3 min 46 s later, after the 225 bars the run was not trading (… to …), at
    410.53–410.54 (the first 38 at 410.08 on average)', or None when no fill came after a downtime. "Later" is
    after the last fill before it, or, when all came after, after the order's bar closed."""
    gaps = [(first, last, n) for first, last, n in idle.gaps() if first > live.bar_ts]
    fills = sorted(live.fills, key=lambda f: f.ts)
    at = next((k for k, f in enumerate(fills) if any(last < f.ts for _, last, _ in gaps)), None)
    if at is None:
        return None
    early, late = fills[:at], fills[at:]
    crossed = [(first, last, n) for first, last, n in gaps if last < late[0].ts]
    since = early[-1].ts if early else live.bar_ts + bar
    after = f"after the {_bars(crossed)} the run was not trading ({_spans(crossed)})"
    got = _sum(late)
    total = live.qty if live.qty is not None else live.filled_qty
    what = f"{quantity_text(got)} of its {quantity_text(total)} {unit(live.symbol)}" if got != total else \
        f"its {quantity_text(total)} {unit(live.symbol)}"
    when = f"{_duration(late[0].ts - since)} {'later' if early else 'after its bar closed'}"
    note = f"{what} filled {when}, {after}, at {_range(late)}"
    if early:
        average = " on average" if len({f.price for f in early}) > 1 else ""
        note += f" (the first {quantity_text(_sum(early))} at {price_text(_average(early))}{average})"
    return note


def price_text(value: Decimal) -> str:
    """A fill price to the cent (410.08), or, under a dollar, to its own places (0.1234)."""
    return f"{value.quantize(CENT)}" if abs(value) >= 1 else quantity_text(round(value, 6))


def _sum(fills: list[FillLine]) -> Decimal:
    return sum((f.qty for f in fills), ZERO)


def _average(fills: list[FillLine]) -> Decimal:
    return sum((f.qty * f.price for f in fills), ZERO) / _sum(fills)


def _range(fills: list[FillLine]) -> str:
    low, high = price_text(min(f.price for f in fills)), price_text(max(f.price for f in fills))
    return low if low == high else f"{low}–{high}"


def _bars(gaps: list[tuple[datetime, datetime, int]]) -> str:
    count = sum(n for _, _, n in gaps)
    return f"{count:,} bar{'s' * (count != 1)}" + (f" in {len(gaps)} gaps" if len(gaps) > 1 else "")


def _spans(gaps: list[tuple[datetime, datetime, int]]) -> str:
    spans = ", ".join(stamp(first) if first == last else f"{stamp(first)} to {stamp(last)}"
                      for first, last, _ in gaps[-MAX_GAPS:])
    return f"the last {MAX_GAPS}: {spans}" if len(gaps) > MAX_GAPS else spans


def _duration(span: timedelta) -> str:
    """3 min 46 s, 1 h 5 min, 12 s."""
    whole = max(round(span.total_seconds()), 0)
    hours, rest = divmod(whole, 3_600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours:,} h {minutes} min" if minutes else f"{hours:,} h"
    return f"{minutes} min {seconds} s" if minutes and seconds else f"{minutes} min" if minutes else f"{seconds} s"
