"""`weaver backtest` end to end through click (in process, synthetic and CSV data)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from app.cli import main
from app.cli.backtest import backtest

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
    assert result.output.startswith("buy_and_hold: total return")


def test_backtest_command_reports_bad_input_without_a_traceback(tmp_path):
    bad = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--param", "fast=50", "--synthetic", "A:50"])
    assert bad.exit_code == 2 and "fast: must be less than slow" in bad.output
    path = tmp_path / "bad.csv"
    path.write_text(CSV.replace("2024-01-05,105,107,104,106", "2024-01-05,105,103,104,106"))
    bad = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--data", str(path)])
    assert bad.exit_code == 2 and "line 6: high 103 is below low 104" in bad.output
    bad = CliRunner().invoke(backtest, ["--strategy", "nope", "--synthetic", "A:50"])
    assert bad.exit_code == 2 and "unknown strategy" in bad.output


def test_backtest_command_checks_for_lookahead():
    result = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--synthetic", "AAA:200:3", "--quiet",
                                           "--check-lookahead"])
    assert result.exit_code == 0 and "no lookahead bias" in result.output
