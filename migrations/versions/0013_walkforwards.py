"""walk-forward optimisations

`walkforwards` holds a walk-forward's spec, status and folds (each fold's sweep over its train window,
the chosen parameters and the out-of-sample run). A sweep made for a fold names its walk-forward and
fold (`sweeps.walkforward_id`, `sweeps.fold`; NULL for a sweep of its own), so a fold's last cell
can advance the walk-forward in the transaction that completes its sweep.

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
    with op.batch_alter_table("sweeps") as batch:
        batch.add_column(sa.Column("walkforward_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("fold", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_sweeps_walkforward_id_walkforwards"), "walkforwards",
                                 ["walkforward_id"], ["id"], ondelete="CASCADE")
        batch.create_index(batch.f("ix_sweeps_walkforward_id"), ["walkforward_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sweeps") as batch:
        batch.drop_index(batch.f("ix_sweeps_walkforward_id"))
        batch.drop_constraint(batch.f("fk_sweeps_walkforward_id_walkforwards"), type_="foreignkey")
        batch.drop_column("fold")
        batch.drop_column("walkforward_id")
    op.drop_table("walkforwards")
