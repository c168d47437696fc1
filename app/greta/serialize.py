"""BacktestResult → plain dicts and deterministic JSON (Decimals as strings, UTC `Z` times).

Deterministic so a stored result can be compared byte for byte with a re-run: nothing here reads
the wall clock. `write_result_json` is the fast path (`weaver backtest --json`): orjson writes the
records as they are, and the equity curve, one point per bar, is formatted straight from its integer
columns and streamed in chunks, so a million-bar result is written in seconds without a million
dicts in memory. `result_to_dict` is the slow, obvious reference the tests hold the fast path to.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO

import numpy as np
import orjson

from app.decimal_text import decimal_text
from app.greta.records import BacktestResult, EquityCurve, collector_paused

OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
CHUNK = 100_000  # equity points formatted and written at a time
RECORDS = 10_000  # orders, fills or trades built and written at a time
_STREAMED = ("equity", "orders", "fills", "trades")
_PLACES = {name: f"\x00{name}\x00" for name in _STREAMED}  # stand-ins in the document for the streamed lists
_MARKS = {name: orjson.dumps(place) for name, place in _PLACES.items()}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"


def plain(value: Any) -> Any:
    """Recursively: dataclasses → dicts, Decimal → positional text, datetime → ISO, tuples → lists, NaN → None."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def result_to_dict(result: BacktestResult) -> dict[str, Any]:
    out = {f.name: plain(getattr(result, f.name)) for f in fields(result) if f.name not in ("equity", "ledger")}
    out["orders"], out["fills"], out["trades"] = plain(result.orders), plain(result.fills), plain(result.trades)
    out["equity"] = plain(result.equity.points())
    return out


def write_result_json(result: BacktestResult, out: BinaryIO, extra: dict[str, Any] | None = None) -> None:
    """The result as one JSON document, equal once parsed to `result_to_dict` (plus `extra`'s keys).

    The big lists are streamed: the equity curve in CHUNK points, the orders, fills and trades in
    RECORDS records at a time (built from the run's ledger chunk by chunk unless the result already
    holds them), so the peak memory is one chunk's, not the whole document's.
    Non-finite floats are written as null, as `plain` makes them."""
    with collector_paused():  # each chunk's records are freed by reference counting; nothing to collect
        _write_document(result, out, extra)


def _write_document(result: BacktestResult, out: BinaryIO, extra: dict[str, Any] | None) -> None:
    document = {f.name: getattr(result, f.name) for f in fields(result) if f.name not in _STREAMED + ("ledger",)}
    document.update({name: _PLACES[name] for name in _STREAMED}, **(extra or {}))
    text = orjson.dumps(document, default=_default, option=OPTIONS)
    marks = sorted((text.index(place), name, len(place)) for name, place in _MARKS.items())
    position = 0
    for at, name, length in marks:
        out.write(text[position:at])
        out.write(b"[")
        pieces = equity_chunks(result.equity) if name == "equity" else record_chunks(result, name)
        for n, piece in enumerate(pieces):
            if n:
                out.write(b",")
            out.write(piece)
        out.write(b"]")
        position = at + length
    out.write(text[position:])


def record_chunks(result: BacktestResult, kind: str) -> Iterator[bytes]:
    """One kind of record ("orders", "fills", "trades") as JSON objects, comma-joined, RECORDS at a time."""
    built = result.__dict__.get(kind)  # the cached_property's value, when something read it already
    if built is not None:
        chunks: Iterator[tuple[Any, ...]] = (built[start:start + RECORDS] for start in range(0, len(built), RECORDS))
    else:
        build = getattr(result.ledger, kind)
        chunks = (build(start, start + RECORDS) for start in range(0, result.ledger.count(kind), RECORDS))
    for chunk in chunks:
        yield orjson.dumps(chunk, default=_default, option=OPTIONS)[1:-1]


def result_to_json(result: BacktestResult) -> str:
    buffer = io.BytesIO()
    write_result_json(result, buffer)
    return buffer.getvalue().decode()


_POINT = '{"benchmark":"%d.%04d","cash":"%d.%04d","equity":"%d.%04d","ts":"%s"}'


def equity_chunks(curve: EquityCurve) -> Iterator[bytes]:
    """The curve's points as JSON objects, comma-joined, CHUNK points per piece: `EquityPoint` fields,
    money as Decimal text with four places (as str(Decimal) prints $0.0001 units), times as `iso`.
    One %-format per point from integer columns split by numpy (negative money takes the slower path)."""
    for start in range(0, len(curve), CHUNK):
        end = start + CHUNK
        stamps = _stamps(curve.ts[start:end])
        columns = (curve.benchmark_e4[start:end], curve.cash_e4[start:end], curve.equity_e4[start:end])
        if any(column.size and int(column.min()) < 0 for column in columns):
            money = [_e4_texts(column) for column in columns]
            yield ",".join(
                f'{{"benchmark":"{b}","cash":"{c}","equity":"{e}","ts":"{t}"}}'
                for b, c, e, t in zip(*money, stamps, strict=True)
            ).encode()
            continue
        parts: list[list[int]] = []
        for column in columns:
            whole, fraction = np.divmod(column, 10_000)
            parts += [whole.tolist(), fraction.tolist()]
        yield ",".join(map(_POINT.__mod__, zip(*parts, stamps, strict=True))).encode()


def _stamps(ns: np.ndarray) -> list[str]:
    """Epoch ns → ISO text with `Z`, microseconds only where there are any (as `iso` writes them).
    Whole seconds (bars) are written as day + time of day, each distinct one formatted once."""
    micros = ns // 1000
    if not (micros % 1_000_000).any():
        days, seconds = np.divmod(micros // 1_000_000, 86_400)
        dates = _each_distinct(days, lambda d: np.datetime_as_string(d.astype("datetime64[D]"), unit="D").tolist())
        times = _each_distinct(seconds, lambda s: [f"T{v // 3600:02d}:{v // 60 % 60:02d}:{v % 60:02d}Z"
                                                   for v in s.tolist()])
        return list(map(str.__add__, dates, times))
    texts = np.datetime_as_string(micros.astype("datetime64[us]"), unit="us").tolist()
    return [f"{text[:-7]}Z" if text.endswith(".000000") else f"{text}Z" for text in texts]


def _each_distinct(values: np.ndarray, texts: Callable[[np.ndarray], list[str]]) -> list[str]:
    """texts() of each value, worked out once per distinct value (bars share days and times of day).
    The values span a small range (days of a chunk, seconds of a day), so a table indexed by value
    finds the distinct ones in one pass, where np.unique sorts (it was a fifth of a 1M-bar `--json`)."""
    if not values.size:
        return []
    low = int(values.min())
    offsets = values - low
    present = np.zeros(int(offsets.max()) + 1, dtype=bool)
    present[offsets] = True
    distinct = np.flatnonzero(present)
    table = np.empty(len(present), dtype=object)
    table[distinct] = texts(distinct + low)
    return table[offsets].tolist()


def _e4_texts(units: np.ndarray) -> list[str]:
    values = units.tolist()
    if units.size and int(units.min()) < 0:
        return [f"{v // 10000}.{v % 10000:04d}" if v >= 0 else f"-{-v // 10000}.{-v % 10000:04d}" for v in values]
    return [f"{v // 10000}.{v % 10000:04d}" for v in values]


def _default(value: Any) -> Any:
    """What orjson does not write itself: Decimal as its text (as `plain` does)."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
