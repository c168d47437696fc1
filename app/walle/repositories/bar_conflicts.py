"""Bars given for times already stored, with other prices: stored bars never change (backtests stay
reproducible), so the new ones are dropped, but the caller hears how many disagreed and where.

Found by one join of the incoming rows (the `_bars_in` temp table) with `bars` on (series, ts), run
only when the new rows overlap stored ones. Values are compared as the database stores them
(NUMERIC on Postgres: exactly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, func, or_, select, true
from sqlalchemy.engine import Connection

from app.walle.models import Bar

MAX_EXAMPLES = 5
COLUMNS = ("open", "high", "low", "close", "volume")
INCOMING = Bar.__table__.to_metadata(MetaData(), name="_bars_in")  # the temp table, typed like `bars`


@dataclass(frozen=True)
class BarConflict:
    """One price of one bar: what is stored (and kept) and what the new rows said."""

    ts: datetime
    column: str
    stored: str  # decimal text without trailing zeros
    given: str


@dataclass
class BarConflicts:
    """Collects, over one or more writes, how many given bars differ from the stored ones and the
    first few differing prices (earliest first)."""

    count: int = 0
    examples: list[BarConflict] = field(default_factory=list)

    def collect(self, connection: Connection, series_id: int, incoming: Table = INCOMING) -> None:
        """The rows of `incoming` that differ from the stored bar at the same time."""
        bars = Bar.__table__
        same_bar = (bars.c.series_id == incoming.c.series_id) & (bars.c.ts == incoming.c.ts)
        if connection.dialect.name == "postgresql":
            # A primary-key lookup per incoming row, whatever the planner guesses: the temp table has no
            # statistics, and a hash or nested-loop join over the whole series took minutes.
            stored: Any = select(*(bars.c[c] for c in COLUMNS)).where(same_bar).limit(1).lateral("stored")
            joined = incoming.join(stored, true())
        else:
            stored, joined = bars, incoming.join(bars, same_bar)
        differs = or_(*(stored.c[c].is_distinct_from(incoming.c[c]) for c in COLUMNS))
        query = (
            select(incoming.c.ts, *(stored.c[c] for c in COLUMNS), *(incoming.c[c] for c in COLUMNS),
                   func.count().over())
            .select_from(joined)
            .where(incoming.c.series_id == series_id, differs)
            .order_by(incoming.c.ts)
            .limit(MAX_EXAMPLES)
        )
        rows = connection.execute(query).all()
        if rows:
            self.count += rows[0][-1]
        for row in rows:
            for i, column in enumerate(COLUMNS):
                old, new = row[1 + i], row[1 + len(COLUMNS) + i]
                if old != new and len(self.examples) < MAX_EXAMPLES:
                    self.examples.append(BarConflict(row[0], column, plain(old), plain(new)))


def plain(value: Any) -> str:
    """A price as decimal text without trailing zeros ("10.5", "100", not "1E+2")."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text
