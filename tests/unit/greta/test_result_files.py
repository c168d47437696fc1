"""The fast result writers (`weaver backtest --json` and `--parquet`) say exactly what the records say:
the JSON equals, once parsed, the plain reference (`result_to_dict`) on the cross-engine cases, and
the Parquet files hold the same orders, fills, trades and equity with their exact decimals."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.greta import BacktestConfig, run_backtest
from app.greta.columns import write_result_parquet
from app.greta.records import BacktestResult
from app.greta.serialize import CHUNK, plain, result_to_dict, write_result_json
from app.marvin import BarFrame
from tests.unit.greta.helpers import run
from tests.unit.greta.test_cross_engine_prices import DATA, GretaSignals


def signals(data: str, kind: str) -> BacktestResult:
    strategy = type("Signals", (GretaSignals,), {"kind": kind})
    config = BacktestConfig("signals", cash=Decimal(100_000), fractional=data != "stock_2_decimals", fees="alpaca",
                            slippage="5bp")
    return run_backtest(config, DATA[data](3), strategy=strategy)


def written(result: BacktestResult, extra: dict[str, object] | None = None) -> dict[str, object]:
    buffer = io.BytesIO()
    write_result_json(result, buffer, extra)
    return json.loads(buffer.getvalue())


@pytest.mark.parametrize("kind", ["market", "limit", "stop", "bracket"])
@pytest.mark.parametrize("data", sorted(DATA))
def test_the_fast_json_equals_the_plain_records(data: str, kind: str) -> None:
    result = signals(data, kind)
    assert result.trades, "a case without trades proves little"
    assert written(result) == result_to_dict(result)


def test_negative_money_sub_second_times_and_extra_keys_are_written_as_the_records_say() -> None:
    # A short that loses more than the cash: equity below zero; bars a quarter second apart.
    count = 6
    ts = np.datetime64("2024-03-01T14:30:00", "ns").astype(np.int64) + 250_000_000 * np.arange(count)
    close = np.array([10.0, 10.0, 40.0, 40.0, 40.0, 40.0])
    frame = BarFrame("QQQ", "1Sec", ts, close, close, close, close, np.full(count, 1.0))
    result = run(frame, {0: lambda s: s.sell(size=90)}, cash="1000", allow_short=True)
    assert result.final_equity < 0
    document = written(result, {"lookahead": plain({"checked": 3})})
    assert document.pop("lookahead") == {"checked": 3}
    assert document == result_to_dict(result)
    assert document["equity"][1]["ts"] == "2024-03-01T14:30:00.250000Z"
    assert document["equity"][-1]["equity"].startswith("-")


def test_the_equity_curve_streams_in_chunks_without_a_seam() -> None:
    count = CHUNK + 3
    ts = np.datetime64("2024-03-01T00:00:00", "ns").astype(np.int64) + 60_000_000_000 * np.arange(count)
    close = 100.0 + np.arange(count) % 7
    frame = BarFrame("QQQ", "1Min", ts, close, close, close, close, np.full(count, 1.0))
    result = run(frame, {1: lambda s: s.buy(size=5)})
    document = written(result)
    assert len(document["equity"]) == CHUNK + 3
    assert document == result_to_dict(result)


def test_parquet_files_hold_the_records_with_exact_decimals(tmp_path: Path) -> None:
    result = signals("token_sub_cent", "bracket")
    write_result_parquet(result, tmp_path)
    equity = pq.read_table(tmp_path / "equity.parquet").to_pylist()
    points = result.equity.points()
    assert [(row["equity"], row["cash"], row["benchmark"]) for row in equity] == [
        (p.equity, p.cash, p.benchmark) for p in points]
    assert [row["ts"].to_pydatetime() for row in equity] == [p.ts for p in points]
    fills = pq.read_table(tmp_path / "fills.parquet").to_pylist()
    assert [(f["id"], f["qty"], f["price"], f["fee"]) for f in fills] == [
        (f.id, f.qty, f.price, f.fee) for f in result.fills]
    orders = pq.read_table(tmp_path / "orders.parquet").to_pylist()
    assert [(o["id"], o["status"], len(o["history"])) for o in orders] == [
        (o.id, o.status, len(o.history)) for o in result.orders]
    trades = pq.read_table(tmp_path / "trades.parquet").to_pylist()
    assert [t["pnl"] for t in trades] == [t.pnl for t in result.trades]
    rest = json.loads((tmp_path / "result.json").read_text())
    assert rest["final_equity"] == str(result.final_equity) and rest["metrics"]["trades"] == len(result.trades)


def test_stamps_years_apart_and_off_midnight_are_written_as_the_records_say() -> None:
    # Days decades apart in one chunk and bars stamped at 21:00 (a US close in UTC): each stamp is its own.
    days = np.array([0, 1, 2, 9_000, 9_001, 20_000], dtype=np.int64)
    ts = (days * 86_400 + 21 * 3_600) * 1_000_000_000
    close = np.array([10.0, 11.0, 12.0, 13.0, 14.0, 15.0])
    frame = BarFrame("QQQ", "1Day", ts, close, close, close, close, np.full(len(ts), 1.0))
    result = run(frame, {1: lambda s: s.buy(size=5)})
    document = written(result)
    assert document == result_to_dict(result)
    assert [point["ts"] for point in document["equity"]] == [
        "1970-01-01T21:00:00Z", "1970-01-02T21:00:00Z", "1970-01-03T21:00:00Z", "1994-08-23T21:00:00Z",
        "1994-08-24T21:00:00Z", "2024-10-04T21:00:00Z"]


def test_two_runs_parquet_tables_have_one_schema_and_read_as_one(tmp_path: Path) -> None:
    """Trial 29: the decimal types followed each run's data (decimal128(4, 2), then (6, 4)) and unfilled fields
    were typed null, so two runs' trades.parquet could not be read together."""
    import pyarrow.dataset as ds

    coarse = signals("token_sub_cent", "bracket")
    frame = BarFrame("AAA", "1Day", np.datetime64("2024-03-01", "ns").astype(np.int64) + 86_400 * 10**9 * np.arange(6),
                     *(np.array([10.0, 10.5, 11.0, 10.25, 10.75, 11.5]),) * 4, np.full(6, 1.0))
    fine = run(frame, {1: lambda s: s.buy(size=3), 3: lambda s: s.sell(size=3)})
    for name, result in (("coarse", coarse), ("fine", fine)):
        write_result_parquet(result, tmp_path / name)
    for kind in ("orders", "fills", "trades"):
        schemas = {str(pq.read_schema(tmp_path / name / f"{kind}.parquet")) for name in ("coarse", "fine")}
        assert len(schemas) == 1, kind
    both = ds.dataset([str(tmp_path / name / "trades.parquet") for name in ("coarse", "fine")]).to_table()
    assert both.num_rows == len(coarse.trades) + len(fine.trades)
    assert both.schema.field("entry_price").type == pa.decimal128(38, 12)
    assert both.column("pnl").to_pylist()[-1] == fine.trades[-1].pnl
