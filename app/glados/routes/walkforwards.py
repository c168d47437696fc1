"""Walk-forward optimisations: launch one, read its folds (chosen parameters, in- and out-of-sample)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint
from pydantic import BaseModel, Field

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.common import Out
from app.services.errors import NotFound
from app.services.sweeps import progress_of
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Run, Walkforward
from app.walle.repositories import RunRepository, SweepRepository

bp = Blueprint("walkforwards", __name__, url_prefix="/api/v1/walkforwards")


class SkippedFoldOut(BaseModel):
    index: int
    reason: str


class FoldOut(Out):
    index: int
    train_first: datetime
    train_last: datetime
    test_first: datetime
    test_last: datetime
    warmup_bars: int = Field(description="bars before the test window that warm the OOS run's indicators up")
    partial: bool = Field(description="the test window runs past the data's end: shorter than asked")
    sweep_id: str = Field(description="the sweep over the train window (in sample)")
    cells_total: int
    cells_done: int = Field(description="cells finished (completed, failed or cancelled)")
    params: dict[str, Any] | None = Field(description="the chosen cell's parameters; null until chosen")
    chosen_run_id: str | None
    in_sample_metrics: dict[str, float | None] = Field(description="the chosen cell's metrics on the train window")
    oos_run_id: str | None = Field(description="the chosen parameters' backtest on the test window")
    oos_status: str | None
    oos_metrics: dict[str, float | None]
    reason: str | None = Field(description="why no cell was chosen")


class WalkforwardOut(Out):
    id: str
    name: str | None
    strategy: str
    grid: dict[str, list[Any]]
    params: dict[str, Any]
    settings: dict[str, Any]
    fold_spec: dict[str, Any]
    objective: str
    direction: str
    min_trades: int
    status: str = Field(description="optimising (the folds' sweeps run), testing (the out-of-sample runs run), "
                                    "completed or failed")
    error: str | None
    created_at: datetime
    folds: list[FoldOut]
    skipped_folds: list[SkippedFoldOut]


def walkforward_out(session: Any, wf: Walkforward) -> WalkforwardOut:
    runs = RunRepository(session)
    sweeps = SweepRepository(session)
    ids = [i for f in wf.folds for i in (f.get("chosen_run_id"), f.get("oos_run_id")) if i]
    metrics = runs.metrics(ids)
    oos_status = {f["oos_run_id"]: session.get(Run, f["oos_run_id"]).status for f in wf.folds if f.get("oos_run_id")}
    folds = []
    for f in wf.folds:
        progress = progress_of(sweeps.status_counts(f["sweep_id"]))
        sweep = sweeps.get(f["sweep_id"])
        total = sweep.total if sweep is not None and sweep.total is not None else progress.total
        folds.append(FoldOut(
            **{k: f[k] for k in ("index", "train_first", "train_last", "test_first", "test_last", "warmup_bars",
                                 "partial", "sweep_id", "params", "chosen_run_id", "oos_run_id", "reason")},
            cells_total=total, cells_done=progress.done + progress.failed + progress.cancelled,
            in_sample_metrics=metrics.get(f.get("chosen_run_id") or "", {}),
            oos_status=oos_status.get(f.get("oos_run_id") or ""),
            oos_metrics=metrics.get(f.get("oos_run_id") or "", {}),
        ))
    return WalkforwardOut(
        id=wf.id, name=wf.name, strategy=wf.strategy, grid=wf.grid, params=wf.params or {}, settings=wf.settings,
        fold_spec=wf.fold_spec, objective=wf.objective, direction=wf.direction, min_trades=wf.min_trades,
        status=wf.status, error=wf.error, created_at=wf.created_at, folds=folds,
        skipped_folds=[SkippedFoldOut(**s) for s in wf.skipped_folds or []],
    )


def walkforward_by_id(walkforward_id: str) -> WalkforwardOut:
    with services().container.read_session() as session:
        wf = session.get(Walkforward, walkforward_id)
        if wf is None:
            raise NotFound(f"no walk-forward with id {walkforward_id}")
        return walkforward_out(session, wf)


@endpoint(bp, "", "POST", summary="Launch a walk-forward: a sweep per fold's train window, the best cell out of "
                                  "sample", body=WalkforwardCreate, response=WalkforwardOut, status=201, errors=(422,))
def create_walkforward(body: WalkforwardCreate) -> WalkforwardOut:
    """Answers at once with the folds planned and their sweeps `creating`; workers make and run every
    fold's cells together, then the chosen cells' out-of-sample runs."""
    wf = services().app.walkforwards.create(body)
    return walkforward_by_id(wf.id)


@endpoint(bp, "/<walkforward_id>", summary="One walk-forward with its folds", response=WalkforwardOut)
def get_walkforward(walkforward_id: str) -> WalkforwardOut:
    return walkforward_by_id(walkforward_id)
