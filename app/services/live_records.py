"""A paper or live run's trades and bars for its page, from what its worker recorded: the trades are
its orders paired first in, first out by the rules backtests use (app/veda/trades.py, Greta's book),
so a round trip shows as soon as its closing fill is booked; the bars are the ones it traded on
(live_bars). The web process reads the database only, never the broker.

A backtest's order fills whole, so one order is one leg of a trade. A broker fills an order in parts:
its parts are one leg here too (`legs`), else one order of 105 shares filled 39 + 27 + 39 would show as
three trades. A leg's quantity and fees are its parts' sums, its value their Σ qty × price exactly
(what its P&L is worked from, to the cent half-even as Greta's), its price the volume-weighted average
rounded half-even to the 12 decimals prices are stored with (as the order's average fill price); it
enters at its first part's time and exits at its last's. An order still filling is a leg of what it has
filled so far. An exit leg still closes entry legs first in, first out, one trade per entry leg."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from app.greta.ledger import return_pct
from app.greta.metrics import Metrics, trade_stats
from app.services.results import row_id
from app.veda.trades import FillRow, round_trips
from app.walle.repositories.live_records import LiveRecords

LIVE_MODES = ("paper", "live")
PRICE = Decimal("1e-12")  # prices are stored as NUMERIC(30,12)


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


def legs(rows: Iterable[tuple[Any, ...]]) -> list[FillRow]:
    """Each order's fills as one leg, in the order their first parts were booked. `rows`:
    (symbol, side, qty, price, fee, ts, fee_qty, order_id) oldest first (LiveRecords.fill_rows)."""
    parts: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        parts.setdefault(row[7], []).append(row)
    out = []
    for fills in parts.values():  # dicts keep insertion order: by each order's first part
        symbol, side, _, _, _, first, *_ = fills[0]
        if len(fills) == 1:
            out.append(FillRow(*fills[0][:7]))
            continue
        qty = sum((f[2] for f in fills), Decimal(0))
        value = sum((f[2] * f[3] for f in fills), Decimal(0))
        price = (value / qty).quantize(PRICE) if qty else fills[-1][3]
        out.append(FillRow(symbol, side, qty, price, sum((f[4] for f in fills), Decimal(0)), first,
                           sum((f[6] for f in fills), Decimal(0)), value=value, last_ts=fills[-1][5]))
    return out


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
    return trade_stats(pnl, pct)


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
