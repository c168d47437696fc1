"""Line up a live run's decisions with a backtest's, and split the P&L difference.

Pure functions over plain records, so the rules are unit-tested without a database. A decision is
an order the strategy asked for (bracket legs follow their entry and are not decisions). Two
decisions match on (bar, symbol, side, type, place among such orders in that bar): live numbers its
orders per bar, Greta per run, so the place in the bar is what both share. A matched pair is
identical when the request agrees too (sizing asked for, limit and stop, time in force) and the
broker took both or refused both: a live order rejected (for buying power, say) while the backtest's
filled is a decision that did not happen live, so the pair is "different". The quantity is shown,
not matched, because it follows from fills (a close sells what was bought); when two closes differ in
size, the note says what each side held when it decided. Each row carries a note on why it differs,
when there is something to say (app/services/drift_notes.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from app.services.drift_differences import difference_note
from app.services.drift_equity import Equity, Point, equity_note
from app.services.drift_late_fills import late_fill_note
from app.services.drift_notes import (
    IDLE_NOTE,
    NO_BAR,
    Held,
    Idle,
    Positions,
    cancelled_by,
    closed_at_stop,
    fill_note,
    held_by,
    position_note,
    share_note,
    size_note,
    still_filling,
    stop_close_note,
)
from app.services.drift_stamps import stamp

ZERO = Decimal(0)
CENT = Decimal("0.01")
PRICE = Decimal("1e-12")  # prices are stored to 12 decimals


@dataclass(frozen=True)
class FillLine:
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime


@dataclass(frozen=True)
class Decision:
    client_order_id: str
    bar_ts: datetime
    symbol: str
    side: str
    type: str
    qty: Decimal | None
    notional: Decimal | None
    percent: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    time_in_force: str
    status: str
    fills: tuple[FillLine, ...] = ()
    reject_reason: str | None = None
    ended_at: datetime | None = None  # when it reached its status (a cancellation's time, say)
    decided_at: datetime | None = None  # live: when the order was recorded, just before it was sent

    @property
    def filled_qty(self) -> Decimal:
        return sum((f.qty for f in self.fills), ZERO)

    @property
    def avg_price(self) -> Decimal | None:
        qty = self.filled_qty
        return (sum((f.qty * f.price for f in self.fills), ZERO) / qty).quantize(PRICE) if qty else None

    @property
    def fees(self) -> Decimal:
        return sum((f.fee for f in self.fills), ZERO)

    @property
    def partial(self) -> bool:
        """Filled in more than one piece, or only in part."""
        return len(self.fills) > 1 or (self.qty is not None and ZERO < self.filled_qty < self.qty)

    def request(self) -> tuple[object, ...]:
        return (self.notional, self.percent, self.limit_price, self.stop_price, self.time_in_force)


@dataclass(frozen=True)
class DriftRow:
    status: str  # identical | different | only_live | only_backtest
    bar_ts: datetime
    symbol: str
    side: str
    type: str
    live: Decision | None
    backtest: Decision | None
    slippage_bps: float | None = None  # positive: live filled worse than the backtest
    fill_delay_s: float | None = None  # live's first fill after the backtest's
    execution: Decimal = ZERO  # this pair's share of the P&L difference due to fills and fees
    note: str | None = None  # why it differs, in plain English (None: nothing to say)


@dataclass(frozen=True)
class DriftSummary:
    decisions: int
    identical: int
    identical_pct: float
    matched: int
    only_live: int
    only_backtest: int
    avg_slippage_bps: float | None
    worst_slippage_bps: float | None
    live_pnl: Decimal
    backtest_pnl: Decimal
    difference: Decimal
    execution: Decimal
    signal: Decimal
    partial_fills: int
    live_fees: Decimal = ZERO  # the fees of each side's decisions' fills, matched or not
    backtest_fees: Decimal = ZERO
    execution_fees: Decimal = ZERO  # the part of `execution` that is the fee difference where both sides filled


def _keyed(decisions: Iterable[Decision]) -> dict[tuple[object, ...], Decision]:
    seen: dict[tuple[object, ...], int] = defaultdict(int)
    out = {}
    for d in decisions:
        base = (d.bar_ts, d.symbol, d.side, d.type)
        out[(*base, seen[base])] = d
        seen[base] += 1
    return out


def line_up(live: Sequence[Decision], backtest: Sequence[Decision], *, bar: timedelta = NO_BAR,
            live_held: Iterable[Held] | None = None, backtest_held: Iterable[Held] | None = None,
            cancelled_at_stop: Mapping[str, str] | None = None, idle: Iterable[datetime] = (),
            ran: Iterable[datetime] = (), equity: tuple[Iterable[Point], Iterable[Point]] = ((), ())) -> list[DriftRow]:
    """Every decision once: matched pairs, then what only one side decided, in bar order. `bar` is the
    bars' length; `live_held` and `backtest_held` each side's position changes from all its fills
    (bracket legs' too; by default the decisions' own), for the notes on decisions one side made;
    `cancelled_at_stop` the live orders the run's stop or the kill switch cancelled (client order id → who),
    for the notes; `idle` the bars the run did not run on (down, or stopped and started again), and `ran` those it
    ran on, which part the idle bars into separate downtimes; `equity` each side's equity curve (live's, the
    backtest's), for the notes on orders sized by a share of equity."""
    mine, theirs = _keyed(live), _keyed(backtest)
    not_running = Idle(idle, ran)
    positions = (Positions(held_by(live) if live_held is None else live_held),
                 Positions(held_by(backtest) if backtest_held is None else backtest_held))
    equities = (Equity(equity[0]), Equity(equity[1]))
    rows = []
    for key in sorted(set(mine) | set(theirs), key=lambda k: (k[0], k[4], k[1], k[2], k[3])):
        a, b = mine.get(key), theirs.get(key)
        if a is None or b is None:
            one = a or b
            assert one is not None
            held = [side.before(one.symbol, one.bar_ts, bar) for side in positions]
            if one.bar_ts in not_running:
                note = IDLE_NOTE
            elif b is None and closed_at_stop(one.client_order_id):
                note = stop_close_note(one.client_order_id, one.symbol, held[1])
            else:
                filling = still_filling(live, one.symbol, one.bar_ts, bar)
                note = position_note(one.symbol, *held, filling)
                cause = _parted(rows, not_running, one.symbol, one.bar_ts, since=not filling) \
                    if held[0] != held[1] else None
                note = f"{note}; {cause}" if cause else note
            rows.append(DriftRow("only_live" if b is None else "only_backtest", one.bar_ts, one.symbol, one.side,
                                 one.type, a, b, note=note))
            continue
        sizes = _sizes(a, b, live, positions, bar, equities)
        cause = _parted(rows, not_running, a.symbol, a.bar_ts, since=False) if sizes else None
        filled = fill_note(a, b, cancelled_by(a, live, bar, cancelled_at_stop or {}))
        notes = (f"{sizes}; {cause}" if cause else sizes, filled, late_fill_note(a, not_running, bar))
        row = _pair(a, b, "; ".join(n for n in notes if n) or None)
        if row.status == "different" and not sizes:
            row = _held_apart(row, rows, not_running, positions, live, bar)
        rows.append(row)
    return rows


