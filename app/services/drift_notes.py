"""Why a drift row differs, in a short plain-English note (app/services/drift_match.py lines the rows up).

A matched pair says how live filled when it filled another quantity than the backtest, or in pieces:
the request matched, the result did not. A decision only one side made says what each side held just
before it: the usual reason is a position, as when a strategy that buys only when flat sees an earlier
sell still filling. The strategy decides once a bar has closed, so it has seen the fills stamped
before the bar's close (its bar_ts plus the bar's length): Greta fills an order at the next bar's open
and stamps the fill with that bar's time; live fills carry the broker's time, during the bars after
the one the order was decided on. Without a bar length, fills up to the bar's time count.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from app.clock.timeframes import TimeframeError, parse_timeframe
from app.services.drift_stamps import stamp

if TYPE_CHECKING:
    from app.services.drift_match import Decision

ZERO = Decimal(0)
NO_BAR = timedelta(0)
SETTLE = timedelta(seconds=1)  # a decision and the cancellation it made: the broker's stamp may differ
HOW_IT_ENDED = {"canceled": "was cancelled", "cancelled": "was cancelled", "expired": "expired",
                "rejected": "was rejected", **dict.fromkeys(("new", "held", "submitted", "accepted",
                                                              "partially_filled"), "is still open")}

Held = tuple[str, Decimal, datetime]  # one fill's change to a position: (symbol, signed quantity, ts)


def quantity_text(value: Decimal) -> str:
    """A quantity or price without trailing zeros: 16, 0.5, 189.97."""
    return format(value.normalize(), "f") if value else "0"


def unit(symbol: str) -> str:
    """What a quantity of `symbol` counts: shares, or a pair's base coin (BTC of BTC/USD)."""
    return symbol.split("/")[0] if "/" in symbol else "shares"


def bar_length(timeframe: str | None) -> timedelta:
    """How long one bar of `timeframe` lasts (a month bar: no length, so fills up to its time count)."""
    try:
        tf = parse_timeframe(timeframe or "")
    except TimeframeError:
        return NO_BAR
    if tf.seconds is not None:
        return timedelta(seconds=tf.seconds)
    return {"Day": timedelta(days=tf.amount), "Week": timedelta(weeks=tf.amount)}.get(tf.unit, NO_BAR)


def held_by(decisions: Iterable[Decision]) -> list[Held]:
    """The position changes of these decisions' own fills (a run's bracket legs need their fills added)."""
    return [(d.symbol, signed(d.side, f.qty), f.ts) for d in decisions for f in d.fills]


def signed(side: str, qty: Decimal) -> Decimal:
    return qty if side == "buy" else -qty


def fill_note(live: Decision, backtest: Decision, cancelled: str | None = None) -> str | None:
    """How live filled a matched decision, when it filled another quantity or in several pieces:
    'live filled 16 of 52 shares in 3 fills (the backtest 52 in 1); the rest was cancelled' and, when
    known, by whom (`cancelled`, from `cancelled_by`)."""
    got, want, pieces = live.filled_qty, backtest.filled_qty, len(live.fills)
    if not got and not want and live.status in ("canceled", "cancelled", "expired") \
            and backtest.status in ("new", "held"):  # (trial 28: both unfilled, and nothing said why live's ended)
        ended = HOW_IT_ENDED[live.status] + (f" {cancelled}" if cancelled else "")
        return f"live's {ended}; the backtest's was still open when its window ended"
    if got == want and pieces <= 1 and len(backtest.fills) <= 1 and not live.partial and not backtest.partial:
        return None
    of = f" of {quantity_text(live.qty)}" if live.qty is not None else ""
    how = f" in {pieces} fill{'s' * (pieces != 1)}" if pieces else ""
    if backtest.status == "rejected":  # (not "the backtest 0 in 0")
        theirs = "the backtest's was rejected" + (f": {backtest.reject_reason}" if backtest.reject_reason else "")
    elif backtest.fills or backtest.status not in ("new", "held"):
        theirs = f"the backtest {quantity_text(want)} in {len(backtest.fills)}"
    else:
        theirs = "the backtest's was still open when its window ended"
    note = f"live filled {quantity_text(got)}{of} {unit(live.symbol)}{how} ({theirs})"
    if live.qty is not None and got >= live.qty:
        return note
    ended = HOW_IT_ENDED.get(live.status)
    if ended and live.status == "rejected" and live.reject_reason:
        ended = f"{ended}: {live.reject_reason}"  # e.g. priced above the bar's close on arrival
    if ended and cancelled:
        ended = f"{ended} {cancelled}"
    return f"{note}; {'the rest' if got else 'it'} {ended}" if ended else note


