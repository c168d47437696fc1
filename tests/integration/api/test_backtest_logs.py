"""A sweep logs one INFO line when it completes, not one per cell: a line per backtest filled the standalone's
log (trial 18: 7,909 lines after two walk-forwards). A backtest of its own still says it completed."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.walle.models import Run
from tests.integration.api.conftest import store_daily_bars

BODY = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}


def test_a_sweep_logs_its_completion_once_and_its_cells_at_debug(
        pg: Container, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    store_daily_bars(pg, "AAPL", days=120)
    sweep = client.post("/api/v1/sweeps", json={**BODY, "grid": {"fast": [5, 8, 10], "slow": [20]}}).get_json()
    single = client.post("/api/v1/runs", json={"mode": "backtest", **BODY, "params": {"fast": 5, "slow": 20},
                                                        "start_now": True}).get_json()
    services = build_services(pg.settings, container=pg)
    services.sweeps.create_cells(sweep["id"])
    with pg.read_session() as session:
        cells = session.scalars(select(Run.id).where(Run.sweep_id == sweep["id"])).all()
    with caplog.at_level(logging.DEBUG, logger="app.services"):
        services.backtests.execute_many(list(cells))
        services.backtests.execute(single["id"])
    completed = [(r.levelno, r.getMessage()) for r in caplog.records if "completed" in r.getMessage()]
    assert [(level, text) for level, text in completed if level >= logging.INFO] == [
        (logging.INFO, f"sweep {sweep['id']} completed: 3 cells (0 failed, 0 cancelled)"),
        (logging.INFO, next(text for _, text in completed if text.startswith(f"backtest {single['id']} completed")))]
    assert sorted(text.split()[1] for level, text in completed if level == logging.DEBUG) == sorted(cells)
