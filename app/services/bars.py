"""Market data in: CSV import and broker download, stored once and shared by every run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from app.clock.timeframes import infer_timeframe, parse_timeframe
from app.greta.data.splits import find_split_suspects, format_split_warning
from app.marvin.instruments import ASSET_CLASSES
from app.services.csv_bars import CsvRejected, ParsedBars, RowError, parse_bars_csv
from app.services.errors import ValidationFailed
from app.services.specs import SYMBOL_PATTERN
from app.walle.uow import UnitOfWork

Progress = Callable[[int, int], None]  # (rows stored, rows to store); first called with 0 before any is written
CHUNK = 100_000
TIMEFRAMES = ("1Min", "5Min", "15Min", "30Min", "1Hour", "1Day")


@dataclass(frozen=True)
class ImportResult:
    symbol: str
    timeframe: str
    rows: int
    inserted: int
    skipped: int
    error_count: int
    errors: list[RowError]
    warnings: list[str] = field(default_factory=list)  # e.g. a suspected split in unadjusted bars


class ImportRejected(ValidationFailed):
    """A file with bad rows: nothing was stored; `errors` lists them by line number."""

    def __init__(self, rejected: CsvRejected):
        super().__init__({"file": str(rejected)}, message=f"nothing was imported: {rejected}")
        self.details["errors"] = [{"line": e.line, "reason": e.reason} for e in rejected.errors]
        self.details["error_count"] = rejected.error_count
        self.rejected = rejected


def check_series(symbol: str, timeframe: str) -> str:
    import re

    symbol = symbol.strip().upper()
    problems = {}
    if not re.match(SYMBOL_PATTERN, symbol):
        problems["symbol"] = f"not a ticker symbol: {symbol!r}"
    if timeframe not in TIMEFRAMES:
        problems["timeframe"] = f"one of {', '.join(TIMEFRAMES)}"
    if problems:
        raise ValidationFailed(problems)
    return symbol


class BarService:
    def __init__(self, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def import_csv(self, text: str | Iterable[str], symbol: str, timeframe: str | None, *, keep_good_rows: bool = False,
                   source: str = "csv", progress: Progress | None = None,
                   asset_class: str | None = None) -> ImportResult:
        """`text` is the whole file or its lines (an open file, or a generator that reports how far
        reading got); `progress` follows the storing. An `asset_class` is stored as the symbol's
        instrument, so its backtests use that class's price steps and calendar."""
        symbol = check_series(symbol, timeframe or "1Day")
        if asset_class is not None and asset_class not in ASSET_CLASSES:
            raise ValidationFailed({"asset_class": f"one of {', '.join(ASSET_CLASSES)}"})
        try:
            parsed = parse_bars_csv(text, keep_good_rows=keep_good_rows)  # type: ignore[arg-type]
        except CsvRejected as exc:
            raise ImportRejected(exc) from None
        timeframe = timeframe_of(parsed.ts, timeframe)
        inserted = self.store(symbol, timeframe, parsed, source=source, progress=progress)
        if asset_class is not None:
            with self.uow() as uow:
                uow.instruments.upsert(symbol, asset_class, None, None, source="user")
                uow.commit()
        return ImportResult(symbol, timeframe, len(parsed), inserted, len(parsed) - inserted, parsed.error_count,
                            parsed.errors, _split_warnings(symbol, parsed))

    def store(self, symbol: str, timeframe: str, parsed: ParsedBars, *, source: str,
              description: str | None = None, progress: Progress | None = None) -> int:
        """All rows in one transaction (an import is all or nothing), written in chunks for progress."""
        total, inserted = len(parsed), 0
        if progress:
            progress(0, total)
        with self.uow() as uow:
            for first in range(0, max(total, 1), CHUNK):
                part = slice(first, first + CHUNK)
                inserted += uow.bars.insert_columns(
                    symbol, timeframe, parsed.ts[part], *(parsed.columns[c][part] for c in
                                                         ("open", "high", "low", "close", "volume")),
                    source=source, description=description,
                )
                if progress:
                    progress(min(first + CHUNK, total), total)
            uow.outbox.emit("bars.imported", {"symbol": symbol, "timeframe": timeframe, "rows": inserted,
                                              "source": source})
            uow.commit()
        return inserted

    def store_arrays(self, symbol: str, timeframe: str, ts: np.ndarray, columns: dict[str, object], *,
                     source: str, description: str | None = None) -> int:
        parsed = ParsedBars(ts=ts, columns=columns)  # type: ignore[arg-type]
        return self.store(symbol, timeframe, parsed, source=source, description=description)


def timeframe_of(ts: np.ndarray, given: str | None) -> str:
    """The timeframe to store the bars under: the one given, checked against the file's own spacing (an
    hourly file stored as 1Day would be a silent lie), or, when none is given, the one the data has."""
    if len(ts) < 2:
        return given or "1Day"
    gap = float(np.median(np.diff(ts))) / 1e9
    found = infer_timeframe(gap)
    if given is None:
        return str(found)
    nominal = parse_timeframe(given).delta.total_seconds()
    if gap < nominal * 0.5:  # bars much closer together than the timeframe says
        raise ValidationFailed({"timeframe": f"the file's bars are {found} apart, not {given}: import it as "
                                             f"{found} (or leave the timeframe out to use the file's own)"})
    return given


def _split_warnings(symbol: str, parsed: ParsedBars) -> list[str]:
    """Suspected splits in the file's bars (a 4:1 jump close → open), for the importer to show."""
    if len(parsed) < 2:
        return []
    opens, closes = (np.asarray(parsed.columns[c], dtype=np.float64) for c in ("open", "close"))
    suspects = find_split_suspects(parsed.ts, opens, closes)
    return [format_split_warning(symbol, suspects)] if suspects else []
