"""`weaver runs export` and `weaver runs drift --against` on a sweep cell, which stores only its summary
when it runs: they show the cell's trades, equity curve and decisions exactly as for the same
backtest run alone (its records are rebuilt on the way, as when the API opens the cell)."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.services.specs import RunCreate, SweepCreate
from app.walle.models import Run
from tests.integration.api.conftest import store_daily_bars
from tests.integration.conftest import weaver
from tests.integration.workers.paper_twin import paper_twin, without_client_ids

SETTINGS = {"symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}


def alone_and_cell(pg: Container) -> tuple[str, str]:
    """A backtest run alone and the sweep cell with its parameters, both executed as the workers do."""
    services = build_services(pg.settings, container=pg)
    alone = services.runs.create(RunCreate(strategy="sma_cross", params={"fast": 5, "slow": 20}, start_now=True,
                                           **SETTINGS))
    assert services.backtests.execute(alone.id) == "completed"
    sweep, _ = services.sweeps.create(SweepCreate(strategy="sma_cross", grid={"fast": [5, 8], "slow": [20]},
                                                  **SETTINGS))
    assert services.sweeps.create_cells(sweep.id) == "created"
    with pg.read_session() as session:
        cells = {run.params["fast"]: run.id for run in session.scalars(select(Run).where(Run.sweep_id == sweep.id))}
    assert services.backtests.execute_many(list(cells.values())) == "done"
    with pg.read_session() as session:
        assert session.get(Run, cells[5]).options["records"] == "summary"
    return alone.id, cells[5]


def export(env: dict[str, str], run_id: str, kind: str) -> list[dict]:
    done = weaver("runs", "export", run_id, "--what", kind, "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_runs_export_of_a_sweep_cell_writes_the_trades_and_equity_of_the_run_alone(
        pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    alone, cell = alone_and_cell(pg)
    trades = export(cli_env, cell, "trades")  # the cell's first read: its records are rebuilt now
    assert len(trades) > 2 and trades == export(cli_env, alone, "trades")
    equity = export(cli_env, cell, "equity")
    assert len(equity) == 300 and equity == export(cli_env, alone, "equity")


def test_runs_drift_against_a_sweep_cell_lines_up_the_decisions_as_against_the_run_alone(
        pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    alone, cell = alone_and_cell(pg)
    paper = paper_twin(pg, alone)
    versus_cell = weaver("runs", "drift", paper, "--against", cell, "--json", env=cli_env)
    assert versus_cell.returncode == 0, versus_cell.stderr
    report = json.loads(versus_cell.stdout)
    assert report["summary"]["decisions"] > 2 and report["summary"]["identical"] == report["summary"]["decisions"]
    versus_alone = json.loads(weaver("runs", "drift", paper, "--against", alone, "--json", env=cli_env).stdout)
    assert without_client_ids({**report, "against": None}) == without_client_ids({**versus_alone, "against": None})
