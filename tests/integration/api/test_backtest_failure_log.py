"""A backtest that fails for a reason the user can fix says it on the run and in the server's log (a
warning, no traceback), so whoever watches the log sees the failure too."""

from __future__ import annotations

import logging

from app.services.backtests import BacktestService
from tests.integration.api.conftest import store_daily_bars


def test_a_failed_backtest_logs_its_reason(client, pg, caplog):  # noqa: ANN001
    store_daily_bars(pg, "AAPL", days=20_000)  # a sine an all-in crossover compounds past $900 billion on
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                            "params": {"fast": 7, "slow": 20}, "start_now": True}).get_json()
    with caplog.at_level(logging.WARNING, logger="app.services.backtests"):
        assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "failed"
    failed = client.get(f"/api/v1/runs/{run['id']}").get_json()
    assert failed["status"] == "failed" and failed["error"].startswith("the account grew past $900,719,925,474")
    logged = [r for r in caplog.records if r.name == "app.services.backtests"]
    assert [r.getMessage() for r in logged] == [f"backtest {run['id']} failed: {failed['error']}"]
    assert logged[0].levelno == logging.WARNING and logged[0].exc_info is None
