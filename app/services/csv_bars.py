"""Read and validate a CSV of bars for import, keeping prices exact (the text as written).

Accepted headers (case-insensitive): `timestamp|date|time|datetime, open, high, low, close,
volume` (Yahoo's `Adj Close` is ignored). Times are UTC: ISO-8601 dates or date-times (a trailing
`Z` or `+00:00` is fine; other offsets are converted) or epoch seconds. Validation is vectorised
with numpy so a million rows take seconds; every bad row is reported with its file line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

TIME_HEADERS = ("timestamp", "date", "datetime", "time", "t")
PRICE_HEADERS = ("open", "high", "low", "close", "volume")
MAX_REPORTED = 200


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ParsedBars:
    ts: np.ndarray  # int64 epoch nanoseconds, UTC
    columns: dict[str, list[str]]  # open/high/low/close/volume as written
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def __len__(self) -> int:
        return len(self.ts)


class CsvRejected(Exception):
    def __init__(self, errors: list[RowError], error_count: int, message: str | None = None):
        self.errors, self.error_count = errors, error_count
        first = errors[0] if errors else None
        super().__init__(message or f"{error_count} bad row(s); first: line {first.line}: {first.reason}")


def parse_bars_csv(text: str | io.TextIOBase, *, keep_good_rows: bool = False) -> ParsedBars:
    """Parse and validate; raise CsvRejected unless every row is good (or `keep_good_rows`, which
    drops the bad ones and reports them)."""
    reader = csv.reader(io.StringIO(text) if isinstance(text, str) else text)
    header = next(reader, None)
    if not header:
        raise CsvRejected([RowError(1, "the file is empty")], 1)
    names = [h.strip().lower() for h in header]
    time_col = next((names.index(h) for h in TIME_HEADERS if h in names), None)
    missing = [h for h in PRICE_HEADERS if h not in names]
    if time_col is None:
        missing.insert(0, "timestamp (or date)")
    if missing:
        raise CsvRejected([RowError(1, f"missing column(s): {', '.join(missing)}")], 1)
    price_cols = [names.index(h) for h in PRICE_HEADERS]
    width = len(names)
    raw_times: list[str] = []
    texts: list[list[str]] = [[] for _ in PRICE_HEADERS]
    errors: list[RowError] = []
    bad: list[int] = []
    for index, row in enumerate(reader):
        if len(row) != width:
            if not row:  # a trailing blank line is not an error
                continue
            errors.append(RowError(index + 2, f"expected {width} fields, found {len(row)}"))
            bad.append(len(raw_times))
            row = row + [""] * (width - len(row))
        raw_times.append(row[time_col].strip())
        for slot, col in enumerate(price_cols):
            texts[slot].append(row[col].strip())
    return _validate(raw_times, texts, errors, bad, keep_good_rows)


def _validate(raw_times: list[str], texts: list[list[str]], errors: list[RowError], bad_rows: list[int],
              keep: bool) -> ParsedBars:
    count = len(raw_times)
    ts, time_bad = _parse_times(raw_times)
    bad = np.zeros(count, dtype=bool)
    bad[bad_rows] = True
    reasons: dict[int, str] = {i: "unparseable timestamp" for i in np.flatnonzero(time_bad)}
    values = []
    for name, column in zip(PRICE_HEADERS, texts, strict=True):
        numbers, unparsed = _parse_numbers(column)
        for i in np.flatnonzero(unparsed):
            reasons.setdefault(int(i), f"{name} is not a number")
        values.append(numbers)
    o, h, lo, c, v = values
    with np.errstate(invalid="ignore"):
        checks = [
            (np.isnan(o) | np.isnan(h) | np.isnan(lo) | np.isnan(c) | np.isnan(v), "a price or the volume is NaN"),
            (h < np.maximum(o, c), "high is below open or close"),
            (lo > np.minimum(o, c), "low is above open or close"),
            (h < lo, "high is below low"),
            (v < 0, "negative volume"),
        ]
    if count > 1:
        step = np.diff(ts)
        checks.append((np.concatenate([[False], step == 0]), "duplicate timestamp"))
        checks.append((np.concatenate([[False], step < 0]), "timestamp is earlier than the row before"))
    for mask, reason in checks:
        for i in np.flatnonzero(mask & ~time_bad):
            reasons.setdefault(int(i), reason)
    for i in bad_rows:  # a row with the wrong number of fields has that one problem only
        reasons.pop(i, None)
    for i in reasons:
        bad[i] = True
    errors = sorted(errors + [RowError(int(i) + 2, r) for i, r in reasons.items()], key=lambda e: e.line)
    error_count = len({e.line for e in errors})
    if error_count and not keep:
        raise CsvRejected(errors[:MAX_REPORTED], error_count)
    good = ~bad
    columns = {name: [t for t, ok in zip(col, good.tolist(), strict=True) if ok] if error_count else col
               for name, col in zip(PRICE_HEADERS, texts, strict=True)}
    return ParsedBars(ts[good], columns, errors[:MAX_REPORTED], error_count)


def _parse_numbers(column: list[str]) -> tuple[np.ndarray, np.ndarray]:
    try:
        return np.array(column, dtype=np.float64), np.zeros(len(column), dtype=bool)
    except ValueError:
        numbers = np.empty(len(column))
        unparsed = np.zeros(len(column), dtype=bool)
        for i, text in enumerate(column):
            try:
                numbers[i] = float(text)
            except ValueError:
                numbers[i], unparsed[i] = np.nan, True
        return numbers, unparsed


def _parse_times(raw: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Epoch ns per row and a mask of rows that could not be read."""
    count = len(raw)
    if count and raw[0].replace(".", "", 1).isdigit():  # epoch seconds
        try:
            return (np.array(raw, dtype=np.float64) * 1e9).astype(np.int64), np.zeros(count, dtype=bool)
        except ValueError:
            pass
    cleaned = [_strip_utc(t) for t in raw]
    try:
        parsed = np.array(cleaned, dtype="datetime64[ns]")
        return parsed.astype(np.int64), np.zeros(count, dtype=bool)
    except ValueError:
        pass
    ts = np.zeros(count, dtype=np.int64)
    bad = np.zeros(count, dtype=bool)
    for i, text in enumerate(raw):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            bad[i] = True
            continue
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        ts[i] = int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000
    return ts, bad


def _strip_utc(text: str) -> str:
    for suffix in ("Z", "+00:00", "+0000"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text
