"""GET /api/v1/runs/{run_id}/analysis on a real backtest: the figures are the pure functions' on the
run's whole stored equity curve and trades (not the chart's downsampled curve)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.greta.analysis import local_days, monthly_returns, period_closes, rolling_sharpe, trade_spread
from app.services.analysis import _curve, run_analysis
from app.services.backtests import BacktestService
from app.walle.models import EquityPoint
from tests.conftest import make_settings
from tests.integration.api.conftest import store_daily_bars
from tests.integration.foundation.factories import make_run

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
    # each point's drawdown is a fraction below the peak so far; the metric is the deepest, as a positive percent
    metrics = client.get(f"/api/v1/runs/{run_id}").get_json()["metrics"]
    assert max(p["drawdown"] for p in curve) == 0.0 and min(p["drawdown"] for p in curve) < 0
    assert -min(p["drawdown"] for p in curve) * 100 == pytest.approx(metrics["max_drawdown_pct"], rel=1e-9)
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


def test_a_daily_runs_rolling_sharpe_takes_its_metrics_year_though_its_warm_up_is_not_in_its_curve(
        client: FlaskClient, pg: Container) -> None:
    """A walk-forward fold's out-of-sample run is warmed up on the bars before its test window; its year (a data
    year: bars a year as the data holds them) counts them, its curve does not. Trial 13's panel said "a year of
    266 days, as in the metrics" beside metrics of 262.03 bars a year."""
    start = datetime(2023, 1, 2, tzinfo=UTC)  # every day for 200 days (warm-up), then weekdays only
    days = [start + timedelta(days=i) for i in range(200)]
    days += [d for d in (start + timedelta(days=200 + i) for i in range(300)) if d.weekday() < 5]
    ts = np.array([int(d.timestamp()) * 10**9 for d in days], dtype=np.int64)
    close = [Decimal("100") + Decimal(round(10 * np.sin(i / 9), 2)).quantize(Decimal("0.01")) for i in range(len(days))]
    with pg.uow() as uow:
        uow.bars.insert_columns("AAPL", "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * len(days), source="test")
        uow.commit()
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                            "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    with pg.uow() as uow:  # as a walk-forward queues its out-of-sample run
        stored = uow.runs.get(run["id"])
        stored.options = {**stored.options, "warmup": 200, "close_at_end": True}
        uow.commit()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    metrics = client.get(f"/api/v1/runs/{run['id']}").get_json()["metrics"]
    sharpe = client.get(f"/api/v1/runs/{run['id']}/analysis").get_json()["rolling_sharpe"]
    assert metrics["bars"] == len(days) - 200 and metrics["bars_per_year"] > 300  # the warm-up's daily bars count
    assert sharpe["periods_per_year"] == metrics["bars_per_year"]
    assert sharpe["basis"] == f"data ({metrics['bars_per_year']:,.0f} bars a year, as the data holds them)"


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


def test_an_intraday_us_equity_run_closes_its_days_in_new_york(client: FlaskClient, pg: Container) -> None:
    # hourly bars round the clock for 120 days: 00:00–03:00 UTC belong to the previous New York day
    start = int(datetime.fromisoformat("2023-11-01T00:00:00+00:00").timestamp())
    hours = 120 * 24
    ts = np.array([(start + 3600 * i) * 10**9 for i in range(hours)], dtype=np.int64)
    close = [Decimal("100") + Decimal(round(10 * np.sin(i / 40), 2)).quantize(Decimal("0.01")) for i in range(hours)]
    with pg.uow() as uow:
        uow.bars.insert_columns("MSFT", "1Hour", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * hours, source="test")
        uow.commit()
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["MSFT"], "cash": "10000",
                                            "timeframe": "1Hour", "asset_class": "us_equity",
                                            "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    body = client.get(f"/api/v1/runs/{run['id']}/analysis").get_json()

    curve = client.get(f"/api/v1/runs/{run['id']}/equity").get_json()
    stamps = np.array([int(datetime.fromisoformat(p["ts"]).timestamp()) * 10**9 for p in curve], dtype=np.int64)
    equity = np.array([float(p["equity"]) for p in curve])
    days, closes = period_closes(local_days(stamps, "America/New_York"), equity)
    assert body["zone"] == "America/New_York"
    assert body["monthly"] == [{"year": y.year, "months": list(y.months), "total": y.total}
                               for y in monthly_returns(days, closes, 10_000.0)]
    assert [row["year"] for row in body["monthly"]] == [2023, 2024]
    # October 31st in New York holds the first bars (00:00–03:00 UTC on November 1st): October has a figure
    assert body["monthly"][0]["months"][9] is not None
    sharpe = body["rolling_sharpe"]
    assert sharpe["periods_per_year"] == 252 and sharpe["period"] == "day"  # the US equity session's year
    assert sharpe["values"] == rolling_sharpe(days, closes, 63, 252.0).values
    assert len(sharpe["values"]) == len(days) - 1 - 63 + 1 and sharpe["dates"][-1] == str(
        days[-1].astype("datetime64[D]"))


def test_postgres_and_sqlite_read_the_same_curve_to_the_microsecond(pg: Container, sqlite_url: str) -> None:
    """Postgres sends the curve as integers and floats to the driver's cursor; SQLite through the ORM.
    Both read the same instants and equities, so they give the same analysis."""
    start = datetime(2023, 12, 30, 21, 0, 0, 123456, tzinfo=UTC)
    points = [(start + timedelta(hours=7 * i, microseconds=i), Decimal("10000.0001") + Decimal(i * 37 % 101) / 7)
              for i in range(40)]
    sqlite = bootstrap(make_settings(sqlite_url, broker="memory"), listen=False)
    try:
        found = []
        for container in (pg, sqlite):
            with container.uow() as uow:
                run = uow.runs.add(make_run(timeframe="1Hour", status="completed",
                                            options={"asset_class": "us_equity"}))
                uow.session.flush()
                uow.session.add_all([EquityPoint(run_id=run.id, ts=ts, equity=e.quantize(Decimal("0.0001")),
                                                 cash=e.quantize(Decimal("0.0001")), benchmark=None)
                                     for ts, e in points])
                uow.commit()
                run_id = run.id
            with container.read_session() as session:
                found.append((_curve(session, run_id), run_analysis(session, run_id)))
    finally:
        sqlite.close()
    (pg_ts, pg_equity), pg_analysis = found[0]
    (lite_ts, lite_equity), lite_analysis = found[1]
    instants = [int(ts.timestamp()) * 10**9 + ts.microsecond * 1000 for ts, _ in points]
    assert pg_ts.tolist() == lite_ts.tolist() == instants
    assert pg_equity.tolist() == lite_equity.tolist() == [float(e.quantize(Decimal("0.0001"))) for _, e in points]
    assert pg_analysis.monthly == lite_analysis.monthly and pg_analysis.zone == "America/New_York"
    assert [y.year for y in pg_analysis.monthly] == [2023, 2024]
