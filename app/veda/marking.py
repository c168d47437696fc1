"""Marking a live run at each bar: positions at the bar's close, the equity point, the run's metrics.

What a tick's cost must not grow with is kept here per run: the equity curve (read once, then
appended), the start-of-day equity (read once a day), the metric rows already stored and the run's
annualisation. Its trade figures are paired from its fills again only when its cash moved (a fill or
a fee), the runs of one bar that traded together, their fills read in one query (`write`). Besides a
backtest's equity figures a live run reports `day_pnl`: equity now − equity at 00:00 New York of the
bar's day (the day the daily-loss limit counts), and `day_start_equity`; and `orders_rejected` as a
backtest counts it, read again only when the tick booked a rejection. Nothing here opens a unit of
work: the tick hands its own in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import func, select, update

from app.clock.realtime import NEW_YORK
from app.clock.timeframes import parse_timeframe
from app.greta.annualise import annualisation
from app.greta.metrics import equity_metrics
from app.marvin.instruments import Instrument
from app.services.live_records import trade_metrics
from app.veda.book import Book, RunFacts
from app.walle.models import EquityPoint, Order, RunMetric
from app.walle.uow import UnitOfWork


@dataclass
class Curve:
    """One run's equity curve and what its metrics need, kept between ticks."""

    ts: list[datetime] = field(default_factory=list)
    equity: list[float] = field(default_factory=list)
    metrics: dict[str, float | None] | None = None  # each stored figure's value (None: not read yet)
    bars_per_year: float | None = None
    day: tuple[datetime, Decimal] | None = None  # (day start, equity at it)
    cash_seen: Decimal | None = None  # the cash the trade figures were paired at


