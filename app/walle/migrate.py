"""Programmatic Alembic: `weaver db upgrade` / `weaver db check` and test fixtures call these."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, ForeignKeyConstraint

from app.walle.models import Base

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to `revision`; running it again at head changes nothing."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_differences(engine: Engine) -> list[object]:
    """What autogenerate would change: empty when the models and the migrated schema agree.

    Expression indexes (the runs list's sort keys, 0005) can't be reflected, so they are not compared;
    SQLite doesn't report an index column's DESC, so an index that differs only by it is not a difference,
    nor the name and ON DELETE of a foreign key added in place with its column (`ADD COLUMN … REFERENCES`,
    runs.walkforward_id, 0017): SQLite keeps them, but only a table's own FOREIGN KEY clauses are read back
    with theirs. On Postgres, equity_points' foreign key is replaced by statement triggers (0016): not a
    difference."""
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", r".*expression-based index")
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        found = list(compare_metadata(context, Base.metadata))
    if engine.dialect.name != "sqlite":  # 0016: on Postgres equity_points' key is kept by statement triggers
        return [d for d in found if not (isinstance(d, tuple) and d[0] == "add_fk"
                                         and d[1].name == "fk_equity_points_run_id_runs")]
    added = {d[1].name for d in found if isinstance(d, tuple) and d[0] == "add_index"}
    removed = {d[1].name for d in found if isinstance(d, tuple) and d[0] == "remove_index"}
    directional = {name for name in added & removed if str(name).endswith("_desc")}
    found = [d for d in found if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index")
                                      and d[1].name in directional)]
    unnamed = {_fk_signature(d[1]) for d in found if isinstance(d, tuple) and d[0] == "remove_fk" and d[1].name is None}
    named = {_fk_signature(d[1]) for d in found if isinstance(d, tuple) and d[0] == "add_fk"}
    in_place = unnamed & named  # the same key, read back without its name and ON DELETE
    return [d for d in found if not (isinstance(d, tuple) and d[0] in ("add_fk", "remove_fk")
                                     and _fk_signature(d[1]) in in_place)]


def _fk_signature(key: ForeignKeyConstraint) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return key.table.name, tuple(c.name for c in key.columns), tuple(e.target_fullname for e in key.elements)
