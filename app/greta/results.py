"""Assemble a BacktestResult from the broker's state once the loop has finished."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np

from app.greta.annualise import Annualisation
from app.greta.book import Position, TradeRow
from app.greta.broker import FillRow, SimBroker
from app.greta.equity import equity_curve
from app.greta.metrics import compute_metrics
from app.greta.money import E4, Quantities, mark_e4, price_units, round_half_even, to_cash, to_price
from app.greta.orders import SimOrder
from app.greta.records import (
    BacktestResult,
    FillRecord,
    OrderEvent,
    OrderRecord,
    PositionRecord,
    TradeRecord,
    maker,
    without_collector,
)
from app.marvin.bars import ns_to_datetime
from app.marvin.gateway import client_order_id

_LEGS = {"tp": "take_profit", "sl": "stop_loss"}
PCT = Decimal("0.000001")


class RunLedger:
    """The broker's raw rows (tuples and order states), turned into frozen records on request."""

    def __init__(self, run_id: str, timeline: np.ndarray, symbols: tuple[str, ...], units: Quantities,
                 orders: list[SimOrder], fills: list[FillRow], trades: list[TradeRow]):
        self.run_id, self.timeline, self.symbols, self.units = run_id, timeline, symbols, units
        self._orders, self._fills, self._trades = orders, fills, trades
        self._times: dict[int, datetime] = {}
        self._prices: dict[int, Decimal] = {}
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

    def _times_of(self, steps: Iterable[int]) -> dict[int, datetime]:
        """The cache of bar datetimes, holding those of `steps`: the builders below then read it with a
        plain subscript, and each bar's datetime is made once per run."""
        times, timeline = self._times, self.timeline
        for step in {step for step in steps if step not in times}:
            times[step] = ns_to_datetime(int(timeline[step]))
        return times

    def _prices_of(self, units: Iterable[int]) -> dict[int, Decimal]:
        """The cache of prices as Decimals, holding those of `units`: an order's fill price is also its
        fill's and its trade's, so each is converted once."""
        prices = self._prices
        for value in {value for value in units if value not in prices}:
            prices[value] = to_price(value)
        return prices

    @without_collector
    def orders(self, start: int = 0, stop: int | None = None) -> tuple[OrderRecord, ...]:
        """The orders [start, stop) as records (all by default; a writer may take them in chunks)."""
        chunk = self._orders[start:stop]
        times = self._times_of(step for order in chunk for _, step in order.history)
        prices = self._prices_of(order.fill_price for order in chunk if order.filled_step is not None)
        shares, make, event, run_id = self.units.decimal, self._make_order, self._make_event, self.run_id
        records = []
        for order in chunk:
            own = order.request
            request = own if own is not None else order.parent.request  # type: ignore[union-attr]
            assert request is not None
            filled = order.filled_step is not None
            parent = order.parent
            records.append(make(
                order.id, client_order_id(run_id, request, order.leg), own.seq if own else None,
                parent.id if parent else None, order.symbol, order.side, order.type,
                "bracket" if request.take_profit is not None or request.stop_loss is not None else "simple",
                _LEGS.get(order.leg), order.time_in_force, None if order.qty is None else shares(order.qty),
                own.notional if own else None, own.percent if own else None, order.limit_price, order.stop_price,
                own.take_profit if own else None, own.stop_loss if own else None, order.status,
                shares(order.filled_qty), prices[order.fill_price] if filled else None, order.reason,
                times[order.history[0][1]], times[order.filled_step] if filled else None,  # type: ignore[index]
                tuple([event(status, times[step]) for status, step in order.history]),
            ))
        return tuple(records)

    def reject_reasons(self) -> list[str | None]:
        return [order.reason for order in self._orders if order.status == "rejected"]

    @without_collector
    def fills(self, start: int = 0, stop: int | None = None) -> tuple[FillRecord, ...]:
        chunk = self._fills[start:stop]
        times = self._times_of(row[6] for row in chunk)
        prices = self._prices_of(row[4] for row in chunk)
        symbols, shares, make = self.symbols, self.units.decimal, self._make_fill
        return tuple([
            make(f"f-{n:06d}", oid, symbols[k], side, shares(qty), prices[price], to_cash(fee), times[step])
            for n, (oid, k, side, qty, price, fee, step) in enumerate(chunk, start=start + 1)
        ])

    @without_collector
    def trades(self, start: int = 0, stop: int | None = None) -> tuple[TradeRecord, ...]:
        chunk = self._trades[start:stop]
        times = self._times_of(step for row in chunk for step in (row[3], row[5]))
        prices = self._prices_of(price for row in chunk for price in (row[4], row[6]))
        symbols, shares, make = self.symbols, self.units.decimal, self._make_trade
        return tuple([
            make(f"t-{n:06d}", symbols[k], direction, shares(qty), times[entry], prices[entry_price], times[exit_],
                 prices[exit_price], to_cash(pnl), return_pct(pnl, value), to_cash(fees), exit_ - entry,
                 entry_order, exit_order)
            for n, (k, direction, qty, entry, entry_price, exit_, exit_price, pnl, fees, value, entry_order,
                    exit_order) in enumerate(chunk, start=start + 1)
        ])


