"""Market data in: CSV import and broker download, stored once and shared by every run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import get_args

import numpy as np

from app.clock.timeframes import infer_timeframe, parse_timeframe
from app.greta.data.adjusted_close import adjusted_close_note
from app.greta.data.bar_csv import RowError
from app.greta.data.spacing import spacing_warning
from app.greta.data.splits import format_split_warning
from app.marvin.instruments import ASSET_CLASSES
from app.services import csv_import
from app.services.csv_import import ImportRejected, Progress, Source
from app.services.errors import ValidationFailed
from app.services.specs import SYMBOL_PATTERN, Timeframe
from app.walle.repositories.bar_conflicts import BarConflicts
from app.walle.uow import UnitOfWork

__all__ = ["BarService", "ImportRejected", "ImportResult", "check_series", "timeframe_of"]
CHUNK = 100_000
TIMEFRAMES = get_args(Timeframe)  # what a run trades on, so what an import may store (seconds included)
FETCH_TIMEFRAMES = tuple(t for t in TIMEFRAMES if not t.endswith("Sec"))  # Alpaca's data API has no second bars


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
    # rows already present whose prices differ from the stored bars (which were kept)
    conflicts: BarConflicts = field(default_factory=BarConflicts)


def check_series(symbol: str, timeframe: str, allowed: tuple[str, ...] = TIMEFRAMES) -> str:
    """The symbol as stored (upper case); 422 naming the field when it or the timeframe is not one Weaver
    stores. A trial's Data page offered 1Sec (runs trade it) and the import refused it, while the same file
    with no timeframe given was stored as 1Sec: an import takes every timeframe a run does."""
    import re

    symbol = symbol.strip().upper()
    problems = {}
    if not re.match(SYMBOL_PATTERN, symbol):
        problems["symbol"] = f"not a ticker symbol: {symbol!r}"
    if timeframe not in allowed:
        problems["timeframe"] = f"one of {', '.join(allowed)}"
    if problems:
        raise ValidationFailed(problems)
    return symbol


class BarService:
    def __init__(self, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def import_csv(self, source: Source, symbol: str, timeframe: str | None, *, keep_good_rows: bool = False,
                   source_label: str = "csv", progress: Progress | None = None, asset_class: str | None = None,
                   on_bytes: Callable[[int], None] | None = None,
                   on_checked: Callable[[int], None] | None = None) -> ImportResult:
        """`source` is a path or a seekable binary file, read twice (app/services/csv_import.py):
        `on_bytes` follows the first reading, `on_checked` hears the rows checked, `progress` follows
        the storing. An `asset_class` is stored as the symbol's instrument, so its backtests use that
        class's price steps and calendar."""
        symbol = check_series(symbol, timeframe or "1Day")
        check_asset_class(asset_class)
        found = csv_import.survey(source, on_bytes=on_bytes)
        if on_checked:
            on_checked(found.rows)
        if found.error_count and (not keep_good_rows or _newest_first(found)):
            raise ImportRejected(found.errors, found.error_count)
        if found.rows == 0:
            raise ValidationFailed({"file": "the file holds no bars, only a header: nothing to import"})
        given = timeframe
        timeframe = timeframe_of(found.median_gap_seconds, timeframe)
        conflicts = BarConflicts()
        inserted = csv_import.store(source, self.uow, symbol, timeframe, found.good, source_label=source_label,
                                    progress=progress, conflicts=conflicts)
        if asset_class is not None:
            with self.uow() as uow:
                store_instrument(uow, symbol, asset_class, source="user")
                uow.commit()
        warnings = [format_split_warning(symbol, found.suspects)] if found.suspects else []
        no_volume = "the file has no volume column: every bar's volume is stored as 0" if found.volume_missing else None
        for note in (sparse_warning(found.median_gap_seconds, given), adjusted_close_note(source), no_volume):
            if note:
                warnings.append(note)
        return ImportResult(symbol, timeframe, found.good, inserted, found.good - inserted, found.error_count,
                            found.errors, warnings, conflicts)

    def store_arrays(self, symbol: str, timeframe: str, ts: np.ndarray, columns: dict[str, object], *,
                     source: str, description: str | None = None, asset_class: str | None = None) -> int:
        """Bars already in memory (the demo's synthetic series, benchmarks), in one transaction; an
        `asset_class` is stored as the symbol's instrument (labelled `source`), as an import stores it."""
        check_asset_class(asset_class)
        inserted = 0
        with self.uow() as uow:
            if asset_class is not None:
                store_instrument(uow, symbol, asset_class, source=source)
            for first in range(0, max(len(ts), 1), CHUNK):
                part = slice(first, first + CHUNK)
                inserted += uow.bars.insert_columns(
                    symbol, timeframe, ts[part], *(columns[c][part] for c in  # type: ignore[index]
                                                   ("open", "high", "low", "close", "volume")),
                    source=source, description=description)
            uow.outbox.emit("bars.imported", {"symbol": symbol, "timeframe": timeframe, "rows": inserted,
                                              "source": source})
            uow.commit()
        return inserted


def check_asset_class(asset_class: str | None) -> None:
    if asset_class is not None and asset_class not in ASSET_CLASSES:
        raise ValidationFailed({"asset_class": f"one of {', '.join(ASSET_CLASSES)}"})


def store_instrument(uow: UnitOfWork, symbol: str, asset_class: str, *, source: str) -> None:
    """The asset class given with stored bars (by a user's import, or the demo) as the symbol's
    instrument, with no increments of its own: the class's rule applies."""
    uow.instruments.upsert(symbol, asset_class, None, None, source=source)


def _newest_first(found: csv_import.FileSurvey) -> bool:
    """Most rows are earlier than the row before them: a file written newest first, whose good rows
    (keep_good_rows) are its first row alone (trial 29 stored 1 of 500 bars). Refused with the rows'
    own reason ("rows must be oldest first (a file newest first: sort it by time)")."""
    behind = sum("is not after the previous one" in error.reason for error in found.errors)
    return found.good < found.error_count and behind * 2 > len(found.errors)


def sparse_warning(gap_seconds: float | None, given: str | None) -> str | None:
    """A file whose bars are mostly far further apart than the timeframe it is stored under (a daily file
    imported as 1Min) is stored as asked, since sparse data exists, but the user hears of it."""
    return spacing_warning(gap_seconds, given, "stored")


def timeframe_of(gap_seconds: float | None, given: str | None) -> str:
    """The timeframe to store the bars under: the one given, checked against the file's own spacing
    (the median gap between bars; an hourly file stored as 1Day would be a silent lie), or, when none
    is given, the one the data has."""
    if gap_seconds is None:
        return given or "1Day"
    found = infer_timeframe(gap_seconds)
    if given is None:
        return str(found)
    nominal = parse_timeframe(given).delta.total_seconds()
    if gap_seconds < nominal * 0.5:  # bars much closer together than the timeframe says
        raise ValidationFailed({"timeframe": f"the file's bars are {found} apart, not {given}: import it as "
                                             f"{found} (or leave the timeframe out to use the file's own)"})
    return given
