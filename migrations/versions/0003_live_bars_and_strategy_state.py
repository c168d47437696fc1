"""live bars and saved strategy state

`live_bars` holds every bar a live or paper run saw (its warm-up history and each tick's bar), so a
restart rebuilds the strategy by replaying exactly those bars and the drift report backtests on
them; `live_state` holds what a strategy's optional `on_save()` returned on its latest bar. Both
are new tables: nothing existing is rewritten (runs started before this revision record bars from
their next tick on).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.walle.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _price() -> app.walle.types.Exact:
    return app.walle.types.Exact(precision=30, scale=12)


def upgrade() -> None:
    op.create_table(
        "live_bars",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("ts", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("open", _price(), nullable=False),
        sa.Column("high", _price(), nullable=False),
        sa.Column("low", _price(), nullable=False),
        sa.Column("close", _price(), nullable=False),
        sa.Column("volume", app.walle.types.Exact(precision=28, scale=9), nullable=False),
        sa.Column("warmup", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_live_bars_run_id_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "symbol", "ts", name=op.f("pk_live_bars")),
    )
    op.create_table(
        "live_state",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("bar_ts", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_live_state_run_id_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_live_state")),
    )


def downgrade() -> None:
    op.drop_table("live_state")
    op.drop_table("live_bars")
