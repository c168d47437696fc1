"""RunLedger: the broker's raw rows (order states, fill and trade tuples of integers), turned into the
frozen records of app/greta/records.py only when a caller asks for them (all, or [start, stop)).

A million-bar run has tens of thousands of orders, and building their records used to cost as much
as the run. The builders here do the per-record work once per distinct value instead of once per
record: each bar's datetime (converted in one numpy pass), each price and quantity as a Decimal,
each record's fields stored in one dict display handed to the instance (`records.maker`).
The records are the same values, field for field, as `plain` dataclass construction would give:
tests/unit/greta/test_lazy_records.py holds them to a straightforward reference builder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain, repeat
from operator import attrgetter, itemgetter

import numpy as np

from app.greta.book import TradeRow
from app.greta.broker import FillRow
from app.greta.money import Quantities, to_cash, to_price
from app.greta.orders import SimOrder
from app.greta.records import FillRecord, OrderEvent, OrderRecord, TradeRecord, maker, without_collector
from app.marvin.bars import ns_to_datetime
from app.marvin.gateway import order_class_of

LEGS = {"tp": "take_profit", "sl": "stop_loss"}
PCT = Decimal("0.000001")
_NO_RETURN = Decimal(0)
_LONGEST_ID = 128  # Alpaca's limit on client_order_id (app/marvin/gateway.py refuses longer ones)


def return_pct(pnl_cents: int, entry_cents: int) -> Decimal:
    """A trade's P&L as a percentage of its entry value, to 6 decimals."""
    return (Decimal(pnl_cents * 100) / Decimal(entry_cents)).quantize(PCT) if entry_cents else Decimal(0)


