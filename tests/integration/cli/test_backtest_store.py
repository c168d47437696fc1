"""`weaver backtest` with a database configured stores the run: a completed backtest whose records and
metrics are the ones the command printed and wrote as JSON, visible through the API."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from app.walle import migrate
from tests.conftest import TEST_TOKEN, make_settings
from tests.integration.api.conftest import store_daily_bars
from tests.integration.conftest import weaver


@pytest.fixture
def api(pg: Container) -> Iterator[FlaskClient]:
    app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield client
    app.extensions["weaver"].broadcaster.stop()


def test_backtest_command_stores_the_run_when_a_database_is_configured(api, cli_env, tmp_path):
    out = tmp_path / "result.json"
    done = weaver("backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20", "--synthetic",
                  "QQQ:400:4", "--cash", "25000", "--fees", "per_share:0.005", "--slippage", "5bp", "--json", str(out),
                  env=cli_env)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1].removeprefix("stored as run ")
    document = json.loads(out.read_text())

    client = api
    run = client.get(f"/api/v1/runs/{run_id}").get_json()
    assert (run["mode"], run["status"], run["strategy"], run["symbols"], Decimal(run["cash"])) == (
        "backtest", "completed", "sma_cross", ["QQQ"], Decimal(25000))
    assert run["fees"] == {"model": "per_share", "rate": "0.005"} and run["slippage"] == {"model": "bps", "value": "5"}
    assert run["metrics"]["trades"] == document["metrics"]["trades"] > 0
    assert run["metrics"]["total_return_pct"] == document["metrics"]["total_return_pct"]

    trades = client.get(f"/api/v1/runs/{run_id}/trades?per_page=500").get_json()
    assert trades["total"] == len(document["trades"])
    assert [Decimal(t["pnl"]) for t in trades["items"]] == [Decimal(t["pnl"]) for t in document["trades"]]
    fills = client.get(f"/api/v1/runs/{run_id}/fills?per_page=500").get_json()
    assert fills["total"] == len(document["fills"])
    equity = client.get(f"/api/v1/runs/{run_id}/equity").get_json()
    assert len(equity) == 400
    assert Decimal(equity[-1]["equity"]) == Decimal(document["equity"][-1]["equity"])
    events = [e["type"] for e in client.get(f"/api/v1/runs/{run_id}/events").get_json()]
    assert events == ["run.created", "run.queued", "run.started", "run.completed"]


def test_without_a_database_nothing_is_stored(cli_env):
    env = {k: v for k, v in cli_env.items() if k != "WEAVER_DATABASE_URL"}
    done = weaver("backtest", "--strategy", "buy_and_hold", "--synthetic", "QQQ:50", "--quiet", env=env)
    assert done.returncode == 0, done.stderr
    assert "stored as run" not in done.stdout


def test_a_data_dir_holding_a_standalone_database_is_where_the_run_is_stored(cli_env, tmp_path):
    """Trial 13 read a standalone's stored bars with WEAVER_DATA_DIR to reproduce a fold's run: the run was
    printed but stored nowhere, though the bars came from that database."""
    migrate.upgrade(f"sqlite:///{tmp_path / 'weaver.db'}")
    env = {**{k: v for k, v in cli_env.items() if k != "WEAVER_DATABASE_URL"}, "WEAVER_DATA_DIR": str(tmp_path)}
    done = weaver("backtest", "--strategy", "buy_and_hold", "--synthetic", "QQQ:50", "--quiet", env=env)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1].removeprefix("stored as run ")
    assert done.stderr.count(f"using {(tmp_path / 'weaver.db').resolve()}") == 1
    with contextlib.closing(sqlite3.connect(tmp_path / "weaver.db")) as db:
        assert db.execute("SELECT status, strategy FROM runs WHERE id = ?", (run_id,)).fetchone() == (
            "completed", "buy_and_hold")

    lite = bootstrap(make_settings(f"sqlite:///{tmp_path / 'weaver.db'}", broker="memory"), listen=False)
    try:  # its stored bars, read and the run stored in the same file: which file, said once
        store_daily_bars(lite, "AAPL", days=60)
    finally:
        lite.close()
    done = weaver("backtest", "--strategy", "buy_and_hold", "--symbol", "AAPL", "--timeframe", "1Day", "--quiet",
                  env=env)
    assert done.returncode == 0, done.stderr
    assert "stored as run" in done.stdout and done.stderr.count("using ") == 1, done.stderr

    empty = tmp_path / "elsewhere"  # a data dir with no database: nothing stored, nothing created
    env["WEAVER_DATA_DIR"] = str(empty)
    done = weaver("backtest", "--strategy", "buy_and_hold", "--synthetic", "QQQ:50", "--quiet", env=env)
    assert done.returncode == 0, done.stderr
    assert "stored as run" not in done.stdout and not empty.exists()


def test_a_run_on_a_csv_file_does_not_read_the_bars_stored_under_its_symbol(api, cli_env, pg, tmp_path):
    """Trial 34: a run on AAPL.csv had its chart, its indicators and its random-entry test drawn from the demo
    AAPL bars stored under the same symbol ($120-240, where the file held $30-100)."""
    store_daily_bars(pg, "AAPL", days=300)  # other prices under the same symbol
    csv = tmp_path / "AAPL.csv"
    days = [date(2021, 1, 4) + timedelta(days=i) for i in range(300)]
    closes = [30 + (i % 17) * 0.5 + i * 0.01 for i in range(300)]  # a saw-tooth the averages cross often
    csv.write_text("Date,Open,High,Low,Close,Volume\n" + "".join(
        f"{day},{c:.2f},{c + 1:.2f},{c - 1:.2f},{c:.2f},1000\n" for day, c in zip(days, closes, strict=True)))
    done = weaver("backtest", "--strategy", "sma_cross", "--param", "fast=3", "--param", "slow=8", "--data", str(csv),
                  env=cli_env)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1].removeprefix("stored as run ")
    run = api.get(f"/api/v1/runs/{run_id}").get_json()
    assert run["options"]["bars_from"] == {"AAPL": "the file AAPL.csv"}
    assert run["metrics"]["trades"] >= 2
    why = f"run {run_id}'s AAPL bars came from the file AAPL.csv, which Weaver does not store"
    for path in (f"/api/v1/runs/{run_id}/bars?symbol=AAPL", f"/api/v1/runs/{run_id}/indicators?symbol=AAPL"):
        refused = api.get(path)
        assert refused.status_code == 409, (path, refused.get_json())
        assert refused.get_json()["message"].startswith(why)
    tested = api.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 100, "seed": 1})
    assert tested.status_code == 200, tested.get_json()
    body = tested.get_json()
    assert body["random_entry"] is None and body["random_entry_unavailable"].startswith(why)
    assert body["monte_carlo"]  # the trades alone still give the Monte Carlo tests