def _held_apart(row: DriftRow, rows: Sequence[DriftRow], not_running: Idle, positions: tuple[Positions, Positions],
                live: Sequence[Decision], bar: timedelta) -> DriftRow:
    """A "different" pair of the same size, made from different holdings (trial 38: live opened a 24-share short
    where the backtest closed a 24-share long, and the note gave only the fill counts): what each held
    before it, where the two parted, and how the orders themselves differ."""
    held = [side.before(row.symbol, row.bar_ts, bar) for side in positions]
    notes = []
    if held[0] != held[1]:
        filling = still_filling(live, row.symbol, row.bar_ts, bar)
        parted = _parted(rows, not_running, row.symbol, row.bar_ts, since=not filling)
        notes.append(position_note(row.symbol, *held, filling) + (f"; {parted}" if parted else ""))
    asked = difference_note(row.live, row.backtest) if row.live and row.backtest else None
    if asked and asked.startswith("they asked differently") and asked not in (row.note or ""):  # (a refusal: the
        notes.append(asked)                                                                   # fill note says it)
    if not notes:
        return row
    return replace(row, note="; ".join([*notes, *([row.note] if row.note else [])]))


def _parted(rows: Sequence[DriftRow], not_running: Idle, symbol: str, bar_ts: datetime, since: bool) -> str | None:
    """Where two sides' holdings last parted: bars the run did not run on, or, with `since` and when later
    than those, the latest decision on `symbol` only one side made and filled (trial 21: "before this bar
    live held 0 shares, the backtest 52" said what, not why; trial 23: a downtime long past was named on
    every later row, where a later one-sided decision was the cause)."""
    gap = not_running.before(bar_ts)
    for row in reversed(rows if since else ()):
        if row.symbol != symbol:
            continue
        cause = _one_sided(row)
        if cause is not None:
            if gap is not None and not_running.last_before(bar_ts) > row.bar_ts:  # type: ignore[operator]
                break
            return cause
    return gap


