"""bar blocks: each series' bars as float columns, read by backtests instead of casting NUMERIC rows

Postgres casts NUMERIC to float8 through text, so reading a million stored bars cost more than the
engine's run over them. `bar_blocks` holds the cast done once, when bars are stored
(app/walle/repositories/bar_blocks.py says the layout). The byte columns are stored uncompressed
(STORAGE EXTERNAL): float columns hardly compress, and a read then detoasts at memory speed.
On Postgres the upgrade builds the blocks of the bars already stored, a block at a time, with the
app's own builder (the same code that keeps them in step afterwards). SQLite gets the table only:
its reads keep casting rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.walle.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BYTE_COLUMNS = ("ts", "open", "high", "low", "close", "volume")


def upgrade() -> None:
    op.create_table(
        "bar_blocks",
        sa.Column("series_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("block_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_ts", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_ts", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.LargeBinary(), nullable=False) for name in BYTE_COLUMNS),
        sa.PrimaryKeyConstraint("series_id", "block_no", name=op.f("pk_bar_blocks")),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name in BYTE_COLUMNS:
        op.execute(f"ALTER TABLE bar_blocks ALTER COLUMN {name} SET STORAGE EXTERNAL")
    from app.walle.repositories import bar_blocks

    cursor = bind.connection.driver_connection.cursor()  # type: ignore[union-attr]
    for series_id, timeframe in bind.execute(sa.text("SELECT id, timeframe FROM bar_series ORDER BY id")).all():
        bar_blocks.rebuild(cursor, series_id, timeframe)


def downgrade() -> None:
    op.drop_table("bar_blocks")
