"""A BacktestResult as Parquet files, for results too large to read as JSON (`weaver backtest --parquet`).

One file per record kind (orders, fills, trades, equity) and result.json for the rest (config,
metrics, positions, final cash and equity). Money keeps its exact decimals: the equity curve's
$0.0001 integer columns become decimal128(24, 4) without a Decimal object per point (the integers
are the decimals' unscaled values), and records keep the scale of their Decimal fields.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from app.greta.records import BacktestResult, EquityCurve
from app.greta.serialize import OPTIONS, plain

MONEY_E4 = pa.decimal128(24, 4)


def write_result_parquet(result: BacktestResult, folder: Path, extra: dict[str, Any] | None = None) -> None:
    """Each table is built, written and let go before the next; Arrow's memory pool (mimalloc) keeps
    what it freed unless told to hand it back, and a 1M-bar equity table is ~100 MB of it. `extra`'s
    keys go into result.json beside the result's own (as `write_result_json` adds them)."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = pa.default_memory_pool()
    pq.write_table(equity_table(result.equity), folder / "equity.parquet")
    pool.release_unused()
    for kind in ("orders", "fills", "trades"):  # one kind's records at a time, unless the result holds them
        records = result.__dict__.get(kind)
        if records is None:
            records = getattr(result.ledger, kind)()
        pq.write_table(records_table(records, nested={"history"} if kind == "orders" else set()),
                       folder / f"{kind}.parquet")
        del records
        pool.release_unused()
    rest = {f.name: plain(getattr(result, f.name)) for f in fields(result)
            if f.name not in ("equity", "ledger", "orders", "fills", "trades")}
    rest.update(extra or {})
    (folder / "result.json").write_bytes(orjson.dumps(rest, option=OPTIONS))


def equity_table(curve: EquityCurve) -> pa.Table:
    return pa.table({
        "ts": pa.array(curve.ts, pa.timestamp("ns", tz="UTC")),
        "equity": e4_decimals(curve.equity_e4),
        "cash": e4_decimals(curve.cash_e4),
        "benchmark": e4_decimals(curve.benchmark_e4),
    })


def e4_decimals(units: np.ndarray) -> pa.Array:
    """int64 $0.0001 units → decimal128(24, 4), exactly: each value's 128-bit two's complement is its
    unscaled decimal (low word the value, high word its sign)."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    return pa.Array.from_buffers(MONEY_E4, len(units), [None, pa.py_buffer(words)])  # no copy: Arrow holds words


def records_table(records: tuple[Any, ...], nested: frozenset[str] | set[str] = frozenset()) -> pa.Table:
    """Frozen records → a table with their field names; `nested` fields hold tuples of records.
    Built column by column (the types Arrow infers are those of a row-by-row build, without a dict
    per record)."""
    if not records:
        return pa.table({})
    columns: dict[str, pa.Array] = {}
    for field in fields(records[0]):
        values = list(map(attrgetter(field.name), records))
        if field.name in nested:
            columns[field.name] = pa.array([[dict(item.__dict__) for item in items] for items in values])
        else:
            columns[field.name] = _column(values, str(field.type))
    return pa.table(columns)


DECIMAL = pa.decimal128(38, 12)  # every price (12 places at most), quantity (9) and amount of money (4)
_DECLARED = (("Decimal", DECIMAL), ("datetime", pa.timestamp("us", tz="UTC")), ("str", pa.string()),
             ("int", pa.int64()), ("float", pa.float64()), ("bool", pa.bool_()))


def _column(values: list[Any], annotation: str) -> pa.Array:
    """The values as the field's declared type, the same in every run's files: inferred from the values,
    a decimal's precision followed the data (decimal128(4, 2) in one run, (6, 4) in the next) and a field
    no record filled was typed null, so two runs' tables could not be read as one (trial 29). A decimal
    finer than 12 places (a percentage given as a long float) keeps the type it needs."""
    declared = next((kind for name, kind in _DECLARED if annotation.startswith(name)), None)
    if declared is None:
        return pa.array(values)
    try:
        return pa.array(values, type=declared)
    except pa.ArrowInvalid:
        if declared is not DECIMAL:
            raise
        return pa.array(values)
