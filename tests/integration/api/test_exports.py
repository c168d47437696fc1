from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.services.backtests import BacktestService
from tests.integration.api.conftest import store_daily_bars

WEAVER = Path(sys.executable).parent / "weaver"


def completed_run(client: FlaskClient, pg: Container) -> dict:
    store_daily_bars(pg, "AAPL", days=300)
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                            "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    return client.get(f"/api/v1/runs/{run['id']}").get_json()


def test_trades_orders_and_equity_export_as_csv_and_json(client: FlaskClient, pg: Container) -> None:
    run = completed_run(client, pg)
    trades = client.get(f"/api/v1/runs/{run['id']}/trades?per_page=1000").get_json()
    response = client.get(f"/api/v1/runs/{run['id']}/export/trades?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == trades["total"] > 0
    assert rows[0]["pnl"] == trades["items"][0]["pnl"]  # exact decimal text, no float rounding
    equity = json.loads(client.get(f"/api/v1/runs/{run['id']}/export/equity?format=json").get_data(as_text=True))
    assert len(equity) == 300 and equity[-1]["equity"] == client.get(
        f"/api/v1/runs/{run['id']}/equity").get_json()[-1]["equity"]
    orders = client.get(f"/api/v1/runs/{run['id']}/export/orders").get_data(as_text=True).splitlines()
    assert orders[0].startswith("client_order_id,symbol,side")
    assert client.get(f"/api/v1/runs/{run['id']}/export/nonsense").status_code == 422
    assert client.get("/api/v1/runs/nope/export/trades").status_code == 404


def test_cli_shows_the_metrics_table_and_exports_files(client: FlaskClient, pg: Container, tmp_path: Path) -> None:
    run = completed_run(client, pg)
    env = {**os.environ, "WEAVER_DATABASE_URL": pg.settings.database_url, "COLUMNS": "200"}
    shown = subprocess.run([str(WEAVER), "runs", "show", run["id"]], env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "Sharpe" in shown.stdout and "Total return" in shown.stdout and "completed" in shown.stdout
    out = tmp_path / "equity.csv"
    exported = subprocess.run([str(WEAVER), "runs", "export", run["id"], "--what", "equity", "--out", str(out)],
                              env=env, capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    assert len(out.read_text().splitlines()) == 301
    missing = subprocess.run([str(WEAVER), "runs", "show", "nope"], env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and "no run with id 'nope'" in missing.stderr
