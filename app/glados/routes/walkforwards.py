"""Walk-forward optimisations: launch one, read its folds (chosen parameters, in- and out-of-sample)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from flask import Blueprint
from pydantic import BaseModel, Field
from sqlalchemy import select

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.routes.sweeps import SkippedCellOut
from app.glados.run_page_json import metric_numbers
from app.glados.schemas.common import Out, PageQuery, page_of_cache
from app.glados.schemas.robustness import RobustnessIn, RobustnessOut
from app.glados.schemas.runs import EquityQuery
from app.services.downsample import min_max_buckets
from app.services.idempotency import Claim
from app.services.robustness import RobustnessAsk, walkforward_robustness
from app.services.short_ids import no_such
from app.services.walkforward_passed_over import PassedOver, passed_over
from app.services.walkforward_results import curves, stability
from app.services.walkforward_specs import WalkforwardCreate
from app.services.walkforwards import cells_by_sweep, listing, progress
from app.walle.models import Run, Sweep, Walkforward
from app.walle.repositories import RunRepository

bp = Blueprint("walkforwards", __name__, url_prefix="/api/v1/walkforwards")
# A run's figures as GET /runs/{id} writes them: a whole number (a count such as `trades`) is an integer.
Metrics = dict[str, int | float | None]


class SkippedFoldOut(BaseModel):
    index: int
    reason: str


class FoldOut(Out):
    index: int = Field(description="the fold's place, from 0; the page, the CLI and the fold sweeps' names count "
                                   "from 1 (index 4 is \"fold 5\")")
    train_first: datetime
    train_last: datetime
    test_first: datetime
    test_last: datetime
    warmup_bars: int = Field(description="bars before the test window that warm the OOS run's indicators up")
    warmup_first: datetime | None = Field(None, description="the first warm-up bar (the OOS run's first bar)")
    partial: bool = Field(description="the test window runs past the data's end: shorter than asked")
    sweep_id: str = Field(description="the sweep over the train window (in sample)")
    cells_total: int
    cells_done: int = Field(description="cells that ran (completed or failed)")
    cells_cancelled: int
    params: dict[str, Any] | None = Field(description="the chosen cell's parameters; null until chosen")
    chosen_run_id: str | None
    tied: int = Field(1, description="the eligible cells that shared the best objective figure, the chosen one "
                                     "among them: above 1, the earliest in grid order was taken")
    passed_over_min_trades: int = Field(0, description="completed cells of its sweep left out of the choice for "
                                                       "making fewer than `min_trades` trades (0 with no minimum)")
    passed_over_better: int = Field(0, description="of those, the cells whose objective figure beat the chosen "
                                                   "cell's: above 0, the sweep's best by the objective is not the "
                                                   "chosen cell")
    in_sample_metrics: Metrics = Field(description="the chosen cell's metrics on the train window")
    oos_run_id: str | None = Field(description="the chosen parameters' backtest on the test window")
    oos_status: str | None
    oos_metrics: Metrics
    reason: str | None = Field(description="why no cell was chosen")
    efficiency: float | None = Field(None, description="annualised OOS return / annualised IS return of this fold")
    efficiency_reason: str | None = None


class ContrastOut(BaseModel):
    sweep_id: str = Field(description="the sweep over the whole window")
    cells_total: int
    cells_done: int
    cells_cancelled: int
    chosen_run_id: str | None = Field(description="its best cell by the objective")
    tied: int = Field(1, description="the eligible cells that shared the best objective figure (as a fold's)")
    passed_over_min_trades: int = Field(0, description="as a fold's: cells left out for fewer than `min_trades` "
                                                       "trades")
    passed_over_better: int = Field(0, description="as a fold's: of those, the ones that beat the chosen cell")
    params: dict[str, Any] | None
    run_id: str | None = Field(description="that cell's backtest over the whole window, with every record, closed "
                                           "at its end")
    run_status: str | None
    metrics: Metrics = Field(description="the contrast run's metrics: in sample, so optimistic")
    reason: str | None
    test_run_ids: list[str] = Field(
        default_factory=list, description="its parameters on each fold's test window (fold order), run as the "
                                          "fold's out-of-sample run is: what `result.contrast_metrics` chains")


class ResultOut(BaseModel):
    metrics: Metrics = Field(description="the stitched out-of-sample curve's metrics")
    contrast_metrics: Metrics | None = Field(
        None, description="the in-sample (hindsight) parameters on the same test windows, each run as the fold's "
                          "out-of-sample run is (warmed up, started flat, closed at its end) and chained as the "
                          "stitched curve is: the same parameters give the same figures")
    folds_included: int = Field(description="folds whose out-of-sample run completed and is in the stitched curve")
    efficiency: float | None = Field(description="walk-forward efficiency: annualised stitched OOS return / the "
                                                 "folds' mean annualised in-sample return")
    efficiency_reason: str | None
    oos_annualised_return_pct: float | None
    is_annualised_return_pct: float | None
    bars_per_year: float | None = Field(
        None, description="the one year both rates above are annualised by: the bars a backtest over the folds' "
                          "whole span (first train bar to last test bar) takes a year to hold; a fold's own CAGR "
                          "takes its own window's year, so their mean can differ slightly")


class StabilityOut(BaseModel):
    name: str
    values: list[Any] = Field(description="the value each fold chose, in fold order (null: no cell chosen)")
    distinct: int


class CurvePointOut(BaseModel):
    t: datetime
    equity: float


class StitchedPointOut(CurvePointOut):
    fold: int


class WalkforwardEquityOut(BaseModel):
    stitched: list[StitchedPointOut] = Field(description="the out-of-sample runs chained from the starting cash")
    contrast: list[CurvePointOut] = Field(description="the hindsight parameters on the same test windows, chained "
                                                        "from the same cash")


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
    status: str = Field(description="optimising (the sweeps run), testing (the out-of-sample and contrast runs "
                                    "run), completed, failed or cancelled")
    error: str | None
    created_at: datetime
    cells_total: int = Field(description=(
        "cells of every sweep (the folds' and the contrast's) plus each fold's out-of-sample run and the contrast "
        "run, all counted from creation so it never grows; a fold with no eligible cell drops its run"))
    cells_done: int = Field(description="those that ran (completed or failed)")
    cells_cancelled: int
    folds: list[FoldOut]
    skipped_folds: list[SkippedFoldOut]
    skipped: list[SkippedCellOut] = Field(description=(
        "grid cells with invalid parameters (a rule between them broken, such as fast >= slow): no fold's sweep "
        "made a backtest for them, and `cells_total` leaves them out"))
    contrast: ContrastOut | None = Field(description="the whole window optimised in sample; null if not asked for")
    result: ResultOut | None = Field(description="the stitched out-of-sample result; null until completed")
    stability: list[StabilityOut] = Field(description="per parameter with a choice, the value each fold chose")


class WalkforwardSummaryOut(Out):
    id: str
    name: str | None
    strategy: str
    status: str
    objective: str
    direction: str
    created_at: datetime
    folds: int
    cells_total: int
    cells_done: int
    cells_cancelled: int
    oos_return_pct: float | None = Field(description="the stitched out-of-sample total return, once completed")
    efficiency: float | None
    efficiency_reason: str | None = Field(description="why a finished walk-forward has no efficiency; null otherwise")


def walkforward_out(session: Any, wf: Walkforward) -> WalkforwardOut:
    runs = RunRepository(session)
    cells = cells_by_sweep(session, wf)
    thin = passed_over(session, wf)
    contrast = wf.contrast or {}
    ids = [i for f in wf.folds for i in (f.get("chosen_run_id"), f.get("oos_run_id")) if i]
    metrics = {run_id: metric_numbers(found) for run_id, found in
               runs.metrics([*ids, *([contrast["run_id"]] if contrast.get("run_id") else [])]).items()}
    status = dict(session.execute(select(Run.id, Run.status).where(Run.id.in_(ids + [contrast.get("run_id")]))).all())
    folds = []
    for f in wf.folds:
        mine, left_out = cells[f["sweep_id"]], thin.get(f["sweep_id"], PassedOver())
        folds.append(FoldOut(
            **{k: f[k] for k in ("index", "train_first", "train_last", "test_first", "test_last", "warmup_bars",
                                 "partial", "sweep_id", "params", "chosen_run_id", "oos_run_id", "reason")},
            cells_total=mine.total, cells_done=mine.ran, cells_cancelled=mine.cancelled,
            in_sample_metrics=metrics.get(f.get("chosen_run_id") or "", {}),
            oos_status=status.get(f.get("oos_run_id") or ""),
            oos_metrics=metrics.get(f.get("oos_run_id") or "", {}),
            efficiency=f.get("efficiency"), efficiency_reason=f.get("efficiency_reason"),
            warmup_first=f.get("warmup_first"), tied=f.get("tied", 1),
            passed_over_min_trades=left_out.cells, passed_over_better=left_out.better,
        ))
    contrast_out = None
    if contrast:
        mine, left_out = cells[contrast["sweep_id"]], thin.get(contrast["sweep_id"], PassedOver())
        contrast_out = ContrastOut(
            sweep_id=contrast["sweep_id"], cells_total=mine.total, cells_done=mine.ran, cells_cancelled=mine.cancelled,
            chosen_run_id=contrast.get("chosen_run_id"), params=contrast.get("params"), run_id=contrast.get("run_id"),
            run_status=status.get(contrast.get("run_id") or ""), metrics=metrics.get(contrast.get("run_id") or "", {}),
            reason=contrast.get("reason"), test_run_ids=contrast.get("test_run_ids") or [],
            tied=contrast.get("tied", 1), passed_over_min_trades=left_out.cells,
            passed_over_better=left_out.better)
    overall = progress(session, wf, cells)
    return WalkforwardOut(
        id=wf.id, name=wf.name, strategy=wf.strategy, grid=wf.grid, params=wf.params or {}, settings=wf.settings,
        fold_spec=wf.fold_spec, objective=wf.objective, direction=wf.direction, min_trades=wf.min_trades,
        status=wf.status, error=wf.error, created_at=wf.created_at, cells_total=overall.total,
        cells_done=overall.ran, cells_cancelled=overall.cancelled, folds=folds,
        skipped_folds=[SkippedFoldOut(**s) for s in wf.skipped_folds or []], skipped=skipped_cells(session, wf),
        contrast=contrast_out,
        result=result_out(wf.result) if wf.result else None, stability=[StabilityOut(**s) for s in stability(wf)],
    )


def result_out(result: dict[str, Any]) -> ResultOut:
    """The stored result, its metrics written as a run's (stored as floats: 13.0 trades is 13)."""
    numbers = {name: metric_numbers(result[name]) for name in ("metrics", "contrast_metrics") if result.get(name)}
    return ResultOut(**{**result, **numbers})


