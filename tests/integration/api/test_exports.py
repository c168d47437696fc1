"""A run's records out as CSV and JSON (API and `weaver runs export`): numbers as exact as stored but without
the column's padding, and orders carrying the `id` their fills point at."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.services.backtests import BacktestService
from app.walle.models import Fill, Order, Trade
from tests.integration.api.conftest import store_daily_bars
from tests.integration.foundation.factories import make_run

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
    assert Decimal(rows[0]["pnl"]) == Decimal(trades["items"][0]["pnl"])  # exact decimal text, no float rounding
    equity = json.loads(client.get(f"/api/v1/runs/{run['id']}/export/equity?format=json").get_data(as_text=True))
    assert len(equity) == 300 and Decimal(equity[-1]["equity"]) == Decimal(client.get(
        f"/api/v1/runs/{run['id']}/equity").get_json()[-1]["equity"])
    orders = client.get(f"/api/v1/runs/{run['id']}/export/orders").get_data(as_text=True).splitlines()
    assert orders[0].startswith("id,client_order_id,symbol,side")
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


T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 2, 15, 1, tzinfo=UTC)


def _run_with_records(pg: Container) -> tuple[str, str, str]:
    """A finished run with a stock order and fill (686 at 145.69, fee 1.50), a coin order and fill (0.000000123
    at 0.000012345) and a closed trade; its id and the two orders' ids."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(status="completed"))
        uow.session.flush()
        stock = Order(run_id=run.id, client_order_id=f"{run.id}-0", symbol="AAPL", side="buy", type="market",
                      time_in_force="day", qty=Decimal(686), filled_qty=Decimal(686),
                      filled_avg_price=Decimal("145.69"), status="filled", submitted_at=T0, filled_at=T0)
        coin = Order(run_id=run.id, client_order_id=f"{run.id}-1", symbol="SHIB/USD", side="buy", type="market",
                     time_in_force="gtc", qty=Decimal("0.000000123"), filled_qty=Decimal("0.000000123"),
                     filled_avg_price=Decimal("0.000012345"), status="filled", submitted_at=T1, filled_at=T1)
        uow.session.add_all([stock, coin])
        uow.session.flush()
        uow.session.add_all([
            Fill(run_id=run.id, order_id=stock.id, symbol="AAPL", side="buy", qty=Decimal(686),
                 price=Decimal("145.69"), fee=Decimal("1.50"), ts=T0),
            Fill(run_id=run.id, order_id=coin.id, symbol="SHIB/USD", side="buy", qty=Decimal("0.000000123"),
                 price=Decimal("0.000012345"), fee=Decimal(0), fee_qty=Decimal("0.000000001"), ts=T1),
            Trade(run_id=run.id, symbol="AAPL", direction="long", qty=Decimal(948), entry_ts=T0,
                  entry_price=Decimal("105.47"), exit_ts=T0, exit_price=Decimal("110"), pnl=Decimal("4290.44"),
                  return_pct=Decimal("4.2998"), fees=Decimal(0), bars_held=3),
        ])
        uow.commit()
        return run.id, stock.id, coin.id


def _csv(client: FlaskClient, run_id: str, kind: str) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/runs/{run_id}/export/{kind}?format=csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_numbers_read_as_stored_without_the_columns_padding(client: FlaskClient, pg: Container) -> None:
    run_id, _, _ = _run_with_records(pg)

    fills = _csv(client, run_id, "fills")
    trades = _csv(client, run_id, "trades")
    orders = json.loads(client.get(f"/api/v1/runs/{run_id}/export/orders?format=json").get_data(as_text=True))

    assert [(f["symbol"], f["qty"], f["price"], f["fee"], f["fee_qty"]) for f in fills] == [
        ("AAPL", "686", "145.69", "1.5", "0"), ("SHIB/USD", "0.000000123", "0.000012345", "0", "0.000000001")]
    listed = client.get(f"/api/v1/runs/{run_id}/fills").get_json()["items"]  # the coins a crypto fee took (trial 35)
    assert [Decimal(f["fee_qty"]) for f in listed] == [0, Decimal("0.000000001")]
    assert [(t["qty"], t["entry_price"], t["exit_price"], t["pnl"], t["return_pct"], t["fees"]) for t in trades] == [
        ("948", "105.47", "110", "4290.44", "4.2998", "0")]
    assert [(o["qty"], o["filled_avg_price"], o["notional"]) for o in orders] == [
        ("686", "145.69", None), ("0.000000123", "0.000012345", None)]


def test_fills_join_their_orders_on_the_orders_id(client: FlaskClient, pg: Container, tmp_path: Path) -> None:
    run_id, stock_id, coin_id = _run_with_records(pg)

    orders = _csv(client, run_id, "orders")
    fills = _csv(client, run_id, "fills")
    as_json = json.loads(client.get(f"/api/v1/runs/{run_id}/export/orders?format=json").get_data(as_text=True))

    assert list(orders[0])[:2] == ["id", "client_order_id"] and list(as_json[0])[:2] == ["id", "client_order_id"]
    by_id = {o["id"]: o for o in orders}
    assert [(by_id[f["order_id"]]["client_order_id"], f["qty"]) for f in fills] == [
        (f"{run_id}-0", "686"), (f"{run_id}-1", "0.000000123")]
    assert {o["id"] for o in as_json} == {stock_id, coin_id}

    out = tmp_path / "fills.csv"
    env = {**os.environ, "WEAVER_DATABASE_URL": pg.settings.database_url}
    exported = subprocess.run([str(WEAVER), "runs", "export", run_id, "--what", "fills", "--out", str(out)],
                              env=env, capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "order_id,symbol,side,qty,price,fee,fee_qty,ts"
    assert lines[1] == f"{stock_id},AAPL,buy,686,145.69,1.5,0,2026-03-02T15:00:00Z"