class Marking:
    def __init__(self) -> None:
        self.curves: dict[str, Curve] = {}
        self.unpaired: set[str] = set()  # runs whose cash moved this bar: their trades are paired in `write`

    def forget(self, run_id: str) -> None:
        self.curves.pop(run_id, None)
        self.unpaired.discard(run_id)

    def day_start_equity(self, uow: UnitOfWork, run: RunFacts, day_start: datetime) -> Decimal:
        """The run's equity when its trading day began (its last point before), read once a day."""
        curve = self.curves.setdefault(run.id, Curve())
        if curve.day is None or curve.day[0] != day_start:
            first = uow.session.scalar(select(EquityPoint.equity).where(
                EquityPoint.run_id == run.id, EquityPoint.ts < day_start).order_by(EquityPoint.ts.desc()).limit(1))
            curve.day = (day_start, first if first is not None else run.cash)
        return curve.day[1]

    def mark(self, uow: UnitOfWork, run: RunFacts, bar_ts: datetime, marks: dict[str, Decimal], book: Book,
             pending: list[dict[str, Any]] | None = None, rejected: bool = False) -> Decimal:
        """Mark positions at the bar's close and record the run's equity point and metrics for the bar.
        `pending`: the metrics' new values are added to it, for the caller to write with other runs'
        in one statement (`write`) in the same unit of work. `rejected`: an order of the run was rejected
        since it was last marked."""
        equity = book.cash
        for symbol, position in book.positions.items():
            mark = marks.get(symbol, position.mark_price)
            if mark != position.mark_price:
                position.mark_price = mark
            equity += position.qty * (mark or Decimal(0))
        curve = self._curve(uow, run.id, bar_ts)
        if curve.ts and curve.ts[-1] == bar_ts:  # the same bar again
            point = uow.session.get(EquityPoint, (run.id, bar_ts))
            if point is not None:
                point.equity, point.cash = equity, book.cash
            curve.equity[-1] = float(equity)
        else:
            uow.session.add(EquityPoint(run_id=run.id, ts=bar_ts, equity=equity, cash=book.cash))
            curve.ts.append(bar_ts)
            curve.equity.append(float(equity))
        day = datetime.combine(bar_ts.astimezone(NEW_YORK).date(), datetime.min.time(), NEW_YORK)
        day_start = self.day_start_equity(uow, run, day)
        if curve.cash_seen != book.cash:  # a fill or a fee since the last pairing (or none done yet)
            curve.cash_seen = book.cash
            self.unpaired.add(run.id)
        daily = {"day_start_equity": float(day_start), "day_pnl": float(equity - day_start)}
        changed = self._metrics(uow, run, curve, daily, rejected)
        if pending is not None:
            pending.extend(changed)
        else:
            self.write(uow, changed)
        return equity

    def write(self, uow: UnitOfWork, pending: list[dict[str, Any]]) -> None:
        """Pair the trades of the runs whose cash moved (one query for all), then write every changed
        figure in one statement (`write_metrics`)."""
        if self.unpaired:
            runs, self.unpaired = sorted(self.unpaired), set()
            for run_id, figures in trade_metrics(uow.session, runs).items():
                curve = self.curves.get(run_id)
                if curve is not None and curve.metrics is not None:
                    pending.extend(self._store(uow, run_id, curve, figures))
        write_metrics(uow, pending)

    def _curve(self, uow: UnitOfWork, run_id: str, bar_ts: datetime) -> Curve:
        curve = self.curves.setdefault(run_id, Curve())
        if not curve.ts or bar_ts < curve.ts[-1]:  # first tick of this worker, or time went back: read it
            rows = uow.session.execute(select(EquityPoint.ts, EquityPoint.equity)
                                       .where(EquityPoint.run_id == run_id).order_by(EquityPoint.ts)).all()
            curve.ts, curve.equity = [ts for ts, _ in rows], [float(e) for _, e in rows]
        return curve

    @staticmethod
    def _metrics(uow: UnitOfWork, run: RunFacts, curve: Curve, more: dict[str, float | int | None],
                 rejected: bool = False) -> list[dict[str, Any]]:
        """Return, Sharpe, drawdown… from the run's equity points so far, so the dashboard shows and
        sorts live and paper runs by the same figures as backtests. New metrics are added to the
        session; the stored ones whose value changed are returned, to be written by `write_metrics`
        (a unit of work that fails must `forget` the run: its figures were not written)."""
        if curve.bars_per_year is None:
            # Crypto annualises by 365 × 24 h, stocks by the session. A pair the broker's asset list has not been
            # stored for yet is crypto all the same (trial 35: a new install's first BTC/USD run was annualised
            # by the stock year until a restart).
            symbol = run.symbols[0]
            known = uow.instruments.get(symbol)
            instrument = Instrument(symbol, known.asset_class if known else "crypto" if "/" in symbol else "us_equity")
            year = annualisation(np.empty(0, dtype=np.int64), parse_timeframe(run.timeframe), instrument)
            curve.bars_per_year = year.bars_per_year
        if curve.metrics is None:
            curve.metrics = {name: None if value is None else float(value) for name, value in uow.session.execute(
                select(RunMetric.name, RunMetric.value).where(RunMetric.run_id == run.id))}
        if rejected or "orders_rejected" not in curve.metrics:  # counted as Greta's results count them
            uow.session.flush()  # this tick's rejections are rows of the session not written yet
            more = {**more, "orders_rejected": uow.session.scalar(select(func.count()).where(
                Order.run_id == run.id, Order.status == "rejected")) or 0}
        figures = {**equity_metrics(np.array(curve.equity), float(run.cash), curve.bars_per_year), **more}
        return Marking._store(uow, run.id, curve, figures)

    @staticmethod
    def _store(uow: UnitOfWork, run_id: str, curve: Curve, figures: dict[str, Any]) -> list[dict[str, Any]]:
        """Add the figures the run has no row for yet; return the stored ones whose value changed."""
        assert curve.metrics is not None  # read by `_metrics` before any figure is stored
        changed = []
        for name, value in figures.items():
            value = None if value is None else float(value)
            if name not in curve.metrics:
                uow.session.add(RunMetric(run_id=run_id, name=name, value=value))
            elif curve.metrics[name] != value:  # a flat run's figures stay put: nothing to write
                changed.append({"run_id": run_id, "name": name, "value": value})
            curve.metrics[name] = value
        return changed


def write_metrics(uow: UnitOfWork, changed: list[dict[str, Any]]) -> None:
    """One statement for every figure of every run given (an executemany by primary key)."""
    if changed:
        uow.session.execute(update(RunMetric), changed)
