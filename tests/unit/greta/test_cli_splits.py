"""`weaver backtest` on unadjusted bars warns about the suspected split on stderr, before the summary."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli.backtest import backtest

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"


def csv(jump_to: float) -> str:
    """Twenty days near 500, then a Monday that opens at `jump_to` and trades on from there."""
    days = [f"2020-08-{d:02d},{500 + d % 3},{505 + d % 3},{495 + d % 3},{500},{500},1000" for d in range(3, 29)]
    after = [f"2020-08-31,{jump_to},{jump_to * 1.02:.2f},{jump_to * 0.98:.2f},{jump_to},{jump_to},4000",
             f"2020-09-01,{jump_to},{jump_to * 1.02:.2f},{jump_to * 0.98:.2f},{jump_to},{jump_to},4000"]
    return HEADER + "\n".join(days + after) + "\n"


def test_a_backtest_on_a_4_to_1_unadjusted_series_prints_the_split_warning(tmp_path):
    path = tmp_path / "aapl.csv"
    path.write_text(csv(125.10))
    result = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--data", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    warning = ("warning: AAPL: a 4:1 split? close 500.00 → open 125.10 on 2020-08-31; the bars look unadjusted "
               "(fetch with --adjustment split, or adjust the CSV)")
    assert warning in result.stderr.splitlines()
    assert result.output.index(warning) < result.output.index("buy_and_hold: total return")


def test_a_30_percent_crash_backtests_without_a_warning(tmp_path):
    path = tmp_path / "crsh.csv"
    path.write_text(csv(350.0))
    result = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--data", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and "split" not in result.output