def avg_price(position: Position) -> Decimal:
    """Average cost of what is held, as a broker reports it: adds average in, exits leave it unchanged."""
    return to_price(round_half_even(position.basis, abs(position.qty))) if position.qty else Decimal(0)


def return_pct(pnl_cents: int, entry_cents: int) -> Decimal:
    """A trade's P&L as a percentage of its entry value, to 6 decimals."""
    return (Decimal(pnl_cents * 100) / Decimal(entry_cents)).quantize(PCT) if entry_cents else Decimal(0)


def build_result(config: dict[str, Any], broker: SimBroker, year: Annualisation) -> BacktestResult:
    market, book, units = broker.market, broker.book, broker.units
    symbols = market.symbols
    ledger = RunLedger(str(config.get("run_id") or "backtest"), market.timeline, symbols, units, broker.orders,
                       broker.fills, book.trades)
    cash = Decimal(config["cash"])
    curve, exposed = equity_curve(market, broker.fills, book.cash_after, int(cash.scaleb(2)), units.scale)
    last = len(market.timeline) - 1
    positions = []
    for k, position in sorted(book.held.items()):
        close = market.frames[k].close.item(market.last_row(k, last))
        value = Decimal(mark_e4(position.qty, close, units.scale)).scaleb(-4).quantize(E4)
        qty, cost = units.decimal(position.qty), to_cash(position.cost)
        positions.append(PositionRecord(symbols[k], qty, avg_price(position), to_price(price_units(close)), value,
                                        cost, value - cost, to_cash(position.realized)))
    pnl = np.array([row[7] for row in book.trades], dtype=np.float64)
    entry = np.array([row[9] for row in book.trades], dtype=np.float64)
    pct = np.divide(pnl * 100.0, entry, out=np.zeros_like(pnl), where=entry != 0)
    metrics = compute_metrics(curve, pnl / 100.0, pct, float(cash), year.bars_per_year, exposed)
    metrics["bars_per_year"] = year.bars_per_year
    metrics["orders_rejected"] = sum(1 for order in broker.orders if order.status == "rejected")
    config = {**config, "annualisation": year.basis}
    metrics["fees_total"] = book.fees / 100
    return BacktestResult(
        config=config, symbols=symbols, timeframe=market.timeframe, start=ledger.at(0), end=ledger.at(last),
        bars=len(market), positions=tuple(positions), equity=curve, metrics=metrics, final_cash=to_cash(book.cash),
        final_equity=Decimal(int(curve.equity_e4[-1])).scaleb(-4), ledger=ledger,
    )
