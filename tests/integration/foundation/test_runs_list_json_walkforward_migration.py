"""Migration 0018: the runs list's item text (0015's trigger, Postgres) names the run's walk-forward after its
sweep, as `RunOut` does, for the runs stored before it too; the way back writes 0015's text again."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from alembic import command
from sqlalchemy import Engine, insert, select, update

from app.walle import migrate
from app.walle.db import make_engine
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for
from tests.integration.foundation.test_run_metrics_sweep import T0, reflect, store

WF = "00000000-0000-0000-0000-0000000000f1"


@pytest.fixture
def url_at_0017() -> Iterator[str]:
    name = create_pg_database("weaver_list_json_wf_mig")
    try:
        url = pg_url_for(name)
        migrate.upgrade(url, "0017")
        yield url
    finally:
        drop_pg_database(name)


def items(engine: Engine) -> dict[str, str]:
    runs = reflect(engine, "runs")
    with engine.connect() as conn:
        return dict(conn.execute(select(runs.c.id, runs.c.list_json)).all())


def test_each_item_names_its_walk_forward_after_its_sweep_and_the_way_back_drops_it(url_at_0017: str) -> None:
    engine = make_engine(url_at_0017)
    try:
        with engine.begin() as conn:
            conn.execute(insert(reflect(engine, "walkforwards")).values(
                id=WF, strategy="sma_cross", grid={}, settings={}, fold_spec={}, objective="sharpe", direction="max",
                min_trades=0, status="completed", folds=[], created_at=T0, updated_at=T0))
        store(engine, "plain", T0, None)
        store(engine, "oos", T0, None)
        runs = reflect(engine, "runs")
        with engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == "oos").values(walkforward_id=WF))
        assert all("walkforward_id" not in text for text in items(engine).values())

        migrate.upgrade(url_at_0017)
        assert migrate.schema_differences(engine) == []
        found = items(engine)
        assert f'"sweep_id":null,"walkforward_id":"{WF}","created_at":' in found["oos"]
        assert '"sweep_id":null,"walkforward_id":null,"created_at":' in found["plain"]
        assert orjson.loads(found["oos"])["metrics"] == {"sharpe": 1.5}

        command.downgrade(migrate.alembic_config(url_at_0017), "0017")
        assert all("walkforward_id" not in text for text in items(engine).values())
        assert orjson.loads(items(engine)["oos"])["sweep_id"] is None
    finally:
        engine.dispose()
