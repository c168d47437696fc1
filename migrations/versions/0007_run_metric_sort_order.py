"""run_metrics carry their run's creation time, so a metric sort's ties read in index order

The runs list sorted by a metric orders ties newest first (`created_at DESC, id DESC`). With the
creation time only in `runs`, a page read every run tied with the first value (a trade count that
thousands of sweep cells share) to sort them. `run_metrics.run_created_at` copies it, filled by a
trigger on insert (every writer, COPY included, gets it without knowing), so the indexes below give
each page in order: `ix_run_metrics_sort` read backwards for descending order, `ix_run_metrics_sort_desc`
(ties newest first) forwards for ascending. They replace `ix_run_metrics_name_value`, their prefix.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.walle.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

POSTGRES_TRIGGER = (
    """CREATE FUNCTION run_metrics_run_created_at() RETURNS trigger AS $$
    BEGIN
        SELECT created_at INTO NEW.run_created_at FROM runs WHERE id = NEW.run_id;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER tr_run_metrics_run_created_at BEFORE INSERT ON run_metrics
    FOR EACH ROW EXECUTE FUNCTION run_metrics_run_created_at()""",
)
SQLITE_TRIGGER = (
    """CREATE TRIGGER tr_run_metrics_run_created_at AFTER INSERT ON run_metrics
    BEGIN
        UPDATE run_metrics SET run_created_at = (SELECT created_at FROM runs WHERE id = NEW.run_id)
        WHERE rowid = NEW.rowid;
    END""",
)
BACKFILL = ("UPDATE run_metrics SET run_created_at = "
            "(SELECT runs.created_at FROM runs WHERE runs.id = run_metrics.run_id)")


def upgrade() -> None:
    op.add_column("run_metrics", sa.Column("run_created_at", app.walle.types.UTCDateTime(), nullable=True))
    op.execute(BACKFILL)
    for statement in POSTGRES_TRIGGER if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGER:
        op.execute(statement)
    op.create_index("ix_run_metrics_sort", "run_metrics", ["name", "value", "run_created_at", "run_id"])
    op.create_index("ix_run_metrics_sort_desc", "run_metrics",
                    ["name", "value", sa.text("run_created_at DESC"), sa.text("run_id DESC")])
    op.drop_index("ix_run_metrics_name_value", table_name="run_metrics")


def downgrade() -> None:
    op.create_index("ix_run_metrics_name_value", "run_metrics", ["name", "value"])
    op.drop_index("ix_run_metrics_sort_desc", table_name="run_metrics")
    op.drop_index("ix_run_metrics_sort", table_name="run_metrics")
    op.execute("DROP TRIGGER tr_run_metrics_run_created_at" + (
        " ON run_metrics" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION run_metrics_run_created_at()")
    # SQLite drops the column in place (3.35+): a batch copy would reflect `runs` and its expression indexes.
    op.execute("ALTER TABLE run_metrics DROP COLUMN run_created_at")
