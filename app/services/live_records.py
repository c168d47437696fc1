"""A paper or live run's trades and bars for its page, from what its worker recorded: the trades are
its orders paired first in, first out by the rules backtests use (app/veda/trades.py, Greta's book),
so a round trip shows as soon as its closing fill is booked; the bars are the ones it traded on
(live_bars). The web process reads the database only, never the broker.

A backtest's order fills whole, so one order is one leg of a trade; a broker's order filled in parts
is one leg here too (`legs`, app/veda/trades.py), its value the cash its parts moved (each part's
qty × price settled to the cent, half up, as the broker and Greta settle a fill), its price their
volume-weighted average. An exit leg
still closes entry legs first in, first out, one trade per entry leg. The run's strategy reads the same
trades (app/veda/reads.py), so what it counts is what this page shows."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from app.greta.ledger import return_pct
from app.greta.metrics import Metrics, trade_stats
from app.services.results import row_id
from app.veda.trades import legs, round_trips
from app.walle.repositories.live_records import LiveRecords

LIVE_MODES = ("paper", "live")


@dataclass(frozen=True, slots=True)
class LiveTrade:
    """One closed round trip, shaped as the trades table's rows (TradeOut, the export's columns)."""

    id: str
    symbol: str
    direction: str
    qty: Decimal
    entry_ts: datetime
    entry_price: Decimal
    exit_ts: datetime
    exit_price: Decimal
    pnl: Decimal
    return_pct: Decimal
    fees: Decimal
    bars_held: int


def trade_metrics(session: Session, run_ids: list[str]) -> dict[str, Metrics]:
    """Trades, win rate, profit factor, expectancy and trade returns of each run's closed round trips, as
    a backtest's metrics give them (app/greta/metrics.py), paired from its fills as its trades table is
    (the fills of every run given read in one query)."""
    return {run_id: _trade_metrics(rows) for run_id, rows in LiveRecords(session).fill_rows_of(run_ids).items()}


def _trade_metrics(rows: list[tuple[Any, ...]]) -> Metrics:
    trips, _ = round_trips(legs(rows))
    pnl = np.array([float(trip.trade.pnl) for trip in trips], dtype=np.float64)
    pct = np.array([float(return_pct(int(trip.trade.pnl * 100), int(trip.entry_value * 100))) for trip in trips],
                   dtype=np.float64)
    # Fees as a backtest's metrics give them: every fill's, in dollars (a paper run showed "—" beside 0.00)
    return {**trade_stats(pnl, pct), "fees_total": float(sum((row[4] for row in rows), Decimal(0)))}


def closed_trades(session: Session, run_id: str) -> list[LiveTrade]:
    """The run's closed round trips, in the order their exits began. `bars_held` counts the recorded bars
    that began after the entry order's first fill up to the exit order's last: the steps between them, as
    a backtest counts."""
    records = LiveRecords(session)
    trips, _ = round_trips(legs(records.fill_rows(run_id)))
    bar_times: dict[str, list[datetime]] = {}
    out = []
    for n, trip in enumerate(trips, start=1):
        t = trip.trade
        assert t.exit_time is not None and t.exit_price is not None  # closed trades have exits
        times = bar_times.get(t.symbol)
        if times is None:
            times = bar_times[t.symbol] = records.bar_times(run_id, t.symbol)
        held = bisect_right(times, t.exit_time) - bisect_right(times, t.entry_time)
        out.append(LiveTrade(row_id(run_id, f"t-{n:06d}"), t.symbol, t.direction, t.size, t.entry_time,
                             t.entry_price, t.exit_time, t.exit_price, t.pnl,
                             return_pct(int(t.pnl * 100), int(trip.entry_value * 100)), trip.fees, held))
    return out