def skipped_cells(session: Any, wf: Walkforward) -> list[SkippedCellOut]:
    """The grid cells every fold's sweep skipped: the same plan made them all, and each sweep stored them."""
    first = wf.folds[0]["sweep_id"] if wf.folds else None
    stored = session.scalar(select(Sweep.skipped).where(Sweep.id == first)) if first else None
    return [SkippedCellOut(**cell) for cell in stored or []]


def walkforward_by_id(walkforward_id: str) -> WalkforwardOut:
    with services().container.read_session() as session:
        wf = session.get(Walkforward, walkforward_id)
        if wf is None:
            raise no_such("walk-forward", "walkforwards", walkforward_id)
        return walkforward_out(session, wf)


@endpoint(bp, "", "POST", summary="Launch a walk-forward: a sweep per fold's train window, the best cell out of "
                                  "sample", body=WalkforwardCreate, response=WalkforwardOut, status=201, errors=(422,),
          idempotent=walkforward_by_id)
def create_walkforward(body: WalkforwardCreate, claim: Claim | None = None) -> WalkforwardOut:
    """Answers at once with the folds planned and their sweeps `creating`; workers make and run every
    fold's cells together, then the chosen cells' out-of-sample runs. `cells_total` is already every
    cell and run it will run. Retry safely with an `Idempotency-Key` header."""
    wf = services().app.walkforwards.create(body, claim)
    return walkforward_by_id(wf.id)


