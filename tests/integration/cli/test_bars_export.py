"""`weaver bars export`: stored bars out as CSV that `backtest --data` reads back to the same backtest (trial 42:
comparing with backtesting.py meant paging GET /api/v1/bars by hand)."""

from __future__ import annotations

import json
from pathlib import Path

from app.bootstrap import Container
from tests.integration.api.conftest import store_daily_bars
from tests.integration.conftest import weaver


def test_stored_bars_export_as_csv_that_backtests_the_same(pg: Container, cli_env: dict[str, str],
                                                           tmp_path: Path) -> None:
    store_daily_bars(pg, "EXPW", days=120)
    out = tmp_path / "expw.csv"
    exported = weaver("bars", "export", "--symbol", "expw", "--timeframe", "1Day", "--out", str(out), env=cli_env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.strip() == f"120 EXPW 1Day bars written to {out}"
    lines = out.read_text().splitlines()
    assert lines[:2] == ["timestamp,open,high,low,close,volume", "2023-01-02T00:00:00Z,100.0,101.0,99.0,100.0,1000.0"]
    assert len(lines) == 121

    args = ["backtest", "--strategy", "sma_cross", "--param", "fast=3", "--param", "slow=10", "--quiet"]
    from_file = weaver(*args, "--data", str(out), "--symbol", "EXPW", "--timeframe", "1Day", "--json",
                       str(tmp_path / "file.json"), env=cli_env)
    stored = weaver(*args, "--symbol", "EXPW", "--timeframe", "1Day", "--json", str(tmp_path / "stored.json"),
                    env=cli_env)
    assert from_file.returncode == 0 and stored.returncode == 0, from_file.stderr + stored.stderr
    a, b = (json.loads((tmp_path / name).read_text()) for name in ("file.json", "stored.json"))
    assert a["trades"] == b["trades"] and a["trades"] and a["final_equity"] == b["final_equity"]

    window = weaver("bars", "export", "--symbol", "EXPW", "--timeframe", "1Day", "--start", "2023-03-01",
                    "--end", "2023-03-03", env=cli_env)
    assert window.stdout.splitlines()[1:] == [  # days 58-60 of the sine (store_daily_bars), bounds inclusive
        "2023-03-01T00:00:00Z,101.61,102.61,100.61,101.61,1000.0",
        "2023-03-02T00:00:00Z,102.69,103.69,101.69,102.69,1000.0",
        "2023-03-03T00:00:00Z,103.74,104.74,102.74,103.74,1000.0"], window.stdout
    missing = weaver("bars", "export", "--symbol", "EXPW", "--timeframe", "1Min", env=cli_env)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: EXPW 1Min: no stored bars (stored timeframes: 1Day)"
