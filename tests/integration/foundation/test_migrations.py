from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from app.walle import migrate
from app.walle.db import make_engine
from app.walle.models import Base
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for


def _assert_fully_migrated(url: str) -> None:
    migrate.upgrade(url)
    migrate.upgrade(url)  # idempotent: a second upgrade at head changes nothing
    engine = make_engine(url, sqlite_immediate=False)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision(url)
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
        assert migrate.schema_differences(engine) == []
    finally:
        engine.dispose()


def test_migrations_build_the_whole_schema_from_empty_on_postgres() -> None:
    name = create_pg_database("weaver_migrate")
    try:
        _assert_fully_migrated(pg_url_for(name))
    finally:
        drop_pg_database(name)


def test_migrations_build_the_whole_schema_from_empty_on_sqlite(tmp_path: Path) -> None:
    _assert_fully_migrated(f"sqlite:///{tmp_path / 'fresh.db'}")
