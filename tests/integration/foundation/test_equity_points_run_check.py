"""equity_points' run is checked per statement on Postgres (0016): the same refusals and the same cascade
as the foreign key it replaces, and a migration that goes down and back up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from alembic import command
from psycopg import errors
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.bootstrap import Container
from app.walle import migrate
from app.walle.db import make_engine
from app.walle.models import EquityPoint, Run
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for

T0 = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def _run(session, name: str) -> str:
    run = Run(mode="backtest", name=name, strategy="sma_cross", params={}, symbols=["AAPL"], timeframe="1Day",
              cash=Decimal("10000"), fees={}, slippage={}, options={}, status="created")
    session.add(run)
    session.flush()
    return run.id


def _points(run_id: str, count: int) -> list[dict]:
    return [{"run_id": run_id, "ts": T0 + timedelta(days=i), "equity": Decimal("10000.25"), "cash": Decimal("10000"),
             "benchmark": None} for i in range(count)]


def test_points_of_a_run_that_does_not_exist_are_refused_with_the_foreign_keys_error(pg: Container) -> None:
    with pg.session_factory() as session:
        real = _run(session, "real")
        with pytest.raises(IntegrityError) as refused:  # one statement, one good run and one unknown
            session.execute(EquityPoint.__table__.insert(), _points(real, 3) + _points("no-such-run", 2))
        assert isinstance(refused.value.orig, errors.ForeignKeyViolation)
        assert "no-such-run" in str(refused.value.orig)
        session.rollback()
    with pg.read_session() as session:
        assert session.scalar(select(func.count()).select_from(EquityPoint)) == 0


def test_deleting_runs_deletes_their_points_and_no_one_elses(pg: Container) -> None:
    with pg.session_factory() as session:
        gone, kept = _run(session, "gone"), _run(session, "kept")
        session.execute(EquityPoint.__table__.insert(), _points(gone, 4) + _points(kept, 3))
        session.commit()
        session.execute(text("DELETE FROM runs WHERE id = :id"), {"id": gone})
        session.commit()
    with pg.read_session() as session:
        left = session.execute(select(EquityPoint.run_id, func.count()).group_by(EquityPoint.run_id)).all()
    assert left == [(kept, 3)]


def _foreign_keys(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT conname FROM pg_constraint WHERE conrelid = 'equity_points'::regclass "
                                      "AND contype = 'f'")).scalars())


def test_the_migration_goes_down_to_the_foreign_key_and_back_up() -> None:
    name = create_pg_database("weaver_equity_check")
    url = pg_url_for(name)
    try:
        migrate.upgrade(url)
        command.downgrade(migrate.alembic_config(url), "0015")
        engine = make_engine(url)
        try:
            assert _foreign_keys(engine) == ["fk_equity_points_run_id_runs"]
            migrate.upgrade(url)
            assert migrate.schema_differences(engine) == []
            assert _foreign_keys(engine) == []
        finally:
            engine.dispose()
    finally:
        drop_pg_database(name)