@endpoint(bp, "/<walkforward_id>", summary="One walk-forward with its folds", response=WalkforwardOut)
def get_walkforward(walkforward_id: str) -> WalkforwardOut:
    return walkforward_by_id(walkforward_id)


@endpoint(bp, "", summary="List walk-forwards, newest first", query=PageQuery,
          response=page_of_cache(WalkforwardSummaryOut))
def list_walkforwards(query: PageQuery):  # type: ignore[no-untyped-def]
    with services().container.read_session() as session:
        rows, total = listing(session, query.per_page, query.offset)
    items = [WalkforwardSummaryOut(**dataclasses.asdict(row)) for row in rows]
    return page_of_cache(WalkforwardSummaryOut)(items=items, total=total, page=query.page, per_page=query.per_page)


@endpoint(bp, "/<walkforward_id>/equity",
          summary="The stitched out-of-sample equity and the contrast curve (each downsampled with ?points=N)",
          query=EquityQuery, response=WalkforwardEquityOut)
def walkforward_equity(walkforward_id: str, query: EquityQuery) -> WalkforwardEquityOut:
    """The folds whose out-of-sample run completed, chained from the starting cash; the contrast run over
    the same span, rebased to the same cash. Both empty until an out-of-sample run completes. With
    ?points=N each curve keeps at most N points: its ends and each bucket's lowest and highest equity."""
    with services().container.read_session() as session:
        wf = session.get(Walkforward, walkforward_id)
        if wf is None:
            raise no_such("walk-forward", "walkforwards", walkforward_id)
        found = curves(session, wf)
    stitched, contrast = list(found.stitched), list(found.contrast)
    if query.points:
        stitched = min_max_buckets(stitched, query.points, lambda p: p[1])
        contrast = min_max_buckets(contrast, query.points, lambda p: p[1])
    return WalkforwardEquityOut(stitched=[StitchedPointOut(t=t, equity=e, fold=k) for t, e, k in stitched],
                                contrast=[CurvePointOut(t=t, equity=e) for t, e in contrast])


@endpoint(bp, "/<walkforward_id>/cancel", "POST", summary="Cancel every unfinished cell and run",
          response=WalkforwardOut, status=202, errors=(404, 409))
def cancel_walkforward(walkforward_id: str) -> WalkforwardOut:
    """409 for a walk-forward that has finished (completed, failed or cancelled): nothing to cancel."""
    services().app.walkforwards.cancel(walkforward_id)
    return walkforward_by_id(walkforward_id)


@endpoint(bp, "/<walkforward_id>/robustness", "POST", summary="Monte Carlo and random-entry tests of the stitched "
          "out-of-sample trades", body=RobustnessIn, response=RobustnessOut, errors=(404, 409, 422))
def walkforward_robustness_tests(walkforward_id: str, body: RobustnessIn) -> RobustnessOut:
    """As for a run, on every fold's out-of-sample trades in fold order. 409 until the walk-forward completes."""
    ask = RobustnessAsk(body.resamples, body.seed, body.ruin_drawdown_pct, body.method)
    with services().container.read_session() as session:
        return RobustnessOut.model_validate(walkforward_robustness(session, walkforward_id, ask))
