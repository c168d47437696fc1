"""walk-forward optimisations

`walkforwards` holds a walk-forward's spec, status and folds (each fold's sweep over its train window,
the chosen parameters and the out-of-sample run). A sweep made for a fold names its walk-forward and
fold (`sweeps.walkforward_id`, `sweeps.fold`; NULL for a sweep of its own), so a fold's last cell
can advance the walk-forward in the transaction that completes its sweep. The columns are added in
place, without a foreign key: on SQLite a constraint rebuilds `sweeps`, and dropping the old table
there would delete every sweep's runs (runs.sweep_id is ON DELETE CASCADE).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.walle.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "walkforwards",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("strategy", sa.String(length=200), nullable=False),
        sa.Column("grid", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("fold_spec", sa.JSON(), nullable=False),
        sa.Column("objective", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("min_trades", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("folds", sa.JSON(), nullable=False),
        sa.Column("skipped_folds", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walkforwards")),
    )
    # Plain ADD COLUMN, no foreign key: on SQLite a constraint means rebuilding `sweeps` (batch mode), and
    # dropping the old table there deletes every sweep's runs through runs.sweep_id's ON DELETE CASCADE.
    op.add_column("sweeps", sa.Column("walkforward_id", sa.String(length=36), nullable=True))
    op.add_column("sweeps", sa.Column("fold", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_sweeps_walkforward_id"), "sweeps", ["walkforward_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sweeps_walkforward_id"), table_name="sweeps")
    # SQLite drops a column in place (3.35+), as 0007's and 0012's downgrades do.
    op.execute("ALTER TABLE sweeps DROP COLUMN fold")
    op.execute("ALTER TABLE sweeps DROP COLUMN walkforward_id")
    op.drop_table("walkforwards")
