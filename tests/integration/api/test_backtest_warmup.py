"""A backtest through the API with a warm-up: the window's leading bars feed the indicators and are not traded,
as `weaver backtest --warmup` runs them, so a paper run's period can be backtested as it was traded, history
and all, from the API and the New run form (trial 38: only the command line could)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.greta.engine import BacktestConfig, run_backtest
from app.services.backtests import BacktestService
from app.services.bar_cache import shared_bars
from app.walle.repositories import BarRepository
from tests.integration.api.conftest import store_daily_bars

START = datetime(2023, 1, 2, tzinfo=UTC)


def test_the_warm_up_bars_are_not_traded_and_the_figures_start_after_them(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "WARMA")  # 300 daily bars from 2023-01-02
    body = {"strategy": "sma_cross", "symbols": ["WARMA"], "params": {"fast": 5, "slow": 20}, "start_now": True}
    warm = client.post("/api/v1/runs", json={**body, "warmup": 40}).get_json()
    assert warm["options"]["warmup"] == 40
    assert BacktestService(pg.uow, pg.read_session).execute(warm["id"]) == "completed"
    equity = client.get(f"/api/v1/runs/{warm['id']}/equity").get_json()
    assert len(equity) == 260 and equity[0]["ts"] == (START + timedelta(days=40)).isoformat().replace("+00:00", "Z")
    trades = client.get(f"/api/v1/runs/{warm['id']}/trades?per_page=1000").get_json()["items"]
    assert trades and min(t["entry_ts"] for t in trades) > (START + timedelta(days=40)).isoformat()

    # Greta with warmup=40 on the same stored bars (what `weaver backtest --warmup 40` runs): the same result
    with pg.read_session() as session:
        frame = shared_bars.load(BarRepository(session), "WARMA", "1Day", None, None)
    run = client.get(f"/api/v1/runs/{warm['id']}").get_json()
    alone = run_backtest(BacktestConfig("sma_cross", {"fast": 5, "slow": 20}, cash=Decimal(run["cash"])), [frame],
                         warmup=40)
    assert run["metrics"]["trades"] == alone.metrics["trades"] == len(trades)
    assert Decimal(equity[-1]["equity"]) == alone.final_equity


def test_a_warm_up_over_the_whole_window_or_on_a_paper_run_is_refused(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "WARMB", days=30)
    body = {"strategy": "sma_cross", "symbols": ["WARMB"], "params": {"fast": 5, "slow": 20}}
    whole = client.post("/api/v1/runs", json={**body, "warmup": 30})
    assert whole.status_code == 422
    assert whole.get_json()["details"]["fields"] == {
        "warmup": "30 warm-up bars cover the whole window (30 bars): nothing would be traded"}
    paper = client.post("/api/v1/runs", json={**body, "mode": "paper", "timeframe": "1Min", "warmup": 5})
    assert paper.status_code == 422
    assert paper.get_json()["details"]["fields"]["warmup"].startswith("a paper run loads its own history")
