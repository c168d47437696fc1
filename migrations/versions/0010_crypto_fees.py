"""Crypto fees booked from the broker's CFEE activities: fills.fee_qty and crypto_fees

Alpaca takes a crypto buy's fee in the coin and a sale's in dollars, and reports each as a CFEE
account activity, not on the order or the fill. Veda books each one on the fill it came with:
`fills.fee_qty` holds the coins a fill's fee took (its `fee` is then their value, not cash), and
`crypto_fees` keeps every CFEE booked, by the broker's activity id, so none is booked twice and the
next read of the account's activities starts after the latest.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.walle.types import Money, Price, Quantity

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("fills", sa.Column("fee_qty", Quantity(), nullable=False, server_default="0"))
    op.create_table(
        "crypto_fees",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fill_id", sa.String(36), sa.ForeignKey("fills.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("coin", Quantity(), nullable=False),
        sa.Column("usd", Money(), nullable=False),
        sa.Column("price", Price(), nullable=True),
    )
    op.create_index("ix_crypto_fees_fill_id", "crypto_fees", ["fill_id"])


def downgrade() -> None:
    op.drop_index("ix_crypto_fees_fill_id", table_name="crypto_fees")
    op.drop_table("crypto_fees")
    # SQLite drops the column in place (3.35+): a batch copy would reflect `runs` and its expression indexes.
    op.execute("ALTER TABLE fills DROP COLUMN fee_qty")
