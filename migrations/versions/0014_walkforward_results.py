"""walk-forward results and contrast

`walkforwards.contrast`: the whole-window sweep, its best cell and that cell's backtest (the in-sample
optimised result shown beside the out-of-sample one); NULL when not asked for. `walkforwards.result`:
the stitched out-of-sample metrics and walk-forward efficiency, written when the walk-forward completes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("walkforwards", sa.Column("contrast", sa.JSON(), nullable=True))
    op.add_column("walkforwards", sa.Column("result", sa.JSON(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+), as 0013's downgrade does.
    op.execute("ALTER TABLE walkforwards DROP COLUMN result")
    op.execute("ALTER TABLE walkforwards DROP COLUMN contrast")
