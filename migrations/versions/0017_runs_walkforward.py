"""runs.walkforward_id: a walk-forward's out-of-sample and contrast runs fold under it, and the dashboard's
top level (`cells=hide`) keeps its partial indexes

A walk-forward's out-of-sample runs (one per fold) and contrast run are plain runs (`sweep_id IS NULL`), so
the dashboard's top level listed about 9 of them per 8-fold walk-forward beside the walk-forward's own row.
Telling them apart by `options->>'walkforward_id'` cost the list its partial indexes (0011, 0012 serve
exactly `sweep_id IS NULL`): a first page at 100,000 runs took 13.7 ms instead of 1.5. Here the walk-forward
is a column, `runs.walkforward_id` (set when the run is created, never changed; backfilled from the
options), and "top level" is `sweep_id IS NULL AND walkforward_id IS NULL`: 0011's indexes are rebuilt
with that predicate, under the same names.

`run_metrics.run_walkforward_id` copies the run's walk-forward on insert, beside 0012's `run_sweep_id` (the
same trigger, the same reason: a partial index cannot look at `runs`), and 0012's metric-sort indexes are
rebuilt for `run_sweep_id IS NULL AND run_walkforward_id IS NULL`. A copy of the column rather than one
derived "top level" flag: the predicate reads as the runs' own does, each column is what the run says
(nothing to keep in step if a definition of "top level" changes), and the backfill touches only the few
walk-forward runs' metrics (a flag would rewrite the metrics of every cell, or of every other run).

The key is ON DELETE CASCADE, as a sweep's cells go with their sweep (runs.sweep_id): a walk-forward's
runs are its record (its folds, chosen cells and stitched result read them; `DELETE /runs/{id}` refuses
them), so they go with it. On SQLite the column and its key are added in place (ADD COLUMN … REFERENCES,
which needs no rebuild of `runs`; a rebuild would delete every run's records through their cascades, as
0013 says of `sweeps`). A small partial index on the column (its non-NULL rows only) finds a walk-forward's
runs, for that cascade among others.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

FK = "fk_runs_walkforward_id_walkforwards"
TOP_LEVEL = sa.text("sweep_id IS NULL AND walkforward_id IS NULL")
TOP_LEVEL_0011 = sa.text("sweep_id IS NULL")
METRIC_TOP_LEVEL = sa.text("run_sweep_id IS NULL AND run_walkforward_id IS NULL")
METRIC_TOP_LEVEL_0012 = sa.text("run_sweep_id IS NULL")
OWNED = sa.text("walkforward_id IS NOT NULL")
LABEL = "coalesce(name, strategy)"
SYMBOLS = "CAST(symbols AS VARCHAR)"
# 0011's indexes, name → columns, as app/walle/models/runs.py declares them
TOP_LEVEL_INDEXES: dict[str, list[str]] = {
    "ix_runs_top_created": ["created_at", "id"],
    "ix_runs_top_id": ["id"],
    "ix_runs_top_status_created": ["status", "created_at"],
    "ix_runs_top_status_created_desc": ["status", "created_at DESC"],
    "ix_runs_top_mode_created": ["mode", "created_at"],
    "ix_runs_top_mode_created_desc": ["mode", "created_at DESC"],
    "ix_runs_top_strategy_created": ["strategy", "created_at"],
    "ix_runs_top_strategy_created_desc": ["strategy", "created_at DESC"],
    "ix_runs_top_label_created": [LABEL, "created_at"],
    "ix_runs_top_label_created_desc": [LABEL, "created_at DESC"],
    "ix_runs_top_symbols_created": [SYMBOLS, "created_at"],
    "ix_runs_top_symbols_created_desc": [SYMBOLS, "created_at DESC"],
}
PLAIN = {"created_at", "id", "status", "mode", "strategy"}
# 0012's indexes, name → columns
METRIC_INDEXES: dict[str, list[str]] = {
    "ix_run_metrics_top_sort": ["name", "value", "run_created_at", "run_id"],
    "ix_run_metrics_top_sort_desc": ["name", "value", "run_created_at DESC", "run_id DESC"],
}
METRIC_PLAIN = {"name", "value", "run_created_at", "run_id"}


def postgres_function(copied: str, selected: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION run_metrics_run_created_at() RETURNS trigger AS $$
    BEGIN
        SELECT {selected} INTO {copied} FROM runs WHERE id = NEW.run_id;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""


def sqlite_trigger(assignments: str) -> str:
    return f"""CREATE TRIGGER tr_run_metrics_run_created_at AFTER INSERT ON run_metrics
    BEGIN
        UPDATE run_metrics SET {assignments} WHERE rowid = NEW.rowid;
    END"""


THREE_PG = ("NEW.run_created_at, NEW.run_sweep_id, NEW.run_walkforward_id", "created_at, sweep_id, walkforward_id")
TWO_PG = ("NEW.run_created_at, NEW.run_sweep_id", "created_at, sweep_id")  # 0012's
THREE_SQLITE = ("run_created_at = (SELECT created_at FROM runs WHERE id = NEW.run_id), "
                "run_sweep_id = (SELECT sweep_id FROM runs WHERE id = NEW.run_id), "
                "run_walkforward_id = (SELECT walkforward_id FROM runs WHERE id = NEW.run_id)")
TWO_SQLITE = ("run_created_at = (SELECT created_at FROM runs WHERE id = NEW.run_id), "
              "run_sweep_id = (SELECT sweep_id FROM runs WHERE id = NEW.run_id)")


def backfill_runs(postgres: bool) -> str:
    """The walk-forward app/services/walkforwards.py wrote in each OOS and contrast run's options (only one
    that exists: the key would refuse another)."""
    named = "runs.options ->> 'walkforward_id'" if postgres else "json_extract(runs.options, '$.walkforward_id')"
    return (f"UPDATE runs SET walkforward_id = {named} "
            f"WHERE {named} IS NOT NULL AND EXISTS (SELECT 1 FROM walkforwards WHERE walkforwards.id = {named})")


BACKFILL_METRICS = (
    "UPDATE run_metrics SET run_walkforward_id = "
    "(SELECT runs.walkforward_id FROM runs WHERE runs.id = run_metrics.run_id) "
    "WHERE EXISTS (SELECT 1 FROM runs WHERE runs.id = run_metrics.run_id AND runs.walkforward_id IS NOT NULL)")


def _trigger(postgres: tuple[str, str], sqlite: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(postgres_function(*postgres))
    else:
        op.execute("DROP TRIGGER tr_run_metrics_run_created_at")
        op.execute(sqlite_trigger(sqlite))


def _top_level_indexes(runs: sa.TextClause, metrics: sa.TextClause) -> None:
    """(Re)create 0011's and 0012's indexes with these predicates."""
    for name, columns in TOP_LEVEL_INDEXES.items():
        op.create_index(name, "runs", [c if c in PLAIN else sa.text(c) for c in columns], unique=False,
                        postgresql_where=runs, sqlite_where=runs)
    for name, columns in METRIC_INDEXES.items():
        op.create_index(name, "run_metrics", [c if c in METRIC_PLAIN else sa.text(c) for c in columns],
                        unique=False, postgresql_where=metrics, sqlite_where=metrics)


def _drop_top_level_indexes() -> None:
    for name in reversed(METRIC_INDEXES):
        op.drop_index(name, table_name="run_metrics")
    for name in reversed(TOP_LEVEL_INDEXES):
        op.drop_index(name, table_name="runs")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.add_column("runs", sa.Column("walkforward_id", sa.String(36), nullable=True))
        op.create_foreign_key(FK, "runs", "walkforwards", ["walkforward_id"], ["id"], ondelete="CASCADE")
    else:  # in place: a column REFERENCES clause needs no rebuild of `runs` (its default is NULL)
        op.execute(f"ALTER TABLE runs ADD COLUMN walkforward_id VARCHAR(36) CONSTRAINT {FK} "
                   "REFERENCES walkforwards (id) ON DELETE CASCADE")
    op.execute(backfill_runs(postgres))
    op.create_index("ix_runs_walkforward_id", "runs", ["walkforward_id"], unique=False,
                    postgresql_where=OWNED, sqlite_where=OWNED)
    op.add_column("run_metrics", sa.Column("run_walkforward_id", sa.String(36), nullable=True))
    op.execute(BACKFILL_METRICS)
    _trigger(THREE_PG, THREE_SQLITE)
    _drop_top_level_indexes()
    _top_level_indexes(TOP_LEVEL, METRIC_TOP_LEVEL)


def downgrade() -> None:
    _drop_top_level_indexes()
    _top_level_indexes(TOP_LEVEL_0011, METRIC_TOP_LEVEL_0012)
    _trigger(TWO_PG, TWO_SQLITE)
    # SQLite drops a column in place (3.35+), as 0012's downgrade does; its REFERENCES clause goes with it.
    op.execute("ALTER TABLE run_metrics DROP COLUMN run_walkforward_id")
    op.drop_index("ix_runs_walkforward_id", table_name="runs")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FK, "runs", type_="foreignkey")
    op.execute("ALTER TABLE runs DROP COLUMN walkforward_id")
