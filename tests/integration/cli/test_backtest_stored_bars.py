"""`weaver backtest --symbol X --timeframe 1Day` with no --data file backtests X's bars as Weaver stored
them: the same trades, equity and metrics as the same bars from their CSV file. (A new user found the
CLI could only read files, while the demo's bars were in the database.)"""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.integration.conftest import weaver


def write_daily_csv(path: Path, days: int = 300, seed: int = 11) -> Path:
    rng = random.Random(seed)
    price, lines = 100.0, ["Date,Open,High,Low,Close,Volume"]
    for day in range(days):
        open_ = price
        price = max(1.0, price * (1 + rng.gauss(0, 0.02)))
        high, low = max(open_, price) * 1.01, min(open_, price) * 0.99
        date = f"{2022 + day // 250}-{1 + (day % 250) // 21:02d}-{1 + (day % 250) % 21 + 1:02d}"
        lines.append(f"{date},{open_:.2f},{high:.2f},{low:.2f},{price:.2f},{1000 + day}")
    path.write_text("\n".join(lines) + "\n")
    return path


def result_of(path: Path) -> dict:
    body = json.loads(path.read_text())
    return {"trades": body["trades"], "fills": body["fills"], "equity": body["equity"], "metrics": body["metrics"]}


def test_stored_bars_backtest_exactly_as_their_csv(pg, cli_env, tmp_path):
    csv = write_daily_csv(tmp_path / "STOR.csv")
    imported = weaver("bars", "import", str(csv), "--symbol", "STOR", "--timeframe", "1Day", env=cli_env)
    assert imported.returncode == 0, imported.stderr
    common = ("backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20", "--quiet")
    from_file = weaver(*common, "--data", str(csv), "--symbol", "STOR", "--json", str(tmp_path / "file.json"),
                       env=cli_env)
    assert from_file.returncode == 0, from_file.stderr
    stored = weaver(*common, "--symbol", "STOR", "--timeframe", "1Day", "--json", str(tmp_path / "stored.json"),
                    env=cli_env)
    assert stored.returncode == 0, stored.stderr
    file_result, stored_result = result_of(tmp_path / "file.json"), result_of(tmp_path / "stored.json")
    assert len(stored_result["trades"]) >= 3 and len(stored_result["equity"]) == 300
    assert stored_result == file_result
    assert stored.stdout.splitlines()[0] == from_file.stdout.splitlines()[0]  # the same summary line


def test_a_stored_symbol_needs_a_timeframe_and_one_not_stored_is_named(pg, cli_env, tmp_path):
    csv = write_daily_csv(tmp_path / "STOR.csv", days=60)
    assert weaver("bars", "import", str(csv), "--symbol", "STOR", "--timeframe", "1Day", env=cli_env).returncode == 0
    no_timeframe = weaver("backtest", "--strategy", "sma_cross", "--symbol", "STOR", env=cli_env)
    assert no_timeframe.returncode == 2
    assert "--symbol STOR has no --data file, so its stored bars are read: give --timeframe too" in no_timeframe.stderr
    other = weaver("backtest", "--strategy", "sma_cross", "--symbol", "STOR", "--timeframe", "1Min", env=cli_env)
    assert other.returncode == 2
    assert "STOR 1Min: no stored bars (stored timeframes: 1Day)" in other.stderr
    unknown = weaver("backtest", "--strategy", "sma_cross", "--symbol", "NOPE", "--timeframe", "1Day", env=cli_env)
    assert unknown.returncode == 2 and "NOPE 1Day: no stored bars (nothing stored for it)" in unknown.stderr


def test_a_sweep_of_stored_bars_ranks_as_the_sweep_of_their_csv(pg, cli_env, tmp_path):
    csv = write_daily_csv(tmp_path / "STOR.csv")
    assert weaver("bars", "import", str(csv), "--symbol", "STOR", "--timeframe", "1Day", env=cli_env).returncode == 0
    common = ("sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid", "slow=20,30")
    from_file = weaver(*common, "--data", str(csv), "--symbol", "STOR", env={**cli_env, "COLUMNS": "120"})
    stored = weaver(*common, "--symbol", "STOR", "--timeframe", "1Day", env={**cli_env, "COLUMNS": "120"})
    assert from_file.returncode == stored.returncode == 0, stored.stderr
    assert "│" in stored.stdout and stored.stdout == from_file.stdout


def test_stored_bars_take_the_class_their_stored_instrument_has_as_the_ui_form_does(pg, cli_env, tmp_path):
    """Trial 14 ran the same backtest from the UI's form (us_equity pre-filled from the stored instrument:
    252 bars a year, Sharpe 0.09) and from here (other: the data's 260.83 bars, Sharpe 0.10)."""
    csv = write_daily_csv(tmp_path / "STOR.csv")
    imported = weaver("bars", "import", str(csv), "--symbol", "STOR", "--timeframe", "1Day", "--asset-class",
                      "us_equity", env=cli_env)
    assert imported.returncode == 0, imported.stderr
    common = ("backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20", "--quiet")
    taken = weaver(*common, "--symbol", "STOR", "--timeframe", "1Day", "--json", str(tmp_path / "taken.json"),
                   env=cli_env)
    asked = weaver(*common, "--symbol", "STOR", "--timeframe", "1Day", "--asset-class", "other", "--json",
                   str(tmp_path / "asked.json"), env=cli_env)
    from_file = weaver(*common, "--data", str(csv), "--symbol", "STOR", "--json", str(tmp_path / "file.json"),
                       env=cli_env)
    assert taken.returncode == asked.returncode == from_file.returncode == 0, (taken.stderr, asked.stderr)
    documents = {name: json.loads((tmp_path / f"{name}.json").read_text()) for name in ("taken", "asked", "file")}
    assert [documents[n]["config"]["asset_class"] for n in ("taken", "asked", "file")] == ["us_equity", "other",
                                                                                             "other"]
    assert documents["taken"]["metrics"]["bars_per_year"] == 252
    assert documents["asked"]["metrics"]["bars_per_year"] == documents["file"]["metrics"]["bars_per_year"] != 252
    swept = weaver("sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid", "slow=20,30", "--symbol",
                   "STOR", "--timeframe", "1Day", "--quiet", env=cli_env)
    assert swept.returncode == 0 and "us_equity instruments" in swept.stdout, swept.stderr
