"""Migration 0013 (walk-forwards) keeps every sweep and its cells: on SQLite a foreign key on `sweeps`
would rebuild the table, and dropping the old one deleted the cells through runs.sweep_id's cascade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, select

from app.walle import migrate
from app.walle.db import make_engine
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for
from tests.integration.foundation.test_run_metrics_sweep import SWEEP, T0, reflect, store


@pytest.fixture(params=["postgres", "sqlite"])
def url_at_0012(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'at_0012.db'}"
        migrate.upgrade(url, "0012")
        yield url
        return
    name = create_pg_database("weaver_walkforward_mig")
    try:
        url = pg_url_for(name)
        migrate.upgrade(url, "0012")
        yield url
    finally:
        drop_pg_database(name)


def test_upgrading_to_walkforwards_and_back_keeps_every_sweep_cell(url_at_0012: str) -> None:
    engine = make_engine(url_at_0012)
    try:
        sweeps = reflect(engine, "sweeps")
        with engine.begin() as conn:
            conn.execute(insert(sweeps).values(
                id=SWEEP, strategy="sma_cross", grid={}, settings={}, status="completed", created_at=T0, updated_at=T0))
        store(engine, "cell", T0, SWEEP)
        migrate.upgrade(url_at_0012)
        assert migrate.schema_differences(engine) == []

        def cells() -> list[str]:
            runs = reflect(engine, "runs")
            with engine.connect() as conn:
                return list(conn.scalars(select(runs.c.id).where(runs.c.sweep_id == SWEEP)))

        assert cells() == ["cell"]
        assert {"walkforward_id", "fold"} <= set(reflect(engine, "sweeps").c.keys())
        command.downgrade(migrate.alembic_config(url_at_0012), "0012")
        assert cells() == ["cell"] and "walkforward_id" not in reflect(engine, "sweeps").c
        migrate.upgrade(url_at_0012)
        assert cells() == ["cell"] and migrate.schema_differences(engine) == []
    finally:
        engine.dispose()
