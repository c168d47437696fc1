"""indexes for keyset pages of the runs list

`GET /api/v1/runs` reads each page by seeking from the previous page's last run
(app/walle/repositories/run_pages.py). For every sort key there is one index that, read backwards,
gives descending order (newest first among ties), and one with `created_at DESC` for ascending order;
`run_metrics(name, value)` serves the metric sorts. Without them a page sorted the whole table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LABEL = "coalesce(name, strategy)"
SYMBOLS = "CAST(symbols AS VARCHAR)"
RUN_INDEXES: dict[str, list[str]] = {
    "ix_runs_created_at": ["created_at"],
    "ix_runs_status_created_desc": ["status", "created_at DESC"],
    "ix_runs_mode_created_desc": ["mode", "created_at DESC"],
    "ix_runs_strategy_created": ["strategy", "created_at"],
    "ix_runs_strategy_created_desc": ["strategy", "created_at DESC"],
    "ix_runs_label_created": [LABEL, "created_at"],
    "ix_runs_label_created_desc": [LABEL, "created_at DESC"],
    "ix_runs_symbols_created": [SYMBOLS, "created_at"],
    "ix_runs_symbols_created_desc": [SYMBOLS, "created_at DESC"],
}
PLAIN = {"created_at", "status", "mode", "strategy"}


def upgrade() -> None:
    for name, columns in RUN_INDEXES.items():
        op.create_index(name, "runs", [c if c in PLAIN else sa.text(c) for c in columns], unique=False)
    op.create_index("ix_run_metrics_name_value", "run_metrics", ["name", "value"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_run_metrics_name_value", table_name="run_metrics")
    for name in reversed(RUN_INDEXES):
        op.drop_index(name, table_name="runs")
