"""exact prices for every asset, instruments, bar adjustment

Every price column becomes NUMERIC(30,12) (it was NUMERIC(20,6), which turned 0.0000123 into
0.000012) and bar volumes NUMERIC(28,9) like every other quantity (fractional crypto volumes);
`instruments` holds each symbol's asset class and increments; `bar_series.adjustment` says how a
series' bars were adjusted for splits and dividends (raw for every series stored so far).

Postgres: one ALTER TABLE per table, so each table is rewritten once; rows are kept, values
unchanged (a wider scale only appends zeros). SQLite: nothing to do for the prices. Exact
stores decimal text there and its declared type is now a plain VARCHAR, which Alembic's type
comparison accepts against the VARCHAR(22) of older databases; rebuilding the tables only to
restate a length SQLite ignores would copy every bar, and dropping `orders` during the rebuild
would cascade-delete its fills (foreign keys are on).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.walle.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PRICE, OLD_PRICE = "NUMERIC(30, 12)", "NUMERIC(20, 6)"
QUANTITY, OLD_VOLUME = "NUMERIC(28, 9)", "NUMERIC(24, 4)"
# table: {column: (new type, type before this revision)}
WIDENED = {
    "bars": {
        "open": (PRICE, OLD_PRICE),
        "high": (PRICE, OLD_PRICE),
        "low": (PRICE, OLD_PRICE),
        "close": (PRICE, OLD_PRICE),
        "volume": (QUANTITY, OLD_VOLUME),
    },
    "orders": {
        "limit_price": (PRICE, OLD_PRICE),
        "stop_price": (PRICE, OLD_PRICE),
        "filled_avg_price": (PRICE, OLD_PRICE),
    },
    "fills": {"price": (PRICE, OLD_PRICE)},
    "positions": {"avg_price": (PRICE, OLD_PRICE), "mark_price": (PRICE, OLD_PRICE)},
    "trades": {"entry_price": (PRICE, OLD_PRICE), "exit_price": (PRICE, OLD_PRICE)},
}


def _retype(new: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: decimal text in an untyped-length VARCHAR, see the module docstring
    for table, columns in WIDENED.items():
        changes = ", ".join(f'ALTER COLUMN "{column}" TYPE {types[0 if new else 1]}'
                            for column, types in columns.items())
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade() -> None:
    _retype(new=True)
    op.create_table(
        "instruments",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("asset_class", sa.String(length=16), nullable=False),
        sa.Column("price_increment", app.walle.types.Exact(precision=30, scale=12), nullable=True),
        sa.Column("qty_increment", app.walle.types.Exact(precision=28, scale=9), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("updated_at", app.walle.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_instruments")),
    )
    with op.batch_alter_table("bar_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adjustment", sa.String(length=8), server_default="raw", nullable=False))


def downgrade() -> None:
    """Narrows the prices back to 6 decimals: finer prices are rounded, larger ones fail."""
    with op.batch_alter_table("bar_series", schema=None) as batch_op:
        batch_op.drop_column("adjustment")
    op.drop_table("instruments")
    _retype(new=False)
