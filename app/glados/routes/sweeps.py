"""Parameter sweeps: launch a grid, watch progress, sort the results by any metric."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal, get_args

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.run_page_json import metric_numbers
from app.glados.schemas.common import Out, PageQuery, page_of_cache
from app.glados.schemas.enums import LIVE_ONLY_METRICS, RunMetric
from app.greta.metrics import unavailable
from app.services.errors import ValidationFailed
from app.services.idempotency import Claim
from app.services.short_ids import no_such
from app.services.specs import SweepCreate
from app.services.sweeps import SweepService, progress_of
from app.walle.models import Sweep
from app.walle.repositories import RunFilter, RunRepository, SweepRepository

bp = Blueprint("sweeps", __name__, url_prefix="/api/v1/sweeps")
SORTABLE_METRICS = frozenset(get_args(RunMetric)) - set(LIVE_ONLY_METRICS)  # a sweep's cells are backtests


class SkippedCellOut(BaseModel):
    """A grid cell no backtest was made for, and why (its parameters failed the strategy's checks)."""

    params: dict[str, Any]
    reason: str


class SweepOut(Out):
    id: str
    name: str | None
    strategy: str
    grid: dict[str, list[Any]]
    settings: dict[str, Any]
    status: str = Field(description="creating (its cells are being made), running, completed, cancelled or failed")
    error: str | None = Field(None, description="why a sweep failed")
    created_at: datetime
    params: dict[str, Any] | None = Field(None, description="the fixed parameters every cell shares")
    total: int = 0
    done: int = 0
    failed: int = 0
    cancelled: int = Field(0, description="cells cancelled before they finished")
    progress: float = Field(0.0, description=(
        "cells finished (done, failed or cancelled) over total; for a cancelled sweep, the cells that ran (done "
        "or failed) over total"))
    skipped: list[SkippedCellOut] = Field(default_factory=list,
                                          description="grid cells with invalid parameters, not counted in total")
    walkforward_id: str | None = Field(None, description="the walk-forward this sweep optimises a window of")
    fold: int | None = Field(None, description="which fold's train window (null: the whole window, or no "
                                               "walk-forward)")

    @field_validator("skipped", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value  # sweeps stored before skipped cells were recorded


class SweepResultOut(Out):
    run_id: str
    params: dict[str, Any]
    status: str
    metrics: dict[str, int | float | None] = Field(description=(
        "the cell's figures, as a run's: a whole number (a count such as `trades`) is an integer"))
    error: str | None = Field(default=None, description="why the cell failed (its run's error); null otherwise")

    @computed_field(description=(  # type: ignore[prop-decorator]
        "why a figure in `metrics` is null although the cell ran, as a run's `metrics_unavailable` (an "
        "annualised figure over too few returns); empty when nothing is withheld for that reason"))
    @property
    def metrics_unavailable(self) -> dict[RunMetric, str]:
        return unavailable(self.metrics)  # type: ignore[return-value]


class ResultQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sort: str = Field("sharpe", max_length=64, description="any metric name, or a parameter name (another is a 422)")
    order: str = Field("desc", pattern="^(asc|desc)$")


def _sweeps() -> SweepService:
    return services().sweeps


def sweep_out(session: Any, sweep: Sweep) -> SweepOut:
    """The total is the sweep's cell count, known before its cells exist (older sweeps count them). A
    cancelled sweep's progress is the share of its cells that ran: those it cancelled are not progress."""
    progress = progress_of(SweepRepository(session).status_counts(sweep.id))
    finished = progress.done + progress.failed + (progress.cancelled if sweep.status != "cancelled" else 0)
    total = sweep.total if sweep.total is not None else progress.total
    return SweepOut.model_validate(sweep).model_copy(update={
        "total": total, "done": progress.done, "failed": progress.failed, "cancelled": progress.cancelled,
        "progress": min(finished / total, 1.0) if total else 0.0,
    })


def sweep_by_id(sweep_id: str) -> SweepOut:
    with services().container.read_session() as session:
        sweep = SweepRepository(session).get(sweep_id)
        if sweep is None:
            raise no_such("sweep", "sweeps", sweep_id)
        return sweep_out(session, sweep)


@endpoint(bp, "", "POST", summary="Launch a sweep: one backtest per grid cell", body=SweepCreate, response=SweepOut,
          status=201, errors=(422,), idempotent=sweep_by_id)
def create_sweep(body: SweepCreate, claim: Claim | None = None) -> SweepOut:
    """Answers at once with the sweep `creating` and its cell count; a worker then creates the cells
    (status `running`, one `sweep.progress` event), or marks the sweep `failed` with the reason.
    Retry safely with an `Idempotency-Key` header."""
    sweep, _ = _sweeps().create(body, claim)
    return sweep_by_id(sweep.id)


class SweepQuery(PageQuery):
    cells: Literal["show", "hide"] = Field("show", description=(
        "walk-forwards' sweeps (one per fold, and the whole window's for contrast): `show` lists every sweep "
        "(the default), `hide` only sweeps outside any walk-forward (each walk-forward is one row of "
        "`GET /walkforwards`, which lists its sweeps), as `GET /runs?cells=hide` folds a sweep's cells"))


@endpoint(bp, "", summary="List sweeps, newest first", query=SweepQuery, response=page_of_cache(SweepOut))
def list_sweeps(query: SweepQuery):  # type: ignore[no-untyped-def]
    with services().container.read_session() as session:
        rows, total = SweepRepository(session).list(limit=query.per_page, offset=query.offset, cells=query.cells)
        items = [sweep_out(session, s) for s in rows]
    return page_of_cache(SweepOut)(items=items, total=total, page=query.page, per_page=query.per_page)


@endpoint(bp, "/<sweep_id>", summary="One sweep with its progress", response=SweepOut)
def get_sweep(sweep_id: str) -> SweepOut:
    return sweep_by_id(sweep_id)


@endpoint(bp, "/<sweep_id>/results", summary="Every cell with its metrics, sorted by any metric", query=ResultQuery,
          response=[SweepResultOut])
def results(sweep_id: str, query: ResultQuery) -> list[SweepResultOut]:
    with services().container.read_session() as session:
        sweep = SweepRepository(session).get(sweep_id)
        if sweep is None:
            raise no_such("sweep", "sweeps", sweep_id)
        repo = RunRepository(session)
        runs, _ = repo.list(RunFilter(sweep_id=sweep_id), limit=100_000)
        metrics = repo.metrics([r.id for r in runs])
        rows = [SweepResultOut(run_id=r.id, params=r.params, status=r.status, error=r.error,
                               metrics=metric_numbers(metrics.get(r.id, {}))) for r in runs]
        _check_sort(query.sort, sweep, rows)

    def value(row: SweepResultOut) -> Any:
        found = row.metrics.get(query.sort, row.params.get(query.sort))
        return None if isinstance(found, float) and math.isnan(found) else found

    present = sorted((r for r in rows if value(r) is not None), key=value, reverse=query.order == "desc")
    return present + [r for r in rows if value(r) is None]  # runs without the figure go last


def _check_sort(sort: str, sweep: Sweep, rows: list[SweepResultOut]) -> None:
    """A name neither a metric nor one of the sweep's parameters would leave the cells unsorted: 422,
    with the names to choose from (as `weaver sweep --sort` says)."""
    parameters = {*sweep.grid, *(sweep.params or {}), *(name for row in rows for name in row.params)}
    if sort in parameters or sort in SORTABLE_METRICS:
        return
    choices = ", ".join([*sorted(parameters), *sorted(SORTABLE_METRICS)])
    raise ValidationFailed({"sort": f"no metric or parameter {sort!r}; choose from {choices}"})


@endpoint(bp, "/<sweep_id>/cancel", "POST", summary="Cancel every unfinished cell (409 once finished, or for a "
          "walk-forward's sweep: cancel the walk-forward)", response=SweepOut, status=202, errors=(404, 409))
def cancel_sweep(sweep_id: str) -> SweepOut:
    _sweeps().cancel(sweep_id)
    return get_sweep.__wrapped__(sweep_id)  # type: ignore[attr-defined]
