"""A live run's round trips from its orders' fills: FIFO lots, as Greta's book pairs them (app/greta/book.py).

A backtest's order fills whole, so one order is one leg of a trade. A broker fills an order in parts:
its parts are one leg here too (`legs`), else one order of 105 shares filled 39 + 27 + 39 would be
three trades -- to the run's page (app/services/live_records.py), to its strategy (reads.py) and to its
replay (replay.py) alike. A leg's quantity and fees are its parts' sums, its value the cash its parts
moved (each part's qty × price settled to the cent, half up, as the broker settles it and as the run's
cash counts it: app/veda/positions.settled), its price the volume-weighted average rounded half-even to
the 12 decimals prices are stored with; it enters at its first part's time and exits at its last's. An
order still filling is a leg of what it has filled so far.

Each opening leg is a lot; a closing leg consumes lots first in, first out, and every lot (or part
of one) it consumes is one closed trade. A crypto buy whose fee was taken in the coin is a lot of the
coins received, worth what the whole fill cost. Values and fees are split across lots in cents, half-even,
so the trades' P&L adds up to the cash the fills moved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from app.marvin.account import Trade
from app.veda.positions import settled

ZERO = Decimal(0)
CENT = Decimal("0.01")
PRICE = Decimal("1e-12")  # prices are stored as NUMERIC(30,12)


@dataclass(frozen=True, slots=True)
class FillRow:
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime
    fee_qty: Decimal = ZERO  # coins the fee took (worth `fee`): the lot holds qty less these, at the rest of the value
    # An order filled in parts, as one leg (`legs`): the cash its parts moved, Σ qty × price settled to the
    # cent per part (None: qty × price settled), and when its last part filled, its time as an exit (ts: its
    # first, as an entry).
    value: Decimal | None = None
    last_ts: datetime | None = None


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
        value = sum((settled(f[2], f[3]) for f in fills), Decimal(0))  # the cash its parts moved
        exact = sum((f[2] * f[3] for f in fills), Decimal(0))
        price = (exact / qty).quantize(PRICE) if qty else fills[-1][3]
        out.append(FillRow(symbol, side, qty, price, sum((f[4] for f in fills), Decimal(0)), first,
                           sum((f[6] for f in fills), Decimal(0)), value=value, last_ts=fills[-1][5]))
    return out


@dataclass(slots=True)
class _Lot:
    qty: Decimal
    price: Decimal
    value: Decimal  # cents of qty × price
    fee: Decimal
    ts: datetime


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """A closed trade with what the trades table also shows: its fees (entry's and exit's shares)
    and the entry value its return is a percentage of."""

    trade: Trade
    fees: Decimal
    entry_value: Decimal


def fifo(fills: Iterable[FillRow]) -> tuple[list[Trade], dict[str, tuple[bool, list[_Lot]]]]:
    """Closed trades (oldest exit first) and, per symbol still held, (long?, open lots oldest first)."""
    trips, books = round_trips(fills)
    return [trip.trade for trip in trips], books


def round_trips(fills: Iterable[FillRow]) -> tuple[list[RoundTrip], dict[str, tuple[bool, list[_Lot]]]]:
    """fifo's pairing, each closed trade with its fees and entry value."""
    closed: list[RoundTrip] = []
    books: dict[str, tuple[int, deque[_Lot]]] = {}  # symbol → (sign of the holding, lots)
    for fill in fills:
        sign = 1 if fill.side == "buy" else -1
        held, lots = books.get(fill.symbol, (0, deque()))
        value = settled(fill.qty, fill.price) if fill.value is None else fill.value
        left, left_value, left_fee = fill.qty, value, fill.fee
        exit_ts = fill.ts if fill.last_ts is None else fill.last_ts
        if fill.fee_qty:  # a coin fee: fewer coins for the same money; what they were worth (`fee`) is the fee,
            left, left_value = left - fill.fee_qty, left_value - left_fee  # the coins kept cost the rest (trial 24:
            # a trade's fees left it out while its P&L counted it, so they disagreed with the backtest's trades)
        if held and held != sign:
            long = held > 0
            while left and lots:
                lot = lots[0]
                if lot.qty <= left:
                    take, entry_value, entry_fee = lot.qty, lot.value, lot.fee
                    lots.popleft()
                else:
                    take = left
                    entry_value, entry_fee = _cents(lot.value * take / lot.qty), _cents(lot.fee * take / lot.qty)
                    lot.qty, lot.value, lot.fee = lot.qty - take, lot.value - entry_value, lot.fee - entry_fee
                if take == left:
                    exit_value, exit_fee = left_value, left_fee
                else:
                    exit_value, exit_fee = _cents(left_value * take / left), _cents(left_fee * take / left)
                pnl = (exit_value - entry_value if long else entry_value - exit_value) - entry_fee - exit_fee
                trade = Trade(fill.symbol, "long" if long else "short", take, lot.ts, lot.price, exit_ts,
                              fill.price, pnl)
                closed.append(RoundTrip(trade, entry_fee + exit_fee, entry_value))
                left, left_value, left_fee = left - take, left_value - exit_value, left_fee - exit_fee
            held = 0 if not lots else held
        if left:
            lots.append(_Lot(left, fill.price, left_value, left_fee, fill.ts))
            held = sign
        books[fill.symbol] = (held, lots)
    return closed, {symbol: (held > 0, list(lots)) for symbol, (held, lots) in books.items() if lots}


def open_trades(books: dict[str, tuple[bool, list[_Lot]]], marks: dict[str, Decimal]) -> list[Trade]:
    """The open lots as trades with their P&L unrealised at the mark (symbols in name order)."""
    out = []
    for symbol, (long, lots) in sorted(books.items()):
        mark = marks.get(symbol)
        for lot in lots:
            pnl = ZERO if mark is None else (mark - lot.price) * lot.qty * (1 if long else -1)
            out.append(Trade(symbol, "long" if long else "short", lot.qty, lot.ts, lot.price, None, None, pnl))
    return out
