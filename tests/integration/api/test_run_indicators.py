"""GET /runs/{id}/indicators: the lines a strategy declared for its chart, equal to what it read.

The SMAs are checked against numpy means of the closes the bars route serves, the window's first
values against the bars before the window (the strategy's warm-up), and a paper run's lines against
the bars its worker recorded, warm-up rows included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.services.backtests import BacktestService
from app.veda.recording import write_bars
from tests.integration.api.conftest import store_daily_bars
from tests.integration.foundation.factories import make_run

ERROR_KEYS = {"code", "message", "details", "correlation_id"}
START = "2023-01-02T00:00:00Z"


def _sma_cross_run(client: FlaskClient, pg: Container) -> str:
    store_daily_bars(pg, "AAPL", days=300)
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                            "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    return run["id"]


def _closes(client: FlaskClient, run_id: str, query: str = "") -> tuple[list[str], np.ndarray]:
    bars = client.get(f"/api/v1/runs/{run_id}/bars?symbol=AAPL&limit=100000{query}").get_json()
    return [b["ts"] for b in bars], np.array([float(Decimal(b["close"])) for b in bars])


def test_an_sma_cross_runs_lines_are_the_moving_averages_of_its_closes(client: FlaskClient, pg: Container) -> None:
    run_id = _sma_cross_run(client, pg)
    times, close = _closes(client, run_id)

    lines = client.get(f"/api/v1/runs/{run_id}/indicators?symbol=aapl&limit=100000").get_json()

    assert [(line["name"], line["pane"]) for line in lines] == [("SMA 5", "price"), ("SMA 20", "price")]
    fast, slow = ({p["ts"]: p["value"] for p in line["points"]} for line in lines)
    assert len(fast) == 300 - 4 and len(slow) == 300 - 19  # no value before a full window
    assert min(slow) == times[19] and set(slow) <= set(times)
    for i in (19, 20, 57, 150, 299):
        assert abs(slow[times[i]] - close[i - 19:i + 1].mean()) < 1e-9
        assert abs(fast[times[i]] - close[i - 4:i + 1].mean()) < 1e-9


def test_the_strategy_bought_where_the_lines_crossed(client: FlaskClient, pg: Container) -> None:
    run_id = _sma_cross_run(client, pg)
    times, _ = _closes(client, run_id)
    fast, slow = ({p["ts"]: p["value"] for p in line["points"]}
                  for line in client.get(f"/api/v1/runs/{run_id}/indicators?symbol=AAPL&limit=100000").get_json())
    buys = [f for f in client.get(f"/api/v1/runs/{run_id}/fills?per_page=1000").get_json()["items"]
            if f["side"] == "buy"]
    assert buys
    for buy in buys:  # a market order fills on the bar after the cross
        i = next(i for i, t in enumerate(times) if t[:10] == buy["ts"][:10])
        assert fast[times[i - 1]] > slow[times[i - 1]] and fast[times[i - 2]] <= slow[times[i - 2]]


def test_a_window_starts_with_values_computed_from_the_bars_before_it(client: FlaskClient, pg: Container) -> None:
    run_id = _sma_cross_run(client, pg)
    _, close = _closes(client, run_id)
    window = "&start=2023-06-01T00:00:00Z&end=2023-07-31T00:00:00Z"
    times, _ = _closes(client, run_id, window)

    slow = client.get(f"/api/v1/runs/{run_id}/indicators?symbol=AAPL{window}").get_json()[1]
    latest = client.get(f"/api/v1/runs/{run_id}/indicators?symbol=AAPL&limit=10").get_json()[1]

    assert [p["ts"] for p in slow["points"]] == times and times[0].startswith("2023-06-01")
    first = 150  # 2023-06-01 is the 151st daily bar from 2023-01-02
    assert abs(slow["points"][0]["value"] - close[first - 19:first + 1].mean()) < 1e-9
    assert len(latest["points"]) == 10 and abs(latest["points"][-1]["value"] - close[-20:].mean()) < 1e-9


def test_a_paper_runs_lines_include_its_warm_up(client: FlaskClient, pg: Container) -> None:
    t0 = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    closes = [Decimal("100.25") + s for s in range(8)]
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="running", timeframe="1Sec", start_at=t0, end_at=None,
                                    strategy="rsi_reversion", params={"period": 3}))
        uow.session.flush()
        write_bars(uow, [{"run_id": run.id, "symbol": "AAPL", "ts": t0 + timedelta(seconds=s), "open": c,
                          "high": c + 1, "low": c - 1, "close": c, "volume": Decimal(100), "warmup": s < 4}
                         for s, c in enumerate(closes)])
        uow.commit()
        run_id = run.id

    lines = client.get(f"/api/v1/runs/{run_id}/indicators?symbol=AAPL").get_json()

    assert [(line["name"], line["pane"]) for line in lines] == [("RSI 3", "separate")]
    points = lines[0]["points"]  # first value on the 4th bar (a warm-up bar): only gains, so 100
    assert points[0]["ts"].startswith("2026-12-03T15:00:03") and len(points) == 5
    assert {p["value"] for p in points} == {100.0}


def test_unknown_runs_and_symbols_are_refused_with_a_reason(client: FlaskClient, pg: Container) -> None:
    missing = client.get("/api/v1/runs/00000000-0000-0000-0000-000000000000/indicators?symbol=AAPL")
    assert missing.status_code == 404 and set(missing.get_json()) == ERROR_KEYS
    assert missing.get_json()["code"] == "not_found" and "no run with id" in missing.get_json()["message"]
    with pg.uow() as uow:
        run = uow.runs.add(make_run())
        uow.commit()
        run_id = run.id
    other = client.get(f"/api/v1/runs/{run_id}/indicators?symbol=MSFT")
    assert other.status_code == 422 and other.get_json()["details"]["fields"] == {
        "symbol": "the run trades AAPL, not MSFT"}
    assert client.get(f"/api/v1/runs/{run_id}/indicators").status_code == 422  # symbol is required
    assert client.get(f"/api/v1/runs/{run_id}/indicators?symbol=AAPL").get_json() == []  # no bars stored


def test_the_indicators_route_is_in_the_openapi_document(client: FlaskClient) -> None:
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/runs/{run_id}/indicators"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"run_id", "symbol", "start", "end", "limit"}
    assert {"200", "404", "422"} <= set(operation["responses"])
