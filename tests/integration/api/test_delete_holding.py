"""Deleting a paper or live run that stopped holding positions: a 409 naming them (they stay at the broker,
owned by no run, and every start's reconciliation would report them), unless `force=true`. A backtest's
positions are results, not the broker's: it deletes as before. Trial 19 deleted a run holding 8 TSLA (a 204)
and then read "position TSLA mismatch" in the log at every start."""

from __future__ import annotations

from decimal import Decimal

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.walle.models import Position
from tests.integration.foundation.factories import make_run


def _run(pg: Container, mode: str, held: dict[str, str]) -> str:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode=mode, status="stopped" if mode != "backtest" else "completed"))
        uow.session.flush()
        for symbol, qty in held.items():
            uow.session.add(Position(run_id=run.id, symbol=symbol, qty=Decimal(qty), avg_price=Decimal("100")))
        uow.commit()
        return run.id


def test_a_stopped_paper_run_holding_positions_is_kept_unless_forced(pg: Container, client: FlaskClient) -> None:
    run_id = _run(pg, "paper", {"TSLA": "8", "MSFT": "-50", "AAPL": "0"})
    refused = client.delete(f"/api/v1/runs/{run_id}")
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "conflict"
    assert body["message"] == (f"run {run_id} still holds 50 MSFT short, 8 TSLA at the paper broker: deleted, it "
                               f"would leave them there owned by no run. Close them first (POST /api/v1/runs/{run_id}/"
                               "close-positions), or delete with force=true to leave them anyway")
    assert body["details"]["positions"] == [{"symbol": "MSFT", "qty": "-50"}, {"symbol": "TSLA", "qty": "8"}]
    assert client.get(f"/api/v1/runs/{run_id}").status_code == 200  # nothing lost
    assert client.delete(f"/api/v1/runs/{run_id}?force=true").status_code == 204
    assert client.get(f"/api/v1/runs/{run_id}").status_code == 404


def test_a_flat_paper_run_and_a_backtest_holding_positions_delete_at_once(pg: Container, client: FlaskClient) -> None:
    flat = _run(pg, "paper", {"AAPL": "0"})
    backtest = _run(pg, "backtest", {"AAPL": "10"})
    assert client.delete(f"/api/v1/runs/{flat}").status_code == 204
    assert client.delete(f"/api/v1/runs/{backtest}").status_code == 204
    assert client.delete("/api/v1/runs/x?force=maybe").status_code == 422  # a bad flag is the caller's to fix
