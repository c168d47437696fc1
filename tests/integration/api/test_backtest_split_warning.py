"""A backtest run by a worker on unadjusted stored bars logs the suspected split (runs keep no notes yet)."""

from __future__ import annotations

import io
import logging

from app.services.backtests import BacktestService

HEADER = "timestamp,open,high,low,close,volume\n"


def test_a_worker_backtest_on_a_4_to_1_unadjusted_series_logs_the_split(client, pg, caplog):
    rows = [f"2020-07-{d:02d},{500 + d % 3},{506},{494},{500},100" for d in range(1, 31)]
    rows += [f"2020-08-{d:02d},{125.10 + (d + 1) % 2:.2f},{127},{124},{125.5},400" for d in range(1, 29)]
    upload = {"file": (io.BytesIO((HEADER + "\n".join(rows) + "\n").encode()), "bars.csv"), "symbol": "SPLW"}
    assert client.post("/api/v1/bars/import", data=upload, content_type="multipart/form-data").status_code == 201
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["SPLW"], "cash": "10000",
                                            "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    with caplog.at_level(logging.WARNING, logger="app.services.backtests"):
        assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    assert f"backtest {run['id']}: SPLW: a 4:1 split? close 500.00 → open 125.10 on 2020-08-01;" in caplog.text
