"""A crypto pair (BTC/USD, as Alpaca spells it) is a symbol the API takes, as `weaver backtest --synthetic
BTC/USD:500` does: trial 21's POST /runs with BTC/USD was a 422 "not a ticker symbol" while the command line's
run of the same pair sat in the API's runs list."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Container, build_services
from tests.integration.api.conftest import store_daily_bars


def test_a_backtest_of_a_pair_is_created_run_and_read_back(pg: Container, client: FlaskClient) -> None:
    store_daily_bars(pg, "BTC/USD", days=120)

    created = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["btc/usd"], "timeframe": "1Day",
                                                "params": {"fast": 5, "slow": 20}, "asset_class": "crypto"})

    assert created.status_code == 201, created.get_json()
    run = created.get_json()
    assert run["symbols"] == ["BTC/USD"]
    services = build_services(pg.settings, container=pg)
    services.runs.start(run["id"])
    assert services.backtests.execute(run["id"]) == "completed"
    done = client.get(f"/api/v1/runs/{run['id']}").get_json()
    assert done["status"] == "completed" and done["metrics"]["bars"] == 120
    bars = client.get("/api/v1/bars", query_string={"symbol": "BTC/USD", "timeframe": "1Day"})
    assert bars.status_code == 200, bars.get_json()
    assert len(bars.get_json()) == 120  # (the window's bars, oldest first)
