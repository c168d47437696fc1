"""`weaver backtest` says what a user must not miss: refused orders by reason, and the year used."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli.backtest import backtest

HEADER = "timestamp,open,high,low,close,volume\n"


def _csv(tmp_path, price: float, hours: int = 60) -> str:
    lines = [f"2024-01-{1 + h // 24:02d}T{h % 24:02d}:00:00Z,{price},{price * 1.01},{price * 0.99},{price},10"
             for h in range(hours)]
    path = tmp_path / "bars.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return str(path)


def test_refused_orders_are_counted_by_reason(tmp_path):
    # buy_and_hold asks for whole shares of a $500,000 asset with $100,000: the broker refuses it
    result = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--data", _csv(tmp_path, 500_000.0),
                                           "--symbol", "BTC", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "warning: 1 order rejected:" in result.stderr


def test_crypto_buys_fractions_and_the_table_names_its_24_7_year(tmp_path):
    result = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--data", _csv(tmp_path, 50_000.0),
                                           "--symbol", "BTC", "--asset-class", "crypto"])
    assert result.exit_code == 0, result.output
    assert "rejected" not in result.output
    assert "annualised by 24/7 (365 × 24 h)" in result.stdout
