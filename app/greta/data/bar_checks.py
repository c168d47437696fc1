"""The checks every CSV bar row passes before Greta or the database sees it, vectorised per batch.

A row gets one reason, the first that applies: an unreadable or out-of-range timestamp (stored
times are 1970-01-01 ≤ t < 2100-01-01), a price or volume that is not a finite number or too large
for its NUMERIC column, a price that is not positive, a negative volume, high below low, high below
max(open, close), low above min(open, close), then a timestamp not after the last good row's.
Values are named as written in the file, so the message points at the text to fix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

VALUE_COLUMNS = ("open", "high", "low", "close", "volume")
PRICE_COLUMNS = VALUE_COLUMNS[:4]
FIRST_NS = 0  # 1970-01-01
END_NS = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000_000
RANGE_TEXT = "1970-01-01 … 2100-01-01"
# NUMERIC(30, 12) prices and NUMERIC(28, 9) volumes: 18 and 19 digits before the point.
TOO_LARGE = {"open": 1e18, "high": 1e18, "low": 1e18, "close": 1e18, "volume": 1e19}
EPOCH = re.compile(r"\s*\d+(\.\d*)?\s*")
NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
NO_PREVIOUS = np.iinfo(np.int64).min


@dataclass(frozen=True)
class CheckedBatch:
    """One batch after the checks: all its rows, a mask of the bad ones and why (the first `limit`)."""

    ts: np.ndarray  # int64 epoch ns, UTC
    values: tuple[np.ndarray, ...]  # float64 open, high, low, close, volume
    texts: tuple[pa.Array, ...]  # the same as written (trimmed), for exact storage
    bad: np.ndarray
    reasons: list[tuple[int, str]]  # (row in the batch, reason), the first bad rows in order
    last_ts: int  # the latest good timestamp so far: the next batch's rows must come after it


DAY_FIRST_OR_MONTH_FIRST = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def _slash_hint(text: str) -> str:
    """Trial 34: a US date (01/02/2019) was refused with no word of what is read instead; trial 36: nor 02.01.2019."""
    if "/" not in text and not DAY_FIRST_OR_MONTH_FIRST.match(text):
        return ""
    return (": dates are read as YYYY-MM-DD (ISO 8601, a time and a zone may follow) or epoch seconds; a date with "
            "slashes or dots is ambiguous (is 01/02 January 2 or 1 February?)")


def is_epoch(text: str) -> bool:
    """Epoch seconds (`1704153600` or `1704153600.5`) rather than ISO text: decided by the first row."""
    return EPOCH.fullmatch(text) is not None


# Yahoo's files say "null" on a day it has no prices for (trial 39: the backtest stopped there, no way round said).
_NULL_HINT = (": a day without prices, as Yahoo writes it; delete such rows, or `weaver bars import --keep-good-rows` "
              "stores the others")


def check_batch(ts_text: pa.Array, value_texts: list[pa.Array], *, epoch: bool, last_ts: int = NO_PREVIOUS,
                limit: int = 200) -> CheckedBatch:
    count = len(ts_text)
    fast = _converted_and_good(ts_text, value_texts, last_ts) if count else None
    if fast is not None:
        return CheckedBatch(fast[0], fast[1], tuple(value_texts), np.zeros(count, dtype=bool), [], int(fast[0][-1]))
    ts, ts_bad, out_of_range = _times(ts_text, epoch)
    texts, values = [], []
    for column in value_texts:
        text, numbers = _numbers(column)
        texts.append(text)
        values.append(numbers)
    if count and _all_good(ts, ts_bad, out_of_range, values, last_ts):
        return CheckedBatch(ts, tuple(values), tuple(texts), np.zeros(count, dtype=bool), [], int(ts[-1]))
    o, h, lo, c, v = values
    checks: list[tuple[np.ndarray, object]] = [
        (ts_bad, lambda i: f"unreadable timestamp {_text(ts_text, i)!r}" + _slash_hint(_text(ts_text, i))),
        (out_of_range, lambda i: f"timestamp {_text(ts_text, i)!r} is outside {RANGE_TEXT}"
                                 + (" (read as epoch seconds)" if epoch else "")),
    ]
    with np.errstate(invalid="ignore"):
        for name, numbers, text in zip(VALUE_COLUMNS, values, texts, strict=True):
            checks.append((np.isnan(numbers), lambda i, n=name, t=text: f"{n} is not a number ({_text(t, i)!r})"
                           + (_NULL_HINT if _text(t, i).strip().lower() == "null" else "")))
            checks.append((np.isinf(numbers),
                           lambda i, n=name, t=text: f"{n} is not a finite number ({_text(t, i)!r})"))
            checks.append((np.abs(numbers) >= TOO_LARGE[name],
                           lambda i, n=name, t=text: f"{n} {_text(t, i)} is too large (at most "
                                                     f"{len(str(int(TOO_LARGE[n]))) - 1} digits before the point)"))
        for name, numbers, text in zip(PRICE_COLUMNS, values, texts, strict=False):
            checks.append((numbers <= 0, lambda i, n=name, t=text: f"{n} {_text(t, i)} is not positive"))
        ot, ht, lt, ct, vt = texts
        checks += [
            (v < 0, lambda i: f"volume {_text(vt, i)} is negative"),
            (h < lo, lambda i: f"high {_text(ht, i)} is below low {_text(lt, i)}"),
            (h < np.maximum(o, c), lambda i: f"high {_text(ht, i)} is below max(open, close) "
                                             f"{_text(ot, i) if o[i] >= c[i] else _text(ct, i)}"),
            (lo > np.minimum(o, c), lambda i: f"low {_text(lt, i)} is above min(open, close) "
                                              f"{_text(ot, i) if o[i] <= c[i] else _text(ct, i)}"),
        ]
    reason = np.zeros(count, dtype=np.int16)
    for number, (mask, _) in enumerate(checks, start=1):
        reason[(reason == 0) & mask] = number
    previous, last_ts = _order(ts, reason == 0, last_ts)
    checks += [
        (None, lambda i: f"duplicate timestamp {iso(ts[i])} (an earlier row has it)"),
        (None, lambda i: f"timestamp {iso(ts[i])} is not after the previous one ({iso(previous[i])}): rows must be "
                         "oldest first (a file newest first: sort it by time)"),
    ]
    good = reason == 0
    reason[good & (ts == previous)] = len(checks) - 1
    reason[good & (ts < previous)] = len(checks)
    bad = reason != 0
    first = np.flatnonzero(bad)[:limit].tolist()
    reasons = [(i, checks[reason[i] - 1][1](i)) for i in first]  # type: ignore[operator]
    return CheckedBatch(ts, tuple(values), tuple(texts), bad, reasons, last_ts)


def _converted_and_good(ts_column: pa.Array, value_columns: list[pa.Array],
                        last_ts: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]] | None:
    """The times and values of a batch Arrow converted (times in ns, numbers as float64, none
    missing) when no row breaks a check; None sends the batch through the checks one by one.
    Strictly increasing times are in range when the first and last are."""
    if not (pa.types.is_timestamp(ts_column.type) and ts_column.type.unit == "ns" and ts_column.null_count == 0):
        return None
    if not all(pa.types.is_float64(c.type) and c.null_count == 0 for c in value_columns):
        return None
    ts = _numpy(ts_column, np.int64)
    if not (ts[0] > last_ts and ts[0] >= FIRST_NS and ts[-1] < END_NS and (ts[1:] > ts[:-1]).all()):
        return None
    values = tuple(_numpy(c, np.float64) for c in value_columns)
    return (ts, values) if _values_good(values) else None


def _all_good(ts: np.ndarray, ts_bad: np.ndarray, out_of_range: np.ndarray, values: list[np.ndarray],
              last_ts: int) -> bool:
    """Whether no row breaks a check: times that are readable, in range and each after the one
    before pass the time checks."""
    if not _values_good(values) or ts_bad.any() or out_of_range.any() or ts[0] <= last_ts:
        return False
    return bool((ts[1:] > ts[:-1]).all())


def _values_good(values: tuple[np.ndarray, ...] | list[np.ndarray]) -> bool:
    """Whether no price or volume breaks a check, in a few passes over the batch (the checks one by
    one take a dozen): low > 0, low ≤ open, close ≤ high < 1e18 and 0 ≤ volume < 1e19 hold for
    exactly the rows every price and volume check lets through (NaN fails every comparison)."""
    o, h, lo, c, v = values
    with np.errstate(invalid="ignore"):  # min and max are NaN if any value is
        if not (lo.min() > 0 and h.max() < TOO_LARGE["high"] and v.min() >= 0 and v.max() < TOO_LARGE["volume"]):
            return False
        fine = lo <= o
        for left, right in ((lo, c), (o, h), (c, h)):
            fine &= left <= right
    return bool(fine.all())


def iso(ns: int) -> str:
    """Epoch nanoseconds as ISO-8601 UTC, to the second unless there is more: 2024-01-02T14:30:00Z."""
    moment = datetime.fromtimestamp(int(ns) // 1_000_000_000, UTC)
    rest = int(ns) % 1_000_000_000
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{rest:09d}".rstrip("0") if rest else "") + "Z"


def _order(ts: np.ndarray, candidates: np.ndarray, last_ts: int) -> tuple[np.ndarray, np.ndarray | int]:
    """Each candidate row's latest earlier good timestamp (NO_PREVIOUS elsewhere): a row not after it
    is refused, so the good rows strictly increase across the whole file."""
    previous = np.full(len(ts), NO_PREVIOUS, dtype=np.int64)
    rows = np.flatnonzero(candidates)
    if len(rows) == 0:
        return previous, last_ts
    running = np.maximum.accumulate(np.concatenate([[last_ts], ts[rows]]))
    previous[rows] = running[:-1]
    return previous, int(running[-1])


def _text(array: pa.Array, i: int) -> str:
    """A value as the file wrote it (text), or as near as Arrow's conversion left it."""
    value = array[int(i)]
    if pa.types.is_timestamp(array.type):
        return iso(value.cast(pa.int64()).as_py())
    return format(value.as_py(), ".15g") if pa.types.is_floating(array.type) else str(value.as_py())


