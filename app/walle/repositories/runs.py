"""Runs and sweeps: create, find, list (filtered, paginated, newest first), delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.walle.models import Run, RunMetric, Sweep


@dataclass(frozen=True)
class RunFilter:
    mode: str | None = None
    status: str | None = None
    strategy: str | None = None
    sweep_id: str | None = None


class RunRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, run: Run) -> Run:
        self.session.add(run)
        return run

    def get(self, run_id: str, *, for_update: bool = False) -> Run | None:
        return self.session.get(Run, run_id, with_for_update=for_update or None)

    def list(self, filters: RunFilter, *, limit: int = 50, offset: int = 0) -> tuple[Sequence[Run], int]:
        query = select(Run)
        for column, value in (
            (Run.mode, filters.mode),
            (Run.status, filters.status),
            (Run.strategy, filters.strategy),
            (Run.sweep_id, filters.sweep_id),
        ):
            if value is not None:
                query = query.where(column == value)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(query.order_by(Run.created_at.desc(), Run.id).limit(limit).offset(offset))
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

    def get(self, sweep_id: str) -> Sweep | None:
        return self.session.get(Sweep, sweep_id)

    def list(self, *, limit: int = 50, offset: int = 0) -> tuple[Sequence[Sweep], int]:
        total = self.session.scalar(select(func.count()).select_from(Sweep)) or 0
        page = self.session.scalars(select(Sweep).order_by(Sweep.created_at.desc()).limit(limit).offset(offset))
        return page.all(), total

    def status_counts(self, sweep_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(Run.status, func.count()).where(Run.sweep_id == sweep_id).group_by(Run.status)
        )
        return {status: count for status, count in rows}