def _one_sided(row: DriftRow) -> str | None:
    """The row's decision, if only one side's filled: one side alone made it, or both made it and one side's
    came to nothing (trial 30: a buy the broker refused for buying power, named instead as an older sell)."""
    one = row.live or row.backtest
    if row.status in ("only_live", "only_backtest"):
        if one is None or not one.filled_qty:
            return None
        who = "live" if row.status == "only_live" else "the backtest"
        return f"since the {row.side} only {who} made, on the bar of {stamp(row.bar_ts)}"
    live, backtest = row.live, row.backtest
    if live is None or backtest is None:
        return None
    if live.filled_qty and backtest.filled_qty and live.filled_qty != backtest.filled_qty:
        # Both filled, in other quantities: a partial fill whose rest was cancelled, say (trial 38: a sell that
        # filled 20 of 24 live parted the two, and the note named an older buy, or a downtime before it).
        return (f"since the {row.side} both sides made on the bar of {stamp(row.bar_ts)}, which filled "
                f"{_qty(live.filled_qty)} live ({live.status}) and {_qty(backtest.filled_qty)} in the backtest")
    if bool(live.filled_qty) == bool(backtest.filled_qty):
        return None
    empty = backtest if live.filled_qty else live
    whose = "the backtest's" if live.filled_qty else "live's"
    why = f"{empty.status}: {empty.reject_reason}" if empty.reject_reason else empty.status
    return (f"since the {row.side} both sides made on the bar of {stamp(row.bar_ts)}, which filled only "
            f"{'live' if live.filled_qty else 'in the backtest'} ({whose} was {why})")


def _sizes(live: Decision, backtest: Decision, decisions: Sequence[Decision], positions: tuple[Positions, Positions],
           bar: timedelta, equities: tuple[Equity, Equity]) -> str | None:
    """Why two orders differ in size: what each side held when it decided, live when it recorded the order
    (fills land while the worker decides), Greta at the bar's close; for orders sized by a share of equity
    or a value, that each side sized its own (trial 21: a row read "identical" with live asking 13 shares and
    the backtest 52, and no word why), or, when their equity explains it, that it differed (trial 41). None when
    they came to the same size."""
    sized = live.percent is not None or live.notional is not None
    asked = (live.qty, backtest.qty if backtest.qty is not None or not sized else backtest.filled_qty)
    if None in asked or asked[0] == asked[1] or (sized and not all(asked)):
        return None
    live_held = (positions[0].before(live.symbol, live.decided_at) if live.decided_at is not None
                 else positions[0].before(live.symbol, live.bar_ts, bar))
    backtest_held = positions[1].before(backtest.symbol, backtest.bar_ts, bar)
    filling = still_filling(decisions, live.symbol, live.bar_ts, bar)
    if sized:
        at_bar = (equities[0].at(live.bar_ts), equities[1].at(backtest.bar_ts))
        equity = equity_note(live, backtest, asked, at_bar)  # type: ignore[arg-type]
        return share_note(live, asked[1], live_held, backtest_held, filling, equity)  # type: ignore[arg-type]
    return size_note(live, backtest, live_held, backtest_held, filling)


