"""Walk-forward optimisation: per fold, the best grid cell on the train window, run on the test window.

A walk-forward is one `walkforwards` row: the spec (strategy, grid, fixed params, settings with the
window, the fold spec, the objective metric, its direction and a minimum number of trades), a status
and, per fold, a JSON entry with its windows, its sweep's id, the chosen cell and parameters and the
out-of-sample (OOS) run's id. Folds come from app/greta/folds.py over the window's stored bar times.

No optimiser of its own: each fold is an ordinary sweep (app/services/sweeps.py) over its train window,
marked with `sweeps.walkforward_id` and `fold`. `create` stores every fold's sweep `creating` in one
transaction with one CreateSweepCells command each, so all folds' cells fan out to the workers together.
The transaction storing a fold's last cell calls `advance` after that cell's metrics: it locks the
walk-forward's row (two folds finishing at once take turns, the later sees the earlier) and, once
every fold's sweep is finished, picks per fold the best completed cell by the objective (cells under
`min_trades` or without the figure left out; ties go to the earlier cell in grid order) and queues the
OOS backtests, all in that transaction: status `optimising` → `testing`. A fold with no eligible cell
gets no OOS run and says why.

An OOS run starts `warmup` bars before its test window (options.warmup: Greta's engine runs those bars
for the indicators and calls no `next()` on them, so it starts flat) and ends at the test window's last
bar; its metrics still count the warm-up bars (flat equity). Not yet: closing an open position at the
end (its equity is marked to the last close), the
stitched OOS curve, efficiency and stability figures, cancel, SSE progress. The last OOS run to finish
(completed, failed or cancelled) completes the walk-forward (`record_oos_finished`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from app.events.commands import CreateSweepCells, StartBacktests, issue
from app.greta.folds import FoldSpec, plan_folds
from app.services import sweeps as sweep_plans
from app.services.errors import NotFound, ValidationFailed
from app.services.runs import RunService, now, transition
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Run, Sweep, Walkforward
from app.walle.repositories import RunFilter
from app.walle.uow import UnitOfWork

FINISHED = ("completed", "failed", "cancelled")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WalkforwardService:
    def __init__(self, uow: Callable[[], UnitOfWork], runs: RunService):
        self.uow = uow
        self.runs = runs

    def create(self, spec: WalkforwardCreate) -> Walkforward:
        valid, skipped = sweep_plans.plan(spec.strategy, spec.grid, spec.params)
        f = spec.folds
        try:
            fold_spec = FoldSpec.of(f.kind, f.train, f.test, f.step, f.gap, warmup=f.warmup)
        except ValueError as exc:
            raise ValidationFailed({"folds": str(exc)}) from exc
        settings = spec.model_dump(mode="json", include=set(sweep_plans.SETTINGS_FIELDS))
        with self.uow() as uow:
            start, end = self.runs.check_data(uow, sweep_plans.window_of(spec.strategy, settings))
            ts = np.unique(np.concatenate([uow.bars.load(s, spec.timeframe, start, end).ts for s in spec.symbols]))
            try:
                plan = plan_folds(ts, fold_spec, window_start=min(start, _dt(ts[0])) if start else None)
            except ValueError as exc:
                raise ValidationFailed({"folds": str(exc)}) from exc
            wf = Walkforward(name=spec.name, strategy=spec.strategy, grid=spec.grid, params=spec.params,
                             settings=settings, fold_spec=f.model_dump(mode="json"), objective=spec.objective,
                             direction=spec.direction, min_trades=spec.min_trades, status="optimising", folds=[],
                             skipped_folds=[{"index": s.index, "reason": s.reason} for s in plan.skipped],
                             created_at=now(), updated_at=now())
            uow.session.add(wf)
            uow.session.flush()  # before its sweeps, which name it
            folds = []
            for fold in plan.folds:
                train = {**settings, "start": fold.train_first.isoformat(), "end": fold.train_last.isoformat()}
                sweep = uow.sweeps.add(Sweep(
                    name=f"{spec.name or spec.strategy} · fold {fold.index + 1}", strategy=spec.strategy,
                    grid=spec.grid, settings=train, params=spec.params, total=len(valid), skipped=skipped,
                    status="creating", walkforward_id=wf.id, fold=fold.index, created_at=now(), updated_at=now()))
                issue(uow.outbox, CreateSweepCells(sweep.id))
                folds.append({
                    "index": fold.index, "sweep_id": sweep.id, "partial": fold.partial,
                    "train_first": fold.train_first.isoformat(), "train_last": fold.train_last.isoformat(),
                    "test_first": fold.test_first.isoformat(), "test_last": fold.test_last.isoformat(),
                    "warmup_first": _dt(ts[fold.warmup_start]).isoformat(),
                    "warmup_bars": fold.test_start - fold.warmup_start,
                    "chosen_run_id": None, "params": None, "oos_run_id": None, "reason": None,
                })
            wf.folds = folds
            uow.commit()
        return wf

    def advance(self, walkforward_id: str) -> bool:
        """The same as the hook, in a transaction of its own (a retry, a CLI)."""
        with self.uow() as uow:
            advanced = advance(uow, walkforward_id)
            uow.commit()
        return advanced


def advance(uow: UnitOfWork, walkforward_id: str) -> bool:
    """In the caller's transaction: once every fold's sweep is finished, choose each fold's cell and
    queue its OOS run. True when it did; False when a sweep is still running or it was done before."""
    uow.session.flush()  # the caller's cell (its status, its metrics) is among the ones read below
    wf = uow.session.get(Walkforward, walkforward_id, with_for_update=True)
    if wf is None or wf.status != "optimising":
        return False
    statuses = dict(uow.session.execute(select(Sweep.id, Sweep.status).where(Sweep.walkforward_id == wf.id)).all())
    if any(status not in FINISHED for status in statuses.values()):
        return False
    grid_order, _ = sweep_plans.plan(wf.strategy, wf.grid, wf.params or {})
    settings = wf.settings
    folds, oos_ids = [], []
    for fold in wf.folds:
        fold = dict(fold)
        chosen, reason = choose(uow, fold["sweep_id"], grid_order, wf.objective, wf.direction, wf.min_trades)
        fold["reason"] = reason
        if chosen is not None:
            run = uow.runs.add(Run(
                mode="backtest", name=f"{wf.name or wf.strategy} · fold {fold['index'] + 1} out of sample",
                strategy=wf.strategy, params=chosen.params, symbols=settings["symbols"],
                timeframe=settings["timeframe"], start_at=datetime.fromisoformat(fold["warmup_first"]),
                end_at=datetime.fromisoformat(fold["test_last"]), cash=settings["cash"], fees=settings["fees"],
                slippage=settings["slippage"],
                options={"fractional": settings["fractional"], "allow_short": settings["allow_short"],
                         "asset_class": settings["asset_class"], "warmup": fold["warmup_bars"],
                         "walkforward_id": wf.id},
                status="created", created_at=now(), updated_at=now()))
            transition(uow, run, "queued")
            fold.update(chosen_run_id=chosen.id, params=chosen.params, oos_run_id=run.id)
            oos_ids.append(run.id)
        folds.append(fold)
    for first in range(0, len(oos_ids), sweep_plans.MAX_CELLS_PER_MESSAGE):
        issue(uow.outbox, StartBacktests(tuple(oos_ids[first:first + sweep_plans.MAX_CELLS_PER_MESSAGE])))
    wf.folds = folds  # a new list: the JSON column is written again
    wf.status = "testing" if oos_ids else "failed"
    wf.error = None if oos_ids else "no fold has a cell eligible for the objective"
    wf.updated_at = now()
    uow.session.flush()
    return True


def choose(uow: UnitOfWork, sweep_id: str, grid_order: list[dict[str, Any]], objective: str, direction: str,
           min_trades: int) -> tuple[Run | None, str | None]:
    """The sweep's best completed cell by the objective; ties to the earlier cell in grid order."""
    runs, _ = uow.runs.list(RunFilter(sweep_id=sweep_id), limit=100_000)
    metrics = uow.runs.metrics([r.id for r in runs])
    order = {_key(params): i for i, params in enumerate(grid_order)}
    best: tuple[float, int, Run] | None = None
    for run in runs:
        figures = metrics.get(run.id, {})
        value, trades = figures.get(objective), figures.get("trades") or 0
        if run.status != "completed" or value is None or math.isnan(value) or trades < min_trades:
            continue
        key = (-value if direction == "max" else value, order.get(_key(run.params), len(order)), run)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        return None, (f"no completed cell with {objective}" + (f" and at least {min_trades} trades" if min_trades
                                                                 else ""))
    return best[2], None


