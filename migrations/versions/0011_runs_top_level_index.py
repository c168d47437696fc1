"""runs outside any sweep: partial indexes for the dashboard's top level, one per sort key

The dashboard lists runs with `cells=hide` (`sweep_id IS NULL`): each sweep is one row of its own and
its cells are listed on demand. Sweeps add thousands of cells, so reading 0005's indexes and skipping
cells costs as much as the cells skipped (100,000 runs, 95% of them cells: a page sorted by status took
25 ms instead of 2). These are 0005's indexes again, holding only the runs outside any sweep (a cell's
insert adds no entry to them), so the first page and every cursor page seek straight to those runs in
any order the list offers; the capped count reads the smallest of them alone. Sorting by a metric reads
`run_metrics`' own index in order and looks each run up in `ix_runs_top_id`, where a cell is a miss
in a small index instead of a primary-key probe and a heap read (3.3 → 2.0 ms a statement there).

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
LABEL = "coalesce(name, strategy)"
SYMBOLS = "CAST(symbols AS VARCHAR)"
# name → columns, as app/walle/models/runs.py declares them
TOP_LEVEL_INDEXES: dict[str, list[str]] = {
    "ix_runs_top_created": ["created_at", "id"],
    "ix_runs_top_id": ["id"],  # a metric sort's join probes it for each run_metrics row: cells miss without a heap read
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


def upgrade() -> None:
    for name, columns in TOP_LEVEL_INDEXES.items():
        op.create_index(name, "runs", [c if c in PLAIN else sa.text(c) for c in columns], unique=False,
                        postgresql_where=TOP_LEVEL, sqlite_where=TOP_LEVEL)


def downgrade() -> None:
    for name in reversed(TOP_LEVEL_INDEXES):
        op.drop_index(name, table_name="runs")
