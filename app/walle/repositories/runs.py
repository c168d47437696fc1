"""Runs and sweeps: create, find, list (filtered, sorted, paginated; newest first by default), delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from sqlalchemy import String, and_, cast, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from app.walle.models import Run, RunMetric, Sweep

Cells = Literal["show", "hide", "only"]


@dataclass(frozen=True)
class RunFilter:
    """`cells`: every run ("show"), only runs outside any sweep or walk-forward ("hide": the dashboard's top
    level, each sweep and walk-forward folded into one row of its own) or only sweep cells ("only")."""

    mode: str | None = None
    status: str | None = None
    strategy: str | None = None
    sweep_id: str | None = None
    cells: Cells = "show"


class SweepOwner(NamedTuple):
    """A sweep's status and, for a walk-forward's sweep, the walk-forward and fold (None: the whole window)."""

    status: str | None
    walkforward_id: str | None
    fold: int | None


def cells_condition(cells: Cells) -> ColumnElement[bool] | None:
    """The WHERE clause `cells` adds; None for "show" (no condition). "hide" is the predicate of migration 0011's
    partial indexes as 0017 rebuilt them (a walk-forward's out-of-sample and contrast runs left out, by their
    column), so they serve it; "only" is sweep cells alone, as before (not a walk-forward's runs)."""
    if cells == "hide":
        return and_(Run.sweep_id.is_(None), Run.walkforward_id.is_(None))
    if cells == "only":
        return Run.sweep_id.is_not(None)
    return None


# The run columns a list can sort by; any other sort key names a metric (run_metrics.name).
RUN_COLUMNS: dict[str, ColumnElement[Any] | InstrumentedAttribute[Any]] = {
    "created_at": Run.created_at,
    "name": func.coalesce(Run.name, Run.strategy),  # what the dashboard shows for an unnamed run
    "mode": Run.mode,
    "strategy": Run.strategy,
    "symbols": cast(Run.symbols, String),
    "status": Run.status,
}


class RunRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, run: Run) -> Run:
        self.session.add(run)
        return run

    def get(self, run_id: str, *, for_update: bool = False) -> Run | None:
        return self.session.get(Run, run_id, with_for_update=for_update or None)

    def lock(self, run_ids: Sequence[str]) -> dict[str, Run]:
        """The runs that exist among `run_ids`, each row locked until the transaction ends; one query,
        locking in id order so two transactions never wait on each other in a circle."""
        if not run_ids:
            return {}
        query = select(Run).where(Run.id.in_(list(run_ids))).order_by(Run.id).with_for_update()
        return {run.id: run for run in self.session.scalars(query)}

    def list(self, filters: RunFilter, *, limit: int = 50, offset: int = 0, sort: str = "created_at",
             descending: bool = True) -> tuple[Sequence[Run], int]:
        """`sort` is a run column (`RUN_COLUMNS`) or else a metric name; runs without the value go last
        either way, and ties keep the newest first so pages never overlap."""
        query = select(Run)
        for column, value in (
            (Run.mode, filters.mode),
            (Run.status, filters.status),
            (Run.strategy, filters.strategy),
            (Run.sweep_id, filters.sweep_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if (condition := cells_condition(filters.cells)) is not None:
            query = query.where(condition)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        key = RUN_COLUMNS.get(sort)
        if key is None:
            query = query.outerjoin(RunMetric, and_(RunMetric.run_id == Run.id, RunMetric.name == sort))
            key = RunMetric.value
        first = (key.desc() if descending else key.asc()).nulls_last()
        page = self.session.scalars(query.order_by(first, Run.created_at.desc(), Run.id).limit(limit).offset(offset))
        return page.all(), total

    def with_status(self, statuses: Sequence[str], modes: Sequence[str] | None = None) -> Sequence[Run]:
        query = select(Run).where(Run.status.in_(list(statuses)))
        if modes:
            query = query.where(Run.mode.in_(list(modes)))
        return self.session.scalars(query.order_by(Run.created_at)).all()

    def delete(self, run_id: str) -> None:
        self.session.execute(delete(Run).where(Run.id == run_id))

    def metrics(self, run_ids: Sequence[str]) -> dict[str, dict[str, float | None]]:
        if not run_ids:
            return {}
        found: dict[str, dict[str, float | None]] = {run_id: {} for run_id in run_ids}
        # Plain columns, not ORM objects: a page of 50 runs carries about a thousand metric rows.
        rows = self.session.execute(select(RunMetric.run_id, RunMetric.name, RunMetric.value)
                                    .where(RunMetric.run_id.in_(list(run_ids))))
        for run_id, name, value in rows:
            found[run_id][name] = value
        return found


class SweepRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, sweep: Sweep) -> Sweep:
        self.session.add(sweep)
        return sweep

    def get(self, sweep_id: str, *, for_update: bool = False) -> Sweep | None:
        return self.session.get(Sweep, sweep_id, with_for_update=for_update or None)

    def list(self, *, limit: int = 50, offset: int = 0, cells: Literal["show", "hide"] = "show"
             ) -> tuple[Sequence[Sweep], int]:
        """Newest first; `cells="hide"` leaves out the sweeps of walk-forwards (its folds' and its contrast)."""
        query = select(Sweep)
        if cells == "hide":
            query = query.where(Sweep.walkforward_id.is_(None))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(query.order_by(Sweep.created_at.desc()).limit(limit).offset(offset))
        return page.all(), total

    def locked_status_counts(self, sweep_id: str) -> tuple[SweepOwner, dict[str, int]]:
        """The sweep's status (None: no such sweep) and its walk-forward and fold, with its row locked
        until the transaction ends, then its runs counted by status. The count is its own statement,
        after the lock: it sees every cell that committed while this one waited. On Postgres both go in
        one round trip (a pipeline), prepared, without the ORM: a sweep cell's store runs it once."""
        self.session.flush()  # the caller's own changes (the cell's status) count
        if self.session.get_bind().dialect.name != "postgresql":
            found = self.session.execute(select(Sweep.status, Sweep.walkforward_id, Sweep.fold)
                                         .where(Sweep.id == sweep_id).with_for_update()).first()
            return SweepOwner(*(found or (None, None, None))), self.status_counts(sweep_id)
        connection = self.session.connection().connection.driver_connection
        with connection.cursor() as locking, connection.cursor() as counting:
            with connection.pipeline():
                locking.execute(_PG_LOCK_SWEEP, (sweep_id,), prepare=True)
                counting.execute(_PG_STATUS_COUNTS, (sweep_id,), prepare=True)
            found = locking.fetchone()
            return SweepOwner(*(found or (None, None, None))), dict(counting.fetchall())

    def status_counts(self, sweep_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(Run.status, func.count()).where(Run.sweep_id == sweep_id).group_by(Run.status)
        )
        return {status: count for status, count in rows}


_PG_LOCK_SWEEP = "SELECT status, walkforward_id, fold FROM sweeps WHERE id = %s FOR UPDATE"
_PG_STATUS_COUNTS = "SELECT status, count(*) FROM runs WHERE sweep_id = %s GROUP BY status"