def _numbers(column: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """float64 values (NaN where unreadable) and the text they came from, trimmed of spaces."""
    if pa.types.is_float64(column.type) and column.null_count == 0:  # Arrow converted them already
        return column, _numpy(column, np.float64)
    try:
        return column, pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    column = pc.utf8_trim_whitespace(column)
    try:
        return column, pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    readable = pc.match_substring_regex(column, NUMBER.pattern.join("^$"))
    numbers = pc.cast(pc.if_else(readable, column, pa.scalar(None, pa.string())), pa.float64())
    return column, numbers.to_numpy(zero_copy_only=False)


def _numpy(column: pa.Array, dtype: type) -> np.ndarray:
    """A fixed-width Arrow array without nulls as numpy, straight from its buffer: pyarrow's own
    to_numpy first imports pandas (a second of a cold `backtest --data`)."""
    return np.frombuffer(column.buffers()[1], dtype=dtype, count=len(column), offset=column.offset * 8)


def _times(text: pa.Array, epoch: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epoch ns per row, with masks of the unreadable rows and of those outside the stored range."""
    count = len(text)
    if epoch:
        seconds = _numbers(text)[1]
        unreadable = np.isnan(seconds)
        with np.errstate(invalid="ignore"):
            outside = ~unreadable & ~((seconds >= 0) & (seconds < END_NS / 1e9))
        ns = np.zeros(count, dtype=np.int64)
        fine = ~unreadable & ~outside
        ns[fine] = np.round(seconds[fine] * 1e6).astype(np.int64) * 1000
        return ns, unreadable, outside
    ns = _iso_fast(text)
    if ns is None:
        ns, unreadable = _iso_slow(text)
    else:
        unreadable = np.zeros(count, dtype=bool)
    outside = ~unreadable & ((ns < FIRST_NS) | (ns >= END_NS))
    return ns, unreadable, outside


def _iso_fast(text: pa.Array) -> np.ndarray | None:
    """The whole batch in Arrow when it is all one ISO form: with a zone (Z, +01:00) or without (UTC)."""
    if pa.types.is_timestamp(text.type) and text.type.unit == "ns" and text.null_count == 0:
        return _numpy(text, np.int64)  # Arrow parsed them already (nanoseconds since the epoch, UTC)
    for column in (text, pc.utf8_trim_whitespace(text)):
        for kind in (pa.timestamp("ns", "UTC"), pa.timestamp("ns")):
            try:
                return pc.cast(pc.cast(column, kind), pa.int64()).to_numpy(zero_copy_only=False)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
    return None


def _iso_slow(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Row by row, for a batch with mixed forms, bad text, or times beyond what nanoseconds hold."""
    values = text.to_pylist()
    ns = np.zeros(len(values), dtype=np.int64)
    unreadable = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values):
        seconds = _iso_seconds(value.strip())
        if seconds is None:
            unreadable[i] = True
        elif not FIRST_NS <= seconds * 1e9 < END_NS:
            ns[i] = -1 if seconds < 0 else END_NS  # outside: flagged by the caller's range check
        else:
            ns[i] = round(seconds * 1_000_000) * 1000
    return ns, unreadable


def _iso_seconds(value: str) -> float | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()
    return seconds if math.isfinite(seconds) else None