def cancelled_by(order: Decision, live: Sequence[Decision], bar: timedelta, at_stop: Mapping[str, str]) -> str | None:
    """Who cancelled a live order: the run's stop or the kill switch (each lists what it cancelled:
    `at_stop`, client order id → who, as the note says it), or the strategy, which
    cancels what is still working on the symbol just before its next order there: the first later
    decision made within a second of the cancellation (live: when it was recorded; else its bar's
    close). None when neither is known."""
    if order.status not in ("canceled", "cancelled"):
        return None
    stopped = at_stop.get(order.client_order_id)
    if stopped is not None:
        return stopped
    if order.ended_at is None:
        return None
    for later in live:
        if later.symbol == order.symbol and later.bar_ts > order.bar_ts:
            decided = later.decided_at if later.decided_at is not None else later.bar_ts + bar
            if abs(decided - order.ended_at) <= SETTLE:
                return f"by the strategy, before its next order (a {later.side})"
    return None


class Positions:
    """What one side held of each symbol at any moment, from its fills."""

    def __init__(self, fills: Iterable[Held]):
        by_symbol: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
        for symbol, qty, ts in fills:
            by_symbol[symbol].append((ts, qty))
        self._times: dict[str, list[datetime]] = {}
        self._totals: dict[str, list[Decimal]] = {}
        for symbol, changes in by_symbol.items():
            changes.sort(key=lambda c: c[0])
            totals = [ZERO]
            for _, qty in changes:
                totals.append(totals[-1] + qty)
            self._times[symbol], self._totals[symbol] = [ts for ts, _ in changes], totals

    def before(self, symbol: str, bar_ts: datetime, bar: timedelta = NO_BAR) -> Decimal:
        """Held when the strategy decided on the bar at `bar_ts`: the fills stamped before its close."""
        times = self._times.get(symbol)
        if not times:
            return ZERO
        seen = bisect_left(times, bar_ts + bar) if bar else bisect_right(times, bar_ts)
        return self._totals[symbol][seen]


STILL_FILLING = "an earlier order was still filling"
STILL_RESTING = "an earlier limit or stop order was still working (it filled later)"


def still_filling(live: Sequence[Decision], symbol: str, bar_ts: datetime, bar: timedelta = NO_BAR) -> str | None:
    """Why live held other than its orders say at this bar's close, when a live decision of an earlier bar had
    fills after it: a market order still filling, or a limit or stop still resting (trial 27: its take-profit
    and stop, working for minutes, read "an earlier order was still filling"); None when none had."""
    close = bar_ts + bar
    later = [d for d in live if d.symbol == symbol and d.bar_ts < bar_ts
             and any(f.ts >= close if bar else f.ts > bar_ts for f in d.fills)]
    if not later:
        return None
    return STILL_FILLING if any(d.type == "market" for d in later) else STILL_RESTING


def held_text(qty: Decimal) -> str:
    """A position: '36', or 'short 36'."""
    return quantity_text(qty) if qty >= 0 else f"short {quantity_text(-qty)}"


def position_note(symbol: str, live_held: Decimal, backtest_held: Decimal, filling: str | None) -> str:
    """'before this bar live held 36 shares, the backtest 0: an earlier order was still filling' (`filling`:
    still_filling's phrase)."""
    note = f"before this bar live held {held_text(live_held)} {unit(symbol)}, the backtest {held_text(backtest_held)}"
    return f"{note}: {filling}" if filling else note


def size_note(live: Decision, backtest: Decision, live_held: Decimal, backtest_held: Decimal,
              filling: str | None) -> str:
    """Why two matched orders sized by the strategy (a close, say) differ: what each side held when it
    decided. 'live asked for 67 shares, the backtest 526 (when deciding, live held 67 shares, the
    backtest 526: an earlier order was still filling)'."""
    what = unit(live.symbol)
    held = f"when deciding, live held {held_text(live_held)} {what}, the backtest {held_text(backtest_held)}"
    if filling:
        held += f": {filling}"
    return (f"live asked for {quantity_text(live.qty or ZERO)} {what}, the backtest "
            f"{quantity_text(backtest.qty or ZERO)} ({held})")


def share_note(live: Decision, backtest_qty: Decimal, live_held: Decimal, backtest_held: Decimal,
               filling: str | None, equity: str | None = None) -> str:
    """Why an order sized by a share of equity (or a value) came to different sizes: each side sized it on
    its own equity and price (live at the last close as it decided, the backtest at its fill), and, when they
    held different positions, that too. 'sized by 20% of equity: live 13 shares, the backtest 52 (when
    deciding, live held 40 shares, the backtest 0: an earlier order was still filling)'. `equity`: that the two
    sides' equity differed (app/services/drift_equity.py), when it explains the sizes (trial 41: "each side sizes
    at its own price" of sizes 23 % apart, where live had $15.7k and the backtest $12.7k)."""
    what = unit(live.symbol)
    basis = f"{quantity_text(live.percent)}% of equity" if live.percent is not None else \
        f"a value of {quantity_text(live.notional or ZERO)}"
    if live_held != backtest_held or filling:
        why = f"when deciding, live held {held_text(live_held)} {what}, the backtest {held_text(backtest_held)}"
        why += f": {filling}" if filling else ""
        why += f"; {equity}" if equity else ""
    else:
        why = equity or "each side sizes at its own price: live at the last close, the backtest at its fill"
    return (f"sized by {basis}: live {quantity_text(live.qty or ZERO)} {what}, the backtest "
            f"{quantity_text(backtest_qty)} ({why})")


