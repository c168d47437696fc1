"""`weaver bars export`: stored bars out as CSV, in the columns `bars import` and `backtest --data` read back.

Trial 42: comparing a run with backtesting.py meant paging GET /api/v1/bars by hand; there was no way to get
the bars a run ran on into pandas. The file is what pandas reads with `index_col=0, parse_dates=True`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import numpy as np

from app.walle.repositories.bars import BarArrays

HEADER = "timestamp,open,high,low,close,volume\n"
CHUNK = 50_000  # rows formatted at a time: a million-bar series streams in bounded memory


def csv_lines(bars: BarArrays) -> Iterator[str]:
    """The header, then the rows in chunks: times in UTC with Z (ISO 8601), prices and volumes as stored
    (the shortest text that reads back as the same float)."""
    yield HEADER
    for start in range(0, len(bars.ts), CHUNK):
        stop = start + CHUNK
        stamps = np.datetime_as_string(np.asarray(bars.ts[start:stop]).astype("datetime64[ns]"), unit="s")
        columns = [[repr(v) for v in getattr(bars, name)[start:stop].tolist()]
                   for name in ("open", "high", "low", "close", "volume")]
        yield "".join(f"{t}Z,{o},{h},{lo},{c},{v}\n" for t, o, h, lo, c, v in zip(stamps, *columns, strict=True))


def write_csv(bars: BarArrays, target: IO[str]) -> int:
    """Write the bars to `target`; how many rows."""
    for chunk in csv_lines(bars):
        target.write(chunk)
    return len(bars.ts)
