"""runs outside any sweep, newest first: a partial index for the dashboard's top level

The dashboard lists runs with `cells=hide` (`sweep_id IS NULL`): each sweep is one row of its own and
its cells are listed on demand. Sweeps add thousands of cells, all newer than the runs around them, so
reading `ix_runs_created_at` and skipping cells would cost as much as the cells skipped. This index
holds only the runs outside any sweep (a cell's insert adds no entry), so the first page and every
cursor page seek straight to them; the capped count reads it alone too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TOP_LEVEL = sa.text("sweep_id IS NULL")


def upgrade() -> None:
    op.create_index("ix_runs_top_level_created", "runs", ["created_at", "id"], unique=False,
                    postgresql_where=TOP_LEVEL, sqlite_where=TOP_LEVEL)


def downgrade() -> None:
    op.drop_index("ix_runs_top_level_created", table_name="runs")