IDLE_NOTE = ("the run was not running when this bar closed (down, or stopped and started again): only the "
             "backtest decided on it")

STOP_CLOSE_NOTE = "closed at the run's stop (close_positions), after its last bar"
AFTER_STOP_CLOSE_NOTE = "closed after the run had stopped (close-positions)"


def closed_at_stop(client_order_id: str) -> bool:
    """A close a run's stop sent, or one asked of the stopped run (app/veda/flatten.py: its client order id
    ends with `-stop` or `-close`)."""
    return client_order_id.endswith(("-stop", "-close"))


def stop_close_note(client_order_id: str, symbol: str, backtest_held: Decimal) -> str:
    """Why only live made this sale: "closed at the run's stop (close_positions), after its last bar: the
    backtest, which did not stop, held its 52 shares then and trades them on its own signals" (or held none
    then). Trial 41: "keeps them to the end of its window" was false of a run started again, whose backtest
    sold them two bars later."""
    when = STOP_CLOSE_NOTE if client_order_id.endswith("-stop") else AFTER_STOP_CLOSE_NOTE
    if not backtest_held:
        return f"{when}: the backtest held no {unit(symbol)} then"
    return (f"{when}: the backtest, which did not stop, held its {held_text(backtest_held)} {unit(symbol)} then "
            "and trades them on its own signals")


MAX_GAPS = 3  # the downtimes a note names one by one; of more, the latest


class Idle:
    """The bars, after its first traded one, on which the run did not run: a decision there is the backtest's
    alone, and what each side holds afterwards can differ because of it (a trial's report blamed such rows
    on "an earlier order was still filling"). `ran` are the bars it did run on: one between two idle bars
    parts them into separate downtimes (trial 35: killed twice, the note named one span from the first
    gap's start to the second's end, over the 33 seconds it traded between them)."""

    def __init__(self, bars: Iterable[datetime] = (), ran: Iterable[datetime] = ()):
        self.bars = sorted(set(bars))
        running = sorted(set(ran))
        # where each downtime starts: the first idle bar, and each one with a bar the run ran on before it
        self._starts = [at for at in range(len(self.bars)) if not at or bisect_right(
            running, self.bars[at - 1]) < bisect_left(running, self.bars[at])]

    def __contains__(self, bar_ts: object) -> bool:
        at = bisect_left(self.bars, bar_ts)  # type: ignore[arg-type]
        return at < len(self.bars) and self.bars[at] == bar_ts

    def gaps(self) -> list[tuple[datetime, datetime, int]]:
        """Every downtime, oldest first: its first and last idle bar and how many idle bars it holds."""
        ends = [*self._starts[1:], len(self.bars)] if self.bars else []
        return [(self.bars[at], self.bars[end - 1], end - at) for at, end in zip(self._starts, ends, strict=True)]

    def gap_of(self, bar_ts: datetime) -> int | None:
        """Which downtime (an index into gaps()) holds the idle bar `bar_ts`, or None when it is not idle."""
        if bar_ts not in self:
            return None
        return bisect_right(self._starts, bisect_left(self.bars, bar_ts)) - 1

    def last_before(self, bar_ts: datetime) -> datetime | None:
        """The latest bar before `bar_ts` the run did not run on, or None."""
        count = bisect_left(self.bars, bar_ts)
        return self.bars[count - 1] if count else None

    def before(self, bar_ts: datetime) -> str | None:
        """'the run was not running on 45 earlier bars in 2 gaps (2026-12-07T17:54:59Z to 2026-12-07T17:55:29Z,
        2026-12-07T17:56:03Z to 2026-12-07T17:56:16Z), where the backtest went on deciding' (one gap: its span
        alone; more than MAX_GAPS: the latest), or None."""
        count = bisect_left(self.bars, bar_ts)
        if not count:
            return None
        starts = [at for at in self._starts if at < count]
        gaps = [(self.bars[at], self.bars[end - 1]) for at, end in zip(starts, [*starts[1:], count], strict=True)]
        spans = ", ".join(stamp(first) if first == last else f"{stamp(first)} to {stamp(last)}"
                          for first, last in gaps[-MAX_GAPS:])
        bars = f"{count} earlier bar{'s' * (count != 1)}"
        if len(gaps) > 1:
            bars += f" in {len(gaps)} gaps"
            spans = f"the last {MAX_GAPS}: {spans}" if len(gaps) > MAX_GAPS else spans
        return f"the run was not running on {bars} ({spans}), where the backtest went on deciding"
