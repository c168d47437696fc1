"""Which close Weaver trades when a file also has Yahoo's `Adj Close`: said once, on import and backtest.

Trial 25 imported a Yahoo-style file whose Adj Close was 2 % below Close: nothing said which column the
bars took (Close: the prices traded that day; Adj Close is back-adjusted for dividends and splits)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

ADJUSTED = frozenset({"adj close", "adj_close", "adjclose", "adjusted close", "adjusted_close"})
NOTE = ("the file's Adj Close column is not used: the bars take open, high, low and close as traded "
        "(not adjusted for dividends); to backtest on adjusted prices, import a file whose close is the adjusted one")


def adjusted_close_note(source: str | Path | IO[bytes]) -> str | None:
    """NOTE when the file's header names an adjusted close, else None (the file is left where it was)."""
    names = [name.strip().lower() for name in next(csv.reader([_first_line(source)]), [])]
    return NOTE if ADJUSTED.intersection(names) else None


def _first_line(source: str | Path | IO[bytes]) -> str:
    if isinstance(source, str | Path):
        with open(source, "rb") as file:
            line = file.readline(65_536)
    else:
        at = source.tell()  # (an upload read to its end by the import: trial 26's API import said nothing)
        source.seek(0)
        line = source.readline(65_536)
        source.seek(at)
    return line.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
