"""Migration 0017: a walk-forward's out-of-sample and contrast runs name it in `runs.walkforward_id`
(backfilled from their options, copied onto their metrics by the database on insert), the top-level partial
indexes leave them out, the runs go with their walk-forward (ON DELETE CASCADE), and the way back restores
0011's and 0012's indexes and trigger without losing a run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, delete, insert, select, text

from app.walle import migrate
from app.walle.db import make_engine
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for
from tests.integration.foundation.test_run_metrics_sweep import SWEEP, T0, reflect, store

WF = "00000000-0000-0000-0000-0000000000f1"
GONE = "00000000-0000-0000-0000-0000000000f2"  # named in an option, but no such walk-forward


@pytest.fixture(params=["postgres", "sqlite"])
def url_at_0016(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'at_0016.db'}"
        migrate.upgrade(url, "0016")
        yield url
        return
    name = create_pg_database("weaver_runs_wf_mig")
    try:
        url = pg_url_for(name)
        migrate.upgrade(url, "0016")
        yield url
    finally:
        drop_pg_database(name)


def store_owned(engine: Engine, run_id: str, offset: int, options: dict[str, object]) -> None:
    """A run outside any sweep with these options (a walk-forward's, as 0016 knew them), and its Sharpe."""
    store(engine, run_id, T0 + timedelta(seconds=offset), None)
    runs = reflect(engine, "runs")
    with engine.begin() as conn:
        conn.execute(runs.update().where(runs.c.id == run_id).values(options=options))


def owners(engine: Engine) -> dict[str, tuple[str | None, str | None]]:
    """Each run's (runs.walkforward_id, run_metrics.run_walkforward_id)."""
    runs, metrics = reflect(engine, "runs"), reflect(engine, "run_metrics")
    with engine.connect() as conn:
        rows = conn.execute(select(runs.c.id, runs.c.walkforward_id, metrics.c.run_walkforward_id)
                            .join(metrics, metrics.c.run_id == runs.c.id)).all()
    return {run_id: (owner, copied) for run_id, owner, copied in rows}


def run_ids(engine: Engine) -> set[str]:
    runs = reflect(engine, "runs")
    with engine.connect() as conn:
        return set(conn.scalars(select(runs.c.id)))


def index_predicates(engine: Engine) -> dict[str, str]:
    """Each top-level partial index's WHERE clause as the database keeps it."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_run%_top%'"))
        else:
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                     "AND name LIKE 'ix_run%_top%'"))
        return {name: sql.split(" WHERE ", 1)[1].lower() for name, sql in rows}


def test_walk_forward_runs_are_backfilled_copied_left_out_of_the_top_level_and_go_with_it(url_at_0016: str) -> None:
    engine = make_engine(url_at_0016)
    try:
        sweeps, walkforwards = reflect(engine, "sweeps"), reflect(engine, "walkforwards")
        with engine.begin() as conn:
            conn.execute(insert(sweeps).values(id=SWEEP, strategy="sma_cross", grid={}, settings={},
                                               status="completed", created_at=T0, updated_at=T0))
            conn.execute(insert(walkforwards).values(
                id=WF, strategy="sma_cross", grid={}, settings={}, fold_spec={}, objective="sharpe", direction="max",
                min_trades=0, status="completed", folds=[], created_at=T0, updated_at=T0))
        store(engine, "plain", T0, None)
        store(engine, "cell", T0 + timedelta(seconds=1), SWEEP)
        store_owned(engine, "oos", 2, {"walkforward_id": WF, "close_at_end": True})
        store_owned(engine, "contrast", 3, {"walkforward_id": WF, "contrast": True})
        store_owned(engine, "orphan", 4, {"walkforward_id": GONE})  # its key would refuse it: left alone
        before_0017 = index_predicates(engine)
        assert len(before_0017) == 14 and all("walkforward" not in p for p in before_0017.values())

        migrate.upgrade(url_at_0016)
        assert migrate.schema_differences(engine) == []  # `weaver db check` is clean
        predicates = index_predicates(engine)
        assert predicates.keys() == before_0017.keys()
        assert all("walkforward_id is null" in p for p in predicates.values()), predicates
        assert owners(engine) == {"plain": (None, None), "cell": (None, None), "oos": (WF, WF),
                                  "contrast": (WF, WF), "orphan": (None, None)}
        # Inserted after 0017: the trigger copies the run's walk-forward onto its metrics, beside its sweep.
        runs, metrics = reflect(engine, "runs"), reflect(engine, "run_metrics")
        with engine.begin() as conn:
            conn.execute(insert(runs).values(
                id="oos-after", mode="backtest", strategy="sma_cross", params={}, symbols=["AAPL"], timeframe="1Day",
                cash="10000", fees={}, slippage={}, options={"walkforward_id": WF}, status="completed", progress=1.0,
                created_at=T0 + timedelta(seconds=5), updated_at=T0, walkforward_id=WF))
            conn.execute(insert(metrics).values(run_id="oos-after", name="sharpe", value=0.5))
        store(engine, "cell-after", T0 + timedelta(seconds=6), SWEEP)
        found = owners(engine)
        assert found["oos-after"] == (WF, WF) and found["cell-after"] == (None, None)
        with engine.connect() as conn:
            assert conn.scalar(select(metrics.c.run_sweep_id).where(metrics.c.run_id == "cell-after")) == SWEEP

        command.downgrade(migrate.alembic_config(url_at_0016), "0016")  # and back: 0011's and 0012's as they were
        assert "walkforward_id" not in reflect(engine, "runs").c
        assert "run_walkforward_id" not in reflect(engine, "run_metrics").c
        assert index_predicates(engine) == before_0017
        store(engine, "cell-downgraded", T0 + timedelta(seconds=7), SWEEP)  # 0012's trigger copies the sweep again
        with engine.connect() as conn:
            metrics = reflect(engine, "run_metrics")
            assert conn.scalar(select(metrics.c.run_sweep_id).where(metrics.c.run_id == "cell-downgraded")) == SWEEP
        everyone = {"plain", "cell", "oos", "contrast", "orphan", "oos-after", "cell-after", "cell-downgraded"}
        assert run_ids(engine) == everyone

        migrate.upgrade(url_at_0016)  # up again: backfilled again, then the walk-forward takes its runs with it
        assert migrate.schema_differences(engine) == []
        assert {k: v for k, v in owners(engine).items() if v != (None, None)} == {
            "oos": (WF, WF), "contrast": (WF, WF), "oos-after": (WF, WF)}
        walkforwards = reflect(engine, "walkforwards")
        with engine.begin() as conn:
            conn.execute(delete(walkforwards).where(walkforwards.c.id == WF))
        assert run_ids(engine) == everyone - {"oos", "contrast", "oos-after"}
    finally:
        engine.dispose()
