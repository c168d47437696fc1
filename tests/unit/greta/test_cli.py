"""`weaver backtest` end to end through click (in process, synthetic and CSV data)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pyarrow.parquet as pq
from click.testing import CliRunner

from app.cli import main
from app.cli.backtest import backtest
from app.greta.serialize import iso

CSV = "Date,Open,High,Low,Close,Adj Close,Volume\n" + "".join(
    f"2024-01-{day:02d},{100 + day},{102 + day},{99 + day},{101 + day},{101 + day},1000\n" for day in range(1, 29))


def test_backtest_command_prints_metrics_and_writes_the_result_json(tmp_path):
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param",
                                       "slow=20", "--synthetic", "AAA:300:1", "--fees", "alpaca", "--slippage", "5bp",
                                       "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Sharpe" in result.output and "Max drawdown" in result.output
    document = json.loads(out.read_text())
    assert document["config"]["params"] == {"fast": 5, "slow": 20, "percent": 100.0, "allow_short": False}
    assert len(document["equity"]) == 300 and document["trades"] and document["orders"] and document["fills"]


def test_backtest_command_reads_csv_files_and_names_the_symbol(tmp_path):
    path = tmp_path / "goog.csv"
    path.write_text(CSV)
    result = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--data", str(path), "--symbol", "GOOG",
                                           "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("buy_and_hold: total return")
    assert result.stderr.startswith("note: goog.csv: the file's Adj Close column is not used")


def test_backtest_command_reports_bad_input_without_a_traceback(tmp_path):
    bad = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--param", "fast=50", "--synthetic", "A:50"])
    assert bad.exit_code == 2 and "fast: must be less than slow" in bad.output
    path = tmp_path / "bad.csv"
    path.write_text(CSV.replace("2024-01-05,105,107,104,106", "2024-01-05,105,103,104,106"))
    bad = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--data", str(path)])
    assert bad.exit_code == 2 and "line 6: high 103 is below low 104" in bad.output
    assert "Usage:" not in bad.output  # a data problem, not a misuse of the command
    bad = CliRunner().invoke(backtest, ["--strategy", "nope", "--synthetic", "A:50"])
    assert bad.exit_code == 2 and "unknown strategy" in bad.output


def test_backtest_command_checks_for_lookahead():
    result = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--synthetic", "AAA:200:3", "--quiet",
                                           "--check-lookahead"])
    assert result.exit_code == 0 and "no lookahead bias" in result.output


def _same(from_json: object, from_parquet: object) -> bool:
    """A JSON value (Decimals and times as text) and the Parquet one say the same thing: Parquet pads a
    decimal column to one scale (1.5 next to 1.25 reads 1.50), so decimals compare by value."""
    if isinstance(from_parquet, Decimal):
        return Decimal(from_json) == from_parquet  # type: ignore[arg-type]
    if isinstance(from_parquet, datetime):
        return from_json == iso(from_parquet)
    if isinstance(from_parquet, dict):
        return isinstance(from_json, dict) and from_json.keys() == from_parquet.keys() and all(
            _same(from_json[key], value) for key, value in from_parquet.items())
    if isinstance(from_parquet, list):
        return isinstance(from_json, list) and len(from_json) == len(from_parquet) and all(
            _same(a, b) for a, b in zip(from_json, from_parquet, strict=True))
    return from_json == from_parquet


def test_backtest_out_as_parquet_holds_what_the_json_holds(tmp_path):
    args = ["backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20", "--param",
            "allow_short=true", "--allow-short", "--synthetic", "AAA:400:2", "--fees", "alpaca", "--slippage", "5bp",
            "--fractional", "--quiet"]
    out = ["--json", str(tmp_path / "run.json"), "--out", str(tmp_path / "run.parquet")]
    result = CliRunner().invoke(main, [*args, *out])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "run.json").read_text())
    assert len(document["trades"]) > 5 and len(document["equity"]) == 400
    folder = tmp_path / "run.parquet"
    for kind in ("orders", "fills", "trades", "equity"):
        rows = pq.read_table(folder / f"{kind}.parquet").to_pylist()
        assert _same(document[kind], rows), kind
    rest = json.loads((folder / "result.json").read_text())
    assert rest == {key: value for key, value in document.items() if key not in ("orders", "fills", "trades", "equity")}


def test_backtest_out_format_comes_from_the_suffix_or_is_given(tmp_path):
    args = ["backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20", "--synthetic",
            "AAA:300:1", "--quiet"]
    given = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "folder"), "--format", "parquet"])
    assert given.exit_code == 0, given.output
    assert sorted(path.name for path in (tmp_path / "folder").iterdir()) == [
        "equity.parquet", "fills.parquet", "orders.parquet", "result.json", "trades.parquet"]
    as_json = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "result.txt"), "--format", "json"])
    assert as_json.exit_code == 0 and len(json.loads((tmp_path / "result.txt").read_text())["equity"]) == 300
    unknown = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "result")])
    assert unknown.exit_code == 2 and "give --format json|parquet" in unknown.output
    alone = CliRunner().invoke(main, [*args, "--format", "parquet"])
    assert alone.exit_code == 2 and "give --out PATH too" in alone.output
