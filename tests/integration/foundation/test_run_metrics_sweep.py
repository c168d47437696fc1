"""Migration 0012: each run_metrics row carries its run's sweep (None outside any sweep), backfilled for
rows stored before it and copied on insert by the database (every writer, COPY included), so the
dashboard's metric sorts (`cells=hide`) read a partial index of the top-level runs' metrics alone."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, Table, insert, select

from app.walle import migrate
from app.walle.db import make_engine
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for

T0 = datetime(2025, 3, 3, 14, 30, tzinfo=UTC)
SWEEP = "00000000-0000-0000-0000-00000000000a"


@pytest.fixture(params=["postgres", "sqlite"])
def url_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'at_0011.db'}"
        migrate.upgrade(url, "0011")
        yield url
        return
    name = create_pg_database("weaver_metric_sweep")
    try:
        url = pg_url_for(name)
        migrate.upgrade(url, "0011")
        yield url
    finally:
        drop_pg_database(name)


def reflect(engine: Engine, name: str) -> Table:
    """A table as the database has it at its revision (runs' expression indexes, 0005, are left out)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r".*expression-based index")
        return Table(name, MetaData(), autoload_with=engine)


def store(engine: Engine, run_id: str, at: datetime, sweep_id: str | None) -> None:
    """A finished run with its Sharpe ratio, written with the columns every revision since 0007 has."""
    runs, metrics = reflect(engine, "runs"), reflect(engine, "run_metrics")
    with engine.begin() as conn:
        conn.execute(insert(runs).values(
            id=run_id, mode="backtest", strategy="sma_cross", params={}, symbols=["AAPL"], timeframe="1Day",
            cash="10000", fees={}, slippage={}, options={}, status="completed", progress=1.0, created_at=at,
            updated_at=at, sweep_id=sweep_id))
        conn.execute(insert(metrics).values(run_id=run_id, name="sharpe", value=1.5))


def copied(engine: Engine) -> dict[str, tuple[str | None, datetime | None]]:
    """Each run's (run_sweep_id, run_created_at) as its metric row holds them."""
    metrics = reflect(engine, "run_metrics")
    with engine.connect() as conn:
        rows = conn.execute(select(metrics.c.run_id, metrics.c.run_sweep_id, metrics.c.run_created_at)).all()
    return {run_id: (sweep_id, at if at is None or isinstance(at, datetime) else datetime.fromisoformat(at))
            for run_id, sweep_id, at in rows}


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def test_run_sweep_is_backfilled_then_copied_on_insert(url_at_0011: str) -> None:
    engine = make_engine(url_at_0011)
    try:
        sweeps = reflect(engine, "sweeps")
        with engine.begin() as conn:
            conn.execute(insert(sweeps).values(id=SWEEP, strategy="sma_cross", grid={}, settings={},
                                               status="completed", created_at=T0, updated_at=T0))
        store(engine, "plain-before", T0, None)
        store(engine, "cell-before", T0 + timedelta(seconds=1), SWEEP)

        migrate.upgrade(url_at_0011)
        assert migrate.schema_differences(engine) == []  # `weaver db check` is clean
        store(engine, "plain-after", T0 + timedelta(seconds=2), None)
        store(engine, "cell-after", T0 + timedelta(seconds=3), SWEEP)

        found = {run_id: (sweep_id, utc(at)) for run_id, (sweep_id, at) in copied(engine).items()}
        assert found == {
            "plain-before": (None, T0),
            "cell-before": (SWEEP, T0 + timedelta(seconds=1)),
            "plain-after": (None, T0 + timedelta(seconds=2)),  # 0007's copy of created_at still made
            "cell-after": (SWEEP, T0 + timedelta(seconds=3)),
        }

        command.downgrade(migrate.alembic_config(url_at_0011), "0011")  # and back: 0007's trigger as it was
        store(engine, "plain-downgraded", T0 + timedelta(seconds=4), None)
        metrics = reflect(engine, "run_metrics")
        assert "run_sweep_id" not in metrics.c
        with engine.connect() as conn:
            at = conn.scalar(select(metrics.c.run_created_at).where(metrics.c.run_id == "plain-downgraded"))
        assert utc(at if at is None or isinstance(at, datetime) else datetime.fromisoformat(at)) == \
            T0 + timedelta(seconds=4)
    finally:
        engine.dispose()
