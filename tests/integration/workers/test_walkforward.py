"""A walk-forward executed as the workers do (each fold's sweep creates its cells, the cells run in
messages): each fold's chosen parameters are the ones a brute-force loop over plain backtests of the
fold's train window finds, and the out-of-sample runs cover the test windows, with their warm-up."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import select

from app.bootstrap import Container, Services, build_services
from app.services.specs import RunCreate
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Run, Sweep, Walkforward
from app.walle.repositories import RunRepository

SETTINGS = {"symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}
GRID = {"fast": [5, 8], "slow": [20, 30]}
START = datetime.fromisoformat("2023-01-02T00:00:00+00:00")
MIN_TRADES = 1  # fold 0's best return (5, 30) closes no trade: it must not be chosen


def store_walk(pg: Container, days: int = 250) -> None:
    """Daily bars of a seeded random walk (stored as store_daily_bars does): unlike a pure sine, its folds
    favour different cells (seed 0, with at least one trade: (5, 20), (8, 30), (5, 20))."""
    closes = np.round(100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.02, days))), 2)
    ts = np.array([int((START + timedelta(days=i)).timestamp()) * 10**9 for i in range(days)], dtype=np.int64)
    close = [Decimal(str(c)) for c in closes]
    with pg.uow() as uow:
        uow.bars.insert_columns("AAPL", "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * days, source="test")
        uow.commit()


def brute_force_best(services: Services, pg: Container, first: datetime, last: datetime) -> dict:
    """The best cell by total return on [first, last] with MIN_TRADES trades, by plain backtests in grid
    order (the first wins a tie)."""
    best, best_value = None, None
    for fast in GRID["fast"]:
        for slow in GRID["slow"]:
            run = services.runs.create(RunCreate(strategy="sma_cross", params={"fast": fast, "slow": slow},
                                                 start=first, end=last, start_now=True, **SETTINGS))
            assert services.backtests.execute(run.id) == "completed"
            with pg.read_session() as session:
                metrics = RunRepository(session).metrics([run.id])[run.id]
            if metrics["trades"] < MIN_TRADES:
                continue
            if best_value is None or metrics["total_return_pct"] > best_value:
                best, best_value = {"fast": fast, "slow": slow}, metrics["total_return_pct"]
    return best


def test_a_walk_forward_chooses_each_folds_brute_force_best_and_runs_it_out_of_sample(pg: Container) -> None:
    store_walk(pg)
    services = build_services(pg.settings, container=pg)
    wf = services.walkforwards.create(WalkforwardCreate(
        strategy="sma_cross", grid=GRID, folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40},
        objective="total_return_pct", direction="max", min_trades=MIN_TRADES, **SETTINGS))
    assert wf.status == "optimising" and len(wf.folds) == 3
    day = timedelta(days=1)
    for k, fold in enumerate(wf.folds):  # rolling: train 100 bars, test the next 50, step 50
        assert datetime.fromisoformat(fold["train_first"]) == START + 50 * k * day
        assert datetime.fromisoformat(fold["train_last"]) == START + (50 * k + 99) * day
        assert datetime.fromisoformat(fold["test_first"]) == START + (50 * k + 100) * day
        assert datetime.fromisoformat(fold["test_last"]) == START + (50 * k + 149) * day

    for fold in wf.folds:  # every fold's sweep makes its cells before any cell runs: they fan out together
        assert services.sweeps.create_cells(fold["sweep_id"]) == "created"
    with pg.read_session() as session:
        cells = {fold["index"]: session.scalars(select(Run.id).where(Run.sweep_id == fold["sweep_id"])).all()
                 for fold in wf.folds}
        assert {k: len(ids) for k, ids in cells.items()} == {0: 4, 1: 4, 2: 4}
    for k in (2, 0, 1):  # folds finishing in any order
        assert services.backtests.execute_many(list(cells[k])) == "done"

    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        assert stored.status == "testing"
        folds = stored.folds
        assert {s.status for s in session.scalars(select(Sweep).where(Sweep.walkforward_id == wf.id))} == {
            "completed"}
    chosen = []
    for fold in folds:
        best = brute_force_best(services, pg, datetime.fromisoformat(fold["train_first"]),
                                datetime.fromisoformat(fold["train_last"]))
        assert {k: fold["params"][k] for k in GRID} == best, fold
        chosen.append(best)
    assert chosen == [{"fast": 5, "slow": 20}, {"fast": 8, "slow": 30}, {"fast": 5, "slow": 20}]  # per fold

    for k, fold in enumerate(folds):
        assert services.backtests.execute(fold["oos_run_id"]) == "completed"
        with pg.read_session() as session:
            run = session.get(Run, fold["oos_run_id"])
            assert run.sweep_id is None and run.params == fold["params"]
            assert run.start_at == START + (50 * k + 100 - 40) * day  # 40 warm-up bars before the test window
            assert run.end_at == START + (50 * k + 149) * day
            metrics = RunRepository(session).metrics([run.id])[run.id]
        assert metrics["bars"] == 90
        with pg.read_session() as session:  # the last OOS run completes the walk-forward
            assert session.get(Walkforward, wf.id).status == ("completed" if k == 2 else "testing")
