"""A live run's bar history: fetched from the broker, kept in memory per run, as BarFrames.

The strategy of a live run sees the whole history the run recorded (its warm-up plus every bar since),
not a rolling window, so its indicators are those a backtest over the same bars computes. Each tick
only asks the broker for the bars newer than the last one held.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

from app.clock.realtime import live_timeframe
from app.marvin.bars import BarFrame
from app.veda.ports import Broker

WARMUP_BARS = 300
PRICE = Decimal("1e-12")  # live_bars keep prices as NUMERIC(30,12), volumes as NUMERIC(28,9)
VOLUME = Decimal("1e-9")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Row = tuple[int, float, float, float, float, float]  # ts (epoch ns), open, high, low, close, volume


class RunHistory:
    """Per symbol, the bars a run has seen (int64 ns and float64 columns), and which of them it traded on."""

    def __init__(self, symbols: Sequence[str], timeframe: str):
        self.symbols, self.timeframe = list(symbols), timeframe
        self.columns = {s: [np.empty(0, np.int64), *(np.empty(0) for _ in range(5))] for s in self.symbols}
        self.processed: list[int] = []  # bar times (ns) next() ran on, ascending

    def extend(self, symbol: str, rows: Sequence[Row]) -> None:
        if not rows:
            return
        columns = self.columns[symbol]
        added = list(zip(*rows, strict=True))
        columns[0] = np.concatenate([columns[0], np.array(added[0], dtype=np.int64)])
        for k in range(1, 6):
            columns[k] = np.concatenate([columns[k], np.array(added[k], dtype=np.float64)])

    def last(self, symbol: str) -> int | None:
        ts = self.columns[symbol][0]
        return int(ts[-1]) if len(ts) else None

    @property
    def empty(self) -> bool:
        return all(not len(self.columns[s][0]) for s in self.symbols)

    def frames(self, upto: int | None = None) -> list[BarFrame]:
        """Every symbol's bars up to and including `upto` (ns; default: all), as read-only views."""
        out = []
        for symbol in self.symbols:
            columns = self.columns[symbol]
            count = len(columns[0]) if upto is None else int(np.searchsorted(columns[0], upto, side="right"))
            out.append(BarFrame(symbol, self.timeframe, *(c[:count] for c in columns), check=False))
        return out

    def marks(self, upto: int) -> dict[str, Decimal]:
        """Each symbol's latest close at `upto`: the price positions are valued at, as a tick does."""
        marks = {}
        for symbol in self.symbols:
            ts, close = self.columns[symbol][0], self.columns[symbol][4]
            row = int(np.searchsorted(ts, upto, side="right")) - 1
            if row >= 0:
                marks[symbol] = Decimal(repr(float(close[row])))
        return marks


def fetch_rows(broker: Broker, symbols: list[str], timeframe: str, bar_ts: datetime,
               after: datetime | None, warmup: int = WARMUP_BARS) -> dict[str, list[Row]]:
    """Per symbol, the bars after `after` up to and including `bar_ts`; without `after`, the last
    `warmup` of them. The window asked for is wider than `warmup` bars of wall time, because markets
    close at night and at weekends. Prices come back as they are stored (12 decimals), so the run in
    memory and the run replayed from its records see the same numbers."""
    frame = live_timeframe(timeframe)
    if after is None:
        span = warmup * frame.delta.total_seconds() * (1.6 if frame.daily else 1 if frame.unit == "Sec" else 4)
        start = bar_ts - timedelta(seconds=span)
    else:
        start = after
    found = broker.bars(symbols, timeframe, _iso(start), _iso(bar_ts))
    out = {}
    for symbol in symbols:
        rows = [r for r in found.get(symbol, []) if (after is None or r.ts > after) and r.ts <= bar_ts]
        rows.sort(key=lambda r: r.ts)
        out[symbol] = [stored_row(_ns(r.ts), r.open, r.high, r.low, r.close, r.volume)
                       for r in (rows if after is not None else rows[-warmup:])]
    return out


def stored_row(ts: int, *values: float | Decimal | str) -> Row:
    """A bar's values as live_bars keep them (prices to 12 decimals, volume to 9), back as floats."""
    prices = [float(Decimal(repr(v) if isinstance(v, float) else v).quantize(PRICE)) for v in values[:4]]
    volume = float(Decimal(repr(values[4]) if isinstance(values[4], float) else values[4]).quantize(VOLUME))
    return (ts, prices[0], prices[1], prices[2], prices[3], volume)


def ns_of(moment: datetime) -> int:
    return _ns(moment)


def rows_of(frames: Iterable[BarFrame]) -> dict[str, list[Row]]:
    """BarFrames back as rows (tests and the replay's loader build histories from frames)."""
    return {f.symbol: [(int(t), *map(float, v)) for t, *v in zip(f.ts, f.open, f.high, f.low, f.close, f.volume,
                                                               strict=True)] for f in frames}


def _ns(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