def _pair(live: Decision, backtest: Decision, note: str | None) -> DriftRow:
    refused_on_one_side = (live.status == "rejected") != (backtest.status == "rejected")
    status = "identical" if live.request() == backtest.request() and not refused_on_one_side else "different"
    sign = 1 if live.side == "buy" else -1
    slippage = delay = None
    # Fees are execution only where both sides traded: a buy refused live (no fill, no fee) beside the
    # backtest's fill is a different outcome, not a cost of the same trade (trial 32: $1,684.95 of a
    # backtest's fees on 7 buys refused live read as the fee model's overcharge).
    execution = backtest.fees - live.fees if _both_filled(live, backtest) else ZERO
    p_live, p_test = live.avg_price, backtest.avg_price
    if p_live is not None and p_test is not None:
        slippage = float(sign * (p_live - p_test) / p_test * 10_000)
        execution += sign * (p_test - p_live) * min(live.filled_qty, backtest.filled_qty)
        delay = (live.fills[0].ts - backtest.fills[0].ts).total_seconds()
    if status == "different" and not note:
        note = difference_note(live, backtest)
    # To the cent: the average prices are cut at 12 decimals, so a pair filled in pieces would otherwise
    # show "-1.720000000007"; the summary adds up these cents, as a user adding the rows would.
    return DriftRow(status, live.bar_ts, live.symbol, live.side, live.type, live, backtest, slippage, delay,
                    execution.quantize(CENT), note)


def summarise(rows: Sequence[DriftRow], live_pnl: Decimal, backtest_pnl: Decimal) -> DriftSummary:
    """Execution is what the matched decisions' fills and fees explain; signal is the rest."""
    matched = [r for r in rows if r.live is not None and r.backtest is not None]
    identical = sum(1 for r in matched if r.status == "identical")
    slips = [r.slippage_bps for r in matched if r.slippage_bps is not None]
    execution = sum((r.execution for r in matched), ZERO)
    difference = live_pnl - backtest_pnl
    return DriftSummary(
        decisions=len(rows), identical=identical, identical_pct=100.0 * identical / len(rows) if rows else 100.0,
        matched=len(matched), only_live=sum(1 for r in rows if r.backtest is None),
        only_backtest=sum(1 for r in rows if r.live is None),
        avg_slippage_bps=sum(slips) / len(slips) if slips else None,
        worst_slippage_bps=max(slips) if slips else None,
        live_pnl=live_pnl.quantize(CENT), backtest_pnl=backtest_pnl.quantize(CENT),
        difference=difference.quantize(CENT), execution=execution.quantize(CENT),
        signal=(difference - execution).quantize(CENT),
        partial_fills=sum(1 for r in rows if r.live is not None and r.live.partial),
        live_fees=sum((r.live.fees for r in rows if r.live is not None), ZERO).quantize(CENT),
        backtest_fees=sum((r.backtest.fees for r in rows if r.backtest is not None), ZERO).quantize(CENT),
        execution_fees=sum((r.backtest.fees - r.live.fees for r in matched  # type: ignore[union-attr]
                            if _both_filled(r.live, r.backtest)), ZERO).quantize(CENT),  # type: ignore[arg-type]
    )


def _both_filled(live: Decision, backtest: Decision) -> bool:
    return bool(live.filled_qty) and bool(backtest.filled_qty)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"