def utc_datetimes(ns: np.ndarray) -> list[datetime]:
    """Epoch nanoseconds → aware UTC datetimes, as ns_to_datetime makes them (floored to the
    microsecond), with the calendar fields worked out by numpy and handed to datetime's constructor:
    three times faster than a datetime built in Python per value."""
    micros = (ns // 1000).astype("datetime64[us]")
    days = micros.astype("datetime64[D]")
    months, years = days.astype("datetime64[M]"), days.astype("datetime64[Y]")
    seconds, micro = np.divmod((micros - days).astype(np.int64), 1_000_000)
    hours, seconds = np.divmod(seconds, 3600)
    minutes, seconds = np.divmod(seconds, 60)
    year = years.astype(np.int64) + 1970
    month, day = (months - years).astype(np.int64) + 1, (days - months).astype(np.int64) + 1
    return list(map(datetime, year.tolist(), month.tolist(), day.tolist(), hours.tolist(), minutes.tolist(),
                    seconds.tolist(), micro.tolist(), repeat(UTC)))


def event_steps(orders: list[SimOrder]) -> Iterator[int]:
    """Every bar step the orders' histories name (SimOrder.changes, or placed and filled); read with
    C-level getters, as a record build starts by converting each distinct step once."""
    changed = [order for order in orders if order.changes is not None]  # few: rejected, canceled, legs
    yield from chain(map(_SUBMITTED, orders), map(_FILLED_STEP, orders))  # (None for the unfilled)
    for order in changed:
        for _, step in order.changes:  # type: ignore[union-attr]
            yield step


def _order_class(order: SimOrder) -> str:
    """As Alpaca names it: a leg takes its entry's."""
    return order_class_of(order.take_profit, order.stop_loss)


_SUBMITTED, _FILLED_STEP = attrgetter("submitted"), attrgetter("filled_step")
_QTY, _FILLED_QTY, _FILL_PRICE = attrgetter("qty"), attrgetter("filled_qty"), attrgetter("fill_price")


class RunLedger:
    def __init__(self, run_id: str, timeline: np.ndarray, symbols: tuple[str, ...], units: Quantities,
                 orders: list[SimOrder], fills: list[FillRow], trades: list[TradeRow]):
        self.run_id, self.timeline, self.symbols, self.units = run_id, timeline, symbols, units
        self._orders, self._fills, self._trades = orders, fills, trades
        self._times: dict[int, datetime] = {}
        self._prices: dict[int, Decimal] = {}
        self._shares: dict[int, Decimal] = {}
        self._cash: dict[int, Decimal] = {}
        self._make_order, self._make_event = maker(OrderRecord), maker(OrderEvent)
        self._make_fill, self._make_trade = maker(FillRecord), maker(TradeRecord)

    def count(self, kind: str) -> int:
        """How many "orders", "fills" or "trades" records the run has (none of them built)."""
        return len({"orders": self._orders, "fills": self._fills, "trades": self._trades}[kind])

    def at(self, step: int) -> datetime:
        """Bar step → datetime, cached: many records share a bar."""
        moment = self._times.get(step)
        if moment is None:
            moment = self._times[step] = ns_to_datetime(int(self.timeline[step]))
        return moment

    # --- caches: each distinct value converted once per run -------------------------------------
    def _times_of(self, steps: Iterable[int | None]) -> dict[int, datetime]:
        """The cache of bar datetimes, holding those of `steps` (the missing ones made in one pass; None skipped)."""
        times = self._times
        missing = set(steps).difference(times)
        missing.discard(None)  # type: ignore[arg-type]
        if missing:
            wanted = np.fromiter(missing, dtype=np.int64, count=len(missing))
            times.update(zip(wanted.tolist(), utc_datetimes(self.timeline[wanted]), strict=True))
        return times

    def _decimals(self, cache: dict[int, Decimal], values: Iterable[int | None], convert) -> dict[int, Decimal]:  # noqa: ANN001
        missing = set(values).difference(cache)
        missing.discard(None)  # type: ignore[arg-type]
        for value in missing:
            cache[value] = convert(value)
        return cache

    # --- builders ---------------------------------------------------------------------------------
    @without_collector
    def orders(self, start: int = 0, stop: int | None = None) -> tuple[OrderRecord, ...]:
        """The orders [start, stop) as records (all by default; a writer may take them in chunks)."""
        chunk = self._orders[start:stop]
        times = self._times_of(event_steps(chunk))
        prices = self._decimals(self._prices, map(_FILL_PRICE, chunk), to_price)  # (0 for the unfilled: unused)
        shares = self._decimals(self._shares, chain(map(_QTY, chunk), map(_FILLED_QTY, chunk)), self.units.decimal)
        make, event, run_id = self._make_order, self._make_event, self.run_id
        checked = len(run_id) + 48 <= _LONGEST_ID  # bar seconds and seq cannot make such an id too long
        records = []
        append = records.append
        for order in chunk:
            leg = order.leg
            if not leg and order.changes is None:  # placed, then filled or not (SimOrder.changes): most orders
                client_id = f"{run_id}-{order.bar_ts // 1_000_000_000}-{order.seq}"
                if not checked and len(client_id) > _LONGEST_ID:
                    raise ValueError(f"client_order_id longer than 128 characters: {client_id!r}")
                submitted, filled, qty = times[order.submitted], order.filled_step, order.qty
                if filled is None:
                    filled_at = fill_price = None
                    events = (event("new", submitted),)
                else:
                    filled_at, fill_price = times[filled], prices[order.fill_price]
                    events = (event("new", submitted), event("filled", filled_at))
                append(make(
                    order.id, client_id, order.seq, None, order.symbol, order.side, order.type,
                    _order_class(order), None,
                    order.time_in_force, None if qty is None else shares[qty], order.notional, order.percent,
                    order.limit_price, order.stop_price, order.take_profit, order.stop_loss, order.status,
                    shares[order.filled_qty], fill_price, order.reason, submitted, filled_at, events,
                ))
                continue
            parent = order.parent
            asked = parent if leg else order  # a leg's client id and class are its parent's
            client_id = f"{run_id}-{asked.bar_ts // 1_000_000_000}-{asked.seq}{'-' + leg if leg else ''}"  # type: ignore
            if not checked and len(client_id) > _LONGEST_ID:
                raise ValueError(f"client_order_id longer than 128 characters: {client_id!r}")
            filled, qty = order.filled_step, order.qty
            changes = order.changes
            if changes is None:  # a bracket leg never changed: not made so (legs start "held"), kept for safety
                submitted = times[order.submitted]
                events = (event("new", submitted),) if filled is None else (event("new", submitted),
                                                                             event("filled", times[filled]))
            elif len(changes) == 2:  # new → canceled, held → new, …: without a comprehension
                (first, at_first), (then, at_then) = changes
                submitted = times[at_first]
                events = (event(first, submitted), event(then, times[at_then]))
            else:
                submitted = times[changes[0][1]]
                events = tuple([event(status, times[step]) for status, step in changes])
            append(make(
                order.id, client_id, order.seq, parent.id if parent is not None else None,
                order.symbol, order.side, order.type,
                _order_class(asked),
                LEGS[leg] if leg else None, order.time_in_force, None if qty is None else shares[qty],
                order.notional, order.percent, order.limit_price, order.stop_price, order.take_profit,
                order.stop_loss, order.status, shares[order.filled_qty],
                prices[order.fill_price] if filled is not None else None, order.reason, submitted,
                times[filled] if filled is not None else None, events,
            ))
        return tuple(records)

    def reject_reasons(self) -> list[str | None]:
        return [order.reason for order in self._orders if order.status == "rejected"]

    def still_working(self) -> tuple[int, int]:
        """Orders neither filled nor ended when the bars ran out (a bracket's exit waiting for its entry not
        counted): those placed on the last bar (no later bar to fill them) and those placed before it (a limit
        or stop price the bars never reached, or a bracket's exit waiting on its price)."""
        last = len(self.timeline) - 1
        working = [order.submitted for order in self._orders if order.status == "new"]
        on_last = sum(1 for step in working if step >= last)
        return on_last, len(working) - on_last

    @without_collector
    def fills(self, start: int = 0, stop: int | None = None) -> tuple[FillRecord, ...]:
        chunk = self._fills[start:stop]
        times = self._times_of(map(itemgetter(6), chunk))
        prices = self._decimals(self._prices, map(itemgetter(4), chunk), to_price)
        shares = self._decimals(self._shares, map(itemgetter(3), chunk), self.units.decimal)
        cash = self._decimals(self._cash, map(itemgetter(5), chunk), to_cash)
        symbols, make = self.symbols, self._make_fill
        return tuple([
            make(f"f-{n:06d}", oid, symbols[k], side, shares[qty], prices[price], cash[fee], times[step])
            for n, (oid, k, side, qty, price, fee, step) in enumerate(chunk, start=start + 1)
        ])

    @without_collector
    def trades(self, start: int = 0, stop: int | None = None) -> tuple[TradeRecord, ...]:
        chunk = self._trades[start:stop]
        times = self._times_of(chain(map(itemgetter(3), chunk), map(itemgetter(5), chunk)))
        prices = self._decimals(self._prices, chain(map(itemgetter(4), chunk), map(itemgetter(6), chunk)), to_price)
        shares = self._decimals(self._shares, map(itemgetter(2), chunk), self.units.decimal)
        cash = self._decimals(self._cash, map(itemgetter(8), chunk), to_cash)  # fees: a few distinct values
        symbols, make, decimal = self.symbols, self._make_trade, Decimal
        return tuple([  # (P&L: to_cash and return_pct, inlined)
            make(f"t-{n:06d}", symbols[k], direction, shares[qty], times[entry], prices[entry_price], times[exit_],
                 prices[exit_price], decimal(pnl).scaleb(-2),
                 (decimal(pnl * 100) / decimal(value)).quantize(PCT) if value else _NO_RETURN, cash[fees],
                 exit_ - entry, entry_order, exit_order)
            for n, (k, direction, qty, entry, entry_price, exit_, exit_price, pnl, fees, value, entry_order,
                    exit_order) in enumerate(chunk, start=start + 1)
        ])
