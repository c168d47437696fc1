"""GET /api/v1/runs/{run_id}/analysis on a real backtest: the figures are the pure functions' on the
run's whole stored equity curve and trades (not the chart's downsampled curve)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.greta.analysis import local_days, monthly_returns, period_closes, rolling_sharpe, trade_spread
from app.services.backtests import BacktestService
from tests.integration.api.conftest import store_daily_bars

ERROR_KEYS = {"code", "message", "details", "correlation_id"}


def _completed(client: FlaskClient, pg: Container, days: int) -> str:
    store_daily_bars(pg, "AAPL", days=days)
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                            "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    return run["id"]


def test_analysis_of_a_daily_backtest_across_two_years(client: FlaskClient, pg: Container) -> None:
    run_id = _completed(client, pg, days=500)  # 2023-01-02 … 2024-05-15
    response = client.get(f"/api/v1/runs/{run_id}/analysis")
    assert response.status_code == 200
    body = response.get_json()

    curve = client.get(f"/api/v1/runs/{run_id}/equity").get_json()
    assert len(curve) == 500  # the whole curve
    ts = np.array([int(datetime.fromisoformat(p["ts"]).timestamp()) * 10**9 for p in curve], dtype=np.int64)
    equity = np.array([float(p["equity"]) for p in curve])
    days, closes = period_closes(local_days(ts, "UTC"), equity)
    years = monthly_returns(days, closes, 10_000.0)
    assert body["zone"] == "UTC" and body["start_equity"] == 10_000
    assert [row["year"] for row in body["monthly"]] == [2023, 2024]
    assert body["monthly"] == [{"year": y.year, "months": list(y.months), "total": y.total} for y in years]
    assert body["monthly"][1]["months"][5:] == [None] * 7  # the run ends in May 2024
    # pandas' month-end compounding gives the same months
    ends = pd.Series(equity, index=pd.to_datetime(ts, utc=True)).resample("ME").last()
    expected = (pd.concat([pd.Series([10_000.0]), pd.Series(ends.to_numpy())]).pct_change() * 100).iloc[1:]
    got = [v for row in body["monthly"] for v in row["months"] if v is not None]
    assert got == pytest.approx(expected.tolist(), rel=1e-12)
    # the year total is the year-end over the starting equity: what the curve says
    year_end = equity[ts < int(datetime.fromisoformat("2024-01-01T00:00:00+00:00").timestamp()) * 10**9][-1]
    assert body["monthly"][0]["total"] == pytest.approx((year_end / 10_000 - 1) * 100, rel=1e-12)

    trades = client.get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json()
    spread = trade_spread([Decimal(t["return_pct"]) for t in trades["items"]])
    shown = body["trades"]
    assert shown["count"] == trades["total"] == spread.count > 0
    assert sum(b["count"] for b in shown["bins"]) == trades["total"]
    assert shown["wins"] == sum(Decimal(t["pnl"]) > 0 for t in trades["items"])
    assert shown["wins"] + shown["losses"] + shown["flat"] == trades["total"]
    assert shown["bins"] == [{"low": str(b.low), "high": str(b.high), "count": b.count} for b in spread.bins]
    assert shown["mean_pct"] == spread.mean_pct and shown["median_pct"] == spread.median_pct

    sharpe = body["rolling_sharpe"]
    # AAPL with no stored instrument is `other`: a year of days as the data holds them (every calendar day here)
    assert sharpe["periods_per_year"] == pytest.approx(365.25) and sharpe["basis"].startswith("data")
    rolled = rolling_sharpe(days, closes, 63, sharpe["periods_per_year"])
    assert sharpe["window"] == 63 and sharpe["period"] == "day"
    assert len(sharpe["values"]) == len(sharpe["dates"]) == 500 - 63
    assert sharpe["values"] == rolled.values and sum(v is not None for v in rolled.values) > 400
    assert sharpe["dates"][0] == "2023-03-06"  # 2023-01-02 + 63 days: the first full window's last day


def test_a_run_shorter_than_the_window_has_no_rolling_sharpe(client: FlaskClient, pg: Container) -> None:
    run_id = _completed(client, pg, days=50)
    body = client.get(f"/api/v1/runs/{run_id}/analysis").get_json()
    assert body["rolling_sharpe"]["values"] == [] and body["rolling_sharpe"]["window"] == 63
    assert [row["year"] for row in body["monthly"]] == [2023]


def test_an_unknown_run_is_404_with_the_error_body(client: FlaskClient) -> None:
    response = client.get("/api/v1/runs/no-such-run/analysis")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["code"] == "not_found" and "no-such-run" in body["message"]
