"""The CLI's figures as a user reads them: two decimals and % for percentages, the max drawdown negative
(as the UI shows it), money to the cent, durations in days and hours, withheld figures named as such."""

from __future__ import annotations

import json

from click.testing import CliRunner

from app.cli import main
from app.cli.backtest import backtest
from app.cli.metric_text import duration, fees_text, metric_rows, slippage_text


def test_each_kind_of_figure_has_its_unit_and_two_decimals():
    rows = dict(metric_rows({"total_return_pct": 2.9, "sharpe": 1.0, "max_drawdown_pct": 14.071,
                             "max_drawdown_seconds": 140_400_000.0, "final_equity": 98_946.2, "trades": 12,
                             "fees_total": 0.5, "expectancy": -12.304, "bars": 300, "start_equity": 100_000.0}))

    assert rows == {"Total return": "2.90%", "Sharpe (arithmetic, ann.)": "1.00", "Max drawdown": "-14.07%",
                    "Max drawdown duration": "1,625 days", "Final equity": "$98,946.20", "Trades": "12",
                    "Fees": "$0.50", "Expectancy": "-$12.30"}


def test_withheld_annualised_figures_say_not_enough_data_and_missing_ones_a_dash():
    rows = dict(metric_rows({"bars": 20, "bars_per_year": 252.0, "sharpe": None, "cagr_pct": None,
                             "total_return_pct": None}))

    assert rows == {"Sharpe (arithmetic, ann.)": "not enough data", "CAGR": "not enough data", "Total return": "–"}


def test_durations_under_a_day_and_cost_models_in_words():
    assert [duration(s) for s in (86_400 + 7_200, 5_400, 120, 30)] == ["1 day 2 h", "1 h 30 min", "2 min", "30 s"]
    assert [duration(s) for s in (3 * 86_400, 0)] == ["3 days", "none"]  # trial 34: "1,740 days 0 h", "0 s"
    assert [fees_text(f) for f in ({"model": "none", "rate": None}, {"model": "percent", "rate": "0.1"},
                                   {"model": "per_share", "rate": "0.005"})] == \
        ["none", "0.10 % of notional", "$0.005 per share"]
    assert [slippage_text(s) for s in ({"model": "none", "value": None}, {"model": "bps", "value": "5"},
                                       {"model": "range", "value": "0.1"})] == \
        ["none", "5 bp against the order", "10 % of the bar's range"]


def test_the_backtest_table_shows_the_drawdown_negative_and_returns_to_two_decimals(tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(backtest, ["--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20",
                                           "--synthetic", "AAA:300:1", "--json", str(out)], env={"COLUMNS": "120"})

    assert result.exit_code == 0, result.output
    metrics = json.loads(out.read_text())["metrics"]
    assert metrics["max_drawdown_pct"] > 0  # the API's and the file's figure stays positive
    lines = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in result.stdout.splitlines()
             if line.count("│") == 3}
    assert lines["Max drawdown"] == f"-{metrics['max_drawdown_pct']:.2f}%"
    assert lines["Total return"] == f"{metrics['total_return_pct']:.2f}%"
    assert lines["Final equity"] == f"${metrics['final_equity']:,.2f}"


def test_the_sweep_table_shows_each_cell_as_the_backtest_table_does(tmp_path):
    out = tmp_path / "sweep.json"
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid", "slow=20",
                                       "--synthetic", "AAA:300:1", "--json", str(out)], env={"COLUMNS": "150"})

    assert result.exit_code == 0, result.output
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in result.stdout.splitlines()
            if line.count("│") == 8]
    for cell in json.loads(out.read_text())["cells"]:
        m = cell["metrics"]
        row = next(r for r in rows if r[:2] == [str(cell["params"]["fast"]), "20"])
        assert row[2:] == [f"{m['sharpe']:.2f}", f"{m['total_return_pct']:.2f}%", f"-{m['max_drawdown_pct']:.2f}%",
                           str(m["trades"]), f"{m['win_rate_pct']:.2f}%"]
