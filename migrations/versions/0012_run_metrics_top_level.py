"""run_metrics carry their run's sweep, and partial twins of the metric-sort indexes hold only the runs
outside any sweep

The dashboard lists runs with `cells=hide`. Sorted by a metric, a page read `run_metrics`' index in
order and dropped each sweep cell it met at the join: with 100,000 runs, 95% of them cells, a deep page
sorted by return took 62 ms instead of 16 (4× its cells=show twin). A partial index cannot look at
`runs`, so `run_metrics.run_sweep_id` copies the run's sweep (None outside any sweep) on insert, as 0007's
trigger copies `run_created_at` (a run's sweep is set when it is created and never changes), and
`ix_run_metrics_top_sort` / `_desc` are 0007's indexes for those rows alone: a cells=hide page seeks
past none of the cells.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TOP_LEVEL = sa.text("run_sweep_id IS NULL")


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


BOTH_PG = ("NEW.run_created_at, NEW.run_sweep_id", "created_at, sweep_id")
CREATED_PG = ("NEW.run_created_at", "created_at")
BOTH_SQLITE = ("run_created_at = (SELECT created_at FROM runs WHERE id = NEW.run_id), "
               "run_sweep_id = (SELECT sweep_id FROM runs WHERE id = NEW.run_id)")
CREATED_SQLITE = "run_created_at = (SELECT created_at FROM runs WHERE id = NEW.run_id)"
BACKFILL = ("UPDATE run_metrics SET run_sweep_id = (SELECT runs.sweep_id FROM runs WHERE runs.id = run_metrics.run_id) "
            "WHERE EXISTS (SELECT 1 FROM runs WHERE runs.id = run_metrics.run_id AND runs.sweep_id IS NOT NULL)")


def _trigger(postgres: tuple[str, str], sqlite: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(postgres_function(*postgres))
    else:
        op.execute("DROP TRIGGER tr_run_metrics_run_created_at")
        op.execute(sqlite_trigger(sqlite))


def upgrade() -> None:
    op.add_column("run_metrics", sa.Column("run_sweep_id", sa.String(36), nullable=True))
    op.execute(BACKFILL)
    _trigger(BOTH_PG, BOTH_SQLITE)
    op.create_index("ix_run_metrics_top_sort", "run_metrics", ["name", "value", "run_created_at", "run_id"],
                    postgresql_where=TOP_LEVEL, sqlite_where=TOP_LEVEL)
    op.create_index("ix_run_metrics_top_sort_desc", "run_metrics",
                    ["name", "value", sa.text("run_created_at DESC"), sa.text("run_id DESC")],
                    postgresql_where=TOP_LEVEL, sqlite_where=TOP_LEVEL)


def downgrade() -> None:
    op.drop_index("ix_run_metrics_top_sort_desc", table_name="run_metrics")
    op.drop_index("ix_run_metrics_top_sort", table_name="run_metrics")
    _trigger(CREATED_PG, CREATED_SQLITE)
    # SQLite drops the column in place (3.35+), as 0007's downgrade does.
    op.execute("ALTER TABLE run_metrics DROP COLUMN run_sweep_id")
