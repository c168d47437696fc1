"""Keyset pages of runs: each page starts after the last run of the previous one, so a page costs the
same with 100,000 runs stored as with 100, and runs added meanwhile neither repeat nor push others out.

The order is the sort key (runs without a value last), then newest first (`created_at`, `id`
descending). A page is read in up to three index seeks: the runs tied with the last key, the runs
after that key, then the runs without a value. Each seek matches an index of migration 0005.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, tuple_
from sqlalchemy.orm import Session

from app.walle.models import Run, RunMetric
from app.walle.repositories.runs import RUN_COLUMNS, RunFilter

COUNT_CAP = 10_000  # counting beyond this costs as much as the rows it counts: report "at least"


@dataclass(frozen=True)
class RunPosition:
    """Where a page ended: the last run's sort key (None: it had no value), creation time and id."""

    key: Any
    created_at: datetime
    id: str


def filtered(query: Select[Any], filters: RunFilter) -> Select[Any]:
    for column, value in ((Run.mode, filters.mode), (Run.status, filters.status), (Run.strategy, filters.strategy),
                          (Run.sweep_id, filters.sweep_id)):
        if value is not None:
            query = query.where(column == value)
    return query


NEWEST_FIRST = (Run.created_at.desc(), Run.id.desc())


def keyed(filters: RunFilter, sort: str) -> tuple[Select[Any], Any]:
    """The matching runs with their sort key as a second column, and that key."""
    key = RUN_COLUMNS.get(sort)
    query = filtered(select(Run), filters)
    if key is None:
        query = query.outerjoin(RunMetric, and_(RunMetric.run_id == Run.id, RunMetric.name == sort))
        key = RunMetric.value
    return query.add_columns(key.label("sort_key")), key


class RunPages:
    def __init__(self, session: Session):
        self.session = session

    def count(self, filters: RunFilter) -> tuple[int, bool]:
        """The number of matching runs up to `COUNT_CAP`, and whether that is all of them."""
        capped = filtered(select(literal(1)).select_from(Run), filters).limit(COUNT_CAP + 1).subquery()
        found = self.session.scalar(select(func.count()).select_from(capped)) or 0
        return min(found, COUNT_CAP), found <= COUNT_CAP

    def numbered(self, filters: RunFilter, *, limit: int, offset: int, sort: str = "created_at",
                 descending: bool = True) -> list[tuple[Run, Any]]:
        """Page `offset // limit + 1` in the same order as `after`, counting past every earlier run."""
        query, key = keyed(filters, sort)
        order = key.desc() if descending else key.asc()
        if sort in RUN_COLUMNS:  # never NULL: the order is the index's
            rows = self.session.execute(query.order_by(order, *NEWEST_FIRST).limit(limit).offset(offset))
            return [tuple(row) for row in rows]  # type: ignore[misc]
        # A metric: the runs with a value in the index's order, then (counting those) the runs without one.
        valued = query.where(key.is_not(None))
        found = [tuple(row) for row in self.session.execute(valued.order_by(order, *NEWEST_FIRST)
                                                                  .limit(limit).offset(offset))]
        if len(found) < limit:
            skip = offset - (self.session.scalar(select(func.count()).select_from(valued.subquery())) or 0)
            found += [tuple(row) for row in self.session.execute(
                query.where(key.is_(None)).order_by(*NEWEST_FIRST).limit(limit - len(found)).offset(max(skip, 0)))]
        return found  # type: ignore[return-value]

    def after(self, filters: RunFilter, *, limit: int, sort: str = "created_at", descending: bool = True,
              position: RunPosition | None = None) -> list[tuple[Run, Any]]:
        """Up to `limit` runs following `position` (from the start without one), each with its sort key."""
        query, key = keyed(filters, sort)
        newest_first = NEWEST_FIRST
        rows: list[tuple[Run, Any]] = []

        def take(seek: Select[Any]) -> None:
            if len(rows) < limit:
                rows.extend(tuple(row) for row in self.session.execute(seek.limit(limit - len(rows))))

        if sort == "created_at" and position is not None:
            position = RunPosition(position.created_at, position.created_at, position.id)
        older = None if position is None else (
            tuple_(Run.created_at, Run.id) < tuple_(literal(position.created_at, Run.created_at.type),
                                                    literal(position.id, Run.id.type)))
        if position is None:
            take(query.where(key.is_not(None)).order_by(key.desc() if descending else key.asc(), *newest_first))
        elif position.key is not None:
            take(query.where(key == position.key, older).order_by(*newest_first))
            beyond = key < position.key if descending else key > position.key
            take(query.where(beyond).order_by(key.desc() if descending else key.asc(), *newest_first))
        missing = query.where(key.is_(None))
        if position is not None and position.key is None:
            missing = missing.where(older)
        take(missing.order_by(*newest_first))
        return rows