def record_sweep_completed(uow: UnitOfWork, sweep_id: str) -> None:
    """Called when a sweep's last cell is stored (its metrics included): a fold's sweep advances its walk-forward."""
    walkforward_id = uow.session.scalar(select(Sweep.walkforward_id).where(Sweep.id == sweep_id))
    if walkforward_id is not None:
        advance(uow, walkforward_id)


def record_oos_finished(uow: UnitOfWork, run: Run) -> None:
    """Called in the transaction that finishes a run: an OOS run's walk-forward completes with its last.
    The walk-forward's row is locked first, so of two OOS runs finishing at once the later sees the earlier."""
    walkforward_id = (run.options or {}).get("walkforward_id")
    if not walkforward_id or run.sweep_id:
        return
    wf = uow.session.get(Walkforward, walkforward_id, with_for_update=True)
    if wf is None or wf.status != "testing":
        return
    ids = [f["oos_run_id"] for f in wf.folds if f.get("oos_run_id")]
    uow.session.flush()  # this run's own status first
    if all(status in FINISHED for status in uow.session.scalars(select(Run.status).where(Run.id.in_(ids)))):
        wf.status, wf.updated_at = "completed", now()


def get(uow: UnitOfWork, walkforward_id: str) -> Walkforward:
    wf = uow.session.get(Walkforward, walkforward_id)
    if wf is None:
        raise NotFound(f"no walk-forward with id {walkforward_id}")
    return wf


def _key(params: dict[str, Any]) -> str:
    return repr(sorted(params.items()))


def _dt(ns: Any) -> datetime:
    return EPOCH + timedelta(microseconds=int(ns) // 1000)
