"""Walk-forward optimisation: per fold, the best grid cell on the train window, run on the test window.

A walk-forward is one `walkforwards` row: the spec (strategy, grid, fixed params, settings with the
window, the fold spec, the objective metric, its direction and a minimum number of trades), a status
and, per fold, a JSON entry with its windows, its sweep's id, the chosen cell and parameters and the
out-of-sample (OOS) run's id. Folds come from app/greta/folds.py over the window's stored bar times.

No optimiser of its own: each fold is an ordinary sweep (app/services/sweeps.py) over its train window,
marked with `sweeps.walkforward_id` and `fold`. `create` stores every fold's sweep `creating` in one
transaction with one CreateSweepCells command each, so all folds' cells fan out to the workers together.
The transaction storing a sweep's last cell calls `advance` after that cell's metrics: it locks the
walk-forward's row (two sweeps finishing at once take turns, the later sees the earlier), picks that
fold's best completed cell by the objective (cells under `min_trades` or without the figure left out;
ties go to the earlier cell in grid order) and queues its OOS backtest at once, while other folds still
optimise: the transaction claims it too, and the worker that stored the cell runs it next, in the same
message (its StartBacktests goes out too, for a worker that dies first; app/services/backtests.py). A
fold with no eligible cell gets no OOS run and says why. Once every sweep has finished the walk-forward
is `testing` (`failed` if no fold had a cell).

OOS and contrast runs name the walk-forward (`runs.walkforward_id`, and `walkforward_id` in their options):
the dashboard's top level (`GET /runs?cells=hide`) folds them under it, as a sweep's cells under the sweep.

An OOS run starts `warmup` bars before its test window (options.warmup: Greta's engine runs those bars
for the indicators, calls no `next()` on them, and its result begins after them) and ends at the test
window's last bar, closed flat at its last close (options.close_at_end). With `contrast`, one more
sweep optimises the whole window, and its best cell is run again in full, closed at the end (the contrast
run): the in-sample result a user would have trusted without a walk-forward. Its parameters are also run on
every fold's test window exactly as the fold's OOS run is (`contrast.test_run_ids`), so the stitched
result and the hindsight parameters are compared on the same bars under the same protocol: a fold that
chose the hindsight parameters gives the same figures in both. The last OOS or contrast run to
finish completes the walk-forward (`record_oos_finished`), writing its stitched OOS metrics and
efficiency (app/services/walkforward_results.py). `cancel` stops every unfinished cell and run; once every
fold's OOS run has finished (only the contrast left), the stitched result is written all the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.clock.timeframes import parse_timeframe
from app.events.commands import CreateSweepCells, StartBacktests, issue
from app.greta.annualise import annualisation, year_instrument
from app.greta.folds import Fold, FoldSpec, plan_folds
from app.greta.metrics import ANNUALISED, annualised_shortfall, returns_needed
from app.greta.serialize import iso  # a sweep's start and end as SweepCreate writes them: "…T00:00:00Z"
from app.services import idempotency, strategies
from app.services import sweeps as sweep_plans
from app.services.errors import Conflict, ValidationFailed
from app.services.instruments import refuse_crypto_shorts, with_stored_class
from app.services.runs import RunService, now, transition
from app.services.short_ids import no_such
from app.services.walkforward_results import finish
from app.services.walkforward_specs import OBJECTIVE_LABELS, WalkforwardCreate
from app.walle.models import Run, RunMetric, Sweep, Walkforward
from app.walle.uow import UnitOfWork

FINISHED = ("completed", "failed", "cancelled")
MAX_FOLDS = 500
MAX_BACKTESTS = 20_000  # in-sample cells of every fold (ten times a sweep's largest grid)
ACTIVE = ("optimising", "testing")
UNMADE = "its cells could not be made"  # a fold's reason when its sweep failed to make its cells
ALL_FAILED = "every cell of its sweep failed"  # a fold's reason when every cell's backtest failed
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WalkforwardService:
    def __init__(self, uow: Callable[[], UnitOfWork], runs: RunService):
        self.uow = uow
        self.runs = runs

    def create(self, spec: WalkforwardCreate, claim: idempotency.Claim | None = None) -> Walkforward:
        """`claim`: the request's Idempotency-Key, bound to the walk-forward in the same transaction."""
        valid, skipped = sweep_plans.plan(spec.strategy, spec.grid, spec.params, allow_short=spec.allow_short)
        strategies.check_symbols(strategies.resolve(spec.strategy), spec.symbols)
        f = spec.folds
        try:
            fold_spec = FoldSpec.of(f.kind, f.train, f.test, f.step, f.gap, warmup=f.warmup)
        except ValueError as exc:
            raise ValidationFailed({"folds": str(exc)}) from exc
        with self.uow() as uow:
            spec = with_stored_class(uow, spec)
            refuse_crypto_shorts(spec)
            settings = spec.model_dump(mode="json", include=set(sweep_plans.SETTINGS_FIELDS))
            start, end = self.runs.check_data(uow, sweep_plans.window_of(spec.strategy, settings))
            ts = uow.bars.timeline(spec.symbols, spec.timeframe, start, end)
            try:
                plan = plan_folds(ts, fold_spec, window_start=min(start, _dt(ts[0])) if start else None)
            except ValueError as exc:
                raise ValidationFailed({"folds": str(exc)}) from exc
            _check_objective(spec, ts, plan.folds)
            _check_size(len(plan.folds), len(valid), spec.contrast)
            wf = Walkforward(name=spec.name, strategy=spec.strategy, grid=spec.grid, params=spec.params,
                             settings=settings, fold_spec=f.model_dump(mode="json"), objective=spec.objective,
                             direction=spec.direction, min_trades=spec.min_trades, status="optimising", folds=[],
                             skipped_folds=[{"index": s.index, "reason": s.reason} for s in plan.skipped],
                             created_at=now(), updated_at=now())
            uow.session.add(wf)
            uow.session.flush()  # before its sweeps, which name it
            if claim is not None:
                idempotency.record(uow.session, claim, wf.id)
            folds = []
            for fold in plan.folds:
                train = {**settings, "start": iso(fold.train_first), "end": iso(fold.train_last)}
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
            if spec.contrast:
                whole = {**settings, "start": iso(_dt(ts[0])), "end": iso(_dt(ts[-1]))}
                sweep = uow.sweeps.add(Sweep(
                    name=f"{spec.name or spec.strategy} · whole window", strategy=spec.strategy, grid=spec.grid,
                    settings=whole, params=spec.params, total=len(valid), skipped=skipped, status="creating",
                    walkforward_id=wf.id, fold=None, created_at=now(), updated_at=now()))
                issue(uow.outbox, CreateSweepCells(sweep.id))
                wf.contrast = {"sweep_id": sweep.id, "chosen_run_id": None, "params": None, "run_id": None,
                               "reason": None}
            uow.session.flush()
            emit(uow, wf, "walkforward.created")  # other tabs' lists show it at once, as a sweep's `sweep.created`
            uow.commit()
        return wf

    def cancel(self, walkforward_id: str) -> Walkforward:
        """Cancel every unfinished cell of every sweep, and the OOS and contrast runs. Rows are locked in
        the order a worker storing a cell takes them (runs, then sweeps, then the walk-forward); if the
        walk-forward queued OOS runs meanwhile, it starts again with those. 409 once it has finished."""
        for _ in range(5):
            with self.uow() as uow:
                wf = get(uow, walkforward_id)
                if wf.status not in ACTIVE:
                    raise Conflict(f"walk-forward {walkforward_id} is {wf.status}: nothing to cancel")
                run_ids = _owned_run_ids(uow, wf)
                runs = uow.runs.lock(sorted(run_ids))
                sweep_ids = _sweep_ids(wf)
                uow.session.execute(select(Sweep.id).where(Sweep.id.in_(sweep_ids)).order_by(Sweep.id)
                                    .with_for_update())
                uow.session.refresh(wf, with_for_update=True)
                if wf.status not in ACTIVE:
                    raise Conflict(f"walk-forward {walkforward_id} is {wf.status}: nothing to cancel")
                if not set(_owned_run_ids(uow, wf)) <= set(run_ids):
                    uow.rollback()
                    continue
                with uow.outbox.batch():
                    for run in runs.values():
                        if run.status in ("created", "queued", "running"):
                            transition(uow, run, "cancelled", error="walk-forward cancelled")
                    uow.session.execute(update(Sweep).where(Sweep.id.in_(sweep_ids),
                                                            Sweep.status.notin_(FINISHED + ("cancelled",)))
                                        .values(status="cancelled", updated_at=now()))
                    wf.status, wf.updated_at = "cancelled", now()
                    uow.session.flush()
                    if _every_fold_tested(uow, wf):  # only the contrast was left: the stitched result stands
                        finish(uow, wf)
                        uow.session.flush()
                    emit(uow, wf)
                uow.commit()
                return _detached(uow, wf)
        raise Conflict("the walk-forward kept changing while being cancelled; try again")

    def advance(self, walkforward_id: str) -> bool:
        """The same as the hook, in a transaction of its own (a retry, a CLI)."""
        with self.uow() as uow:
            advanced = advance(uow, walkforward_id)
            uow.commit()
        return advanced


def advance(uow: UnitOfWork, walkforward_id: str, queued_to: list[str] | None = None) -> bool:
    """In the caller's transaction, after a sweep of the walk-forward finished: each fold whose sweep has
    finished gets its cell chosen and its OOS run queued at once (the contrast likewise), so OOS runs
    overlap the folds still optimising; once every sweep has finished the walk-forward is `testing` (or
    `failed` when no fold had an eligible cell), and completes here if its runs finished meanwhile.
    True when anything changed; the runs it queued are added to `queued_to`."""
    uow.session.flush()  # the caller's cell (its status, its metrics) is among the ones read below
    wf = uow.session.get(Walkforward, walkforward_id, with_for_update=True)
    if wf is None or wf.status != "optimising":
        return False
    rows = uow.session.execute(select(Sweep.id, Sweep.status, Sweep.error).where(Sweep.walkforward_id == wf.id)).all()
    statuses = {sweep_id: status for sweep_id, status, _ in rows}
    unmade = {sweep_id: error for sweep_id, status, error in rows if status == "failed" and error}
    grid_order: list[dict[str, Any]] | None = None
    folds, queued = [dict(f) for f in wf.folds], []
    for fold in folds:
        if fold.get("oos_run_id") or fold.get("reason") or statuses.get(fold["sweep_id"]) not in FINISHED:
            continue
        if fold["sweep_id"] in unmade:  # its cells were never made (trial 34: a strategy the workers cannot load)
            fold["reason"] = f"{UNMADE}: {unmade[fold['sweep_id']]}"
            continue
        grid_order = grid_order or _grid_order(wf)
        chosen, fold["reason"] = choose(uow, fold["sweep_id"], grid_order, wf.objective, wf.direction,
                                        wf.min_trades)
        if chosen is not None:
            run = _queue_oos(uow, wf, fold, chosen.params)
            fold.update(chosen_run_id=chosen.id, params=chosen.params, oos_run_id=run.id, tied=chosen.tied)
            queued.append(run.id)
    contrast = wf.contrast
    if (contrast is not None and not contrast.get("chosen_run_id") and not contrast.get("reason")
            and contrast["sweep_id"] in unmade):
        wf.contrast = {**contrast, "reason": f"{UNMADE}: {unmade[contrast['sweep_id']]}"}
    elif (contrast is not None and not contrast.get("chosen_run_id") and not contrast.get("reason")
            and statuses.get(contrast["sweep_id"]) in FINISHED):
        grid_order = grid_order or _grid_order(wf)
        wf.contrast = contrast = _queue_contrast(uow, wf, grid_order)
        if contrast["run_id"]:
            queued += [contrast["run_id"], *contrast["test_run_ids"]]
    wf.folds = folds  # a new list: the JSON column is written again
    step = sweep_plans.cells_per_message(len(queued))  # shared out among the workers, as a sweep's cells
    for first in range(0, len(queued), step):
        issue(uow.outbox, StartBacktests(tuple(queued[first:first + step])))
    if queued_to is not None:
        queued_to.extend(queued)
    optimised = all(status in FINISHED for status in statuses.values())
    if optimised:
        if any(f.get("oos_run_id") for f in folds):
            wf.status, wf.error = "testing", None
        else:
            wf.status, wf.error = "failed", _why_no_fold(folds)
            _cancel_contrast_run(uow, wf)
    wf.updated_at = now()
    uow.session.flush()
    if optimised:
        emit(uow, wf)
        if wf.status == "testing":
            _complete_if_done(uow, wf)
    return bool(queued) or optimised


def _why_no_fold(folds: list[dict[str, Any]]) -> str:
    """A failed walk-forward's error: what every fold had in common, else that none had an eligible cell."""
    reasons = [f.get("reason") or "" for f in folds]
    if all(r.startswith(UNMADE) for r in reasons):
        return f"no fold's cells could be made: {reasons[0].removeprefix(UNMADE + ': ')}"
    if all(r.startswith(ALL_FAILED) for r in reasons):
        return f"every cell of every fold failed: {reasons[0]}"
    return "no fold has a cell eligible for the objective"


def _queue_oos(uow: UnitOfWork, wf: Walkforward, fold: dict[str, Any], params: dict[str, Any], *,
               hindsight: bool = False) -> Run:
    """The chosen parameters on the fold's test window, warmed up on the bars before it, closed flat.
    `hindsight`: the contrast's parameters run so (the whole window's best cell, on this test window)."""
    settings = wf.settings
    what = "with the hindsight parameters" if hindsight else "out of sample"
    run = uow.runs.add(Run(
        mode="backtest", name=f"{wf.name or wf.strategy} · fold {fold['index'] + 1} {what}",
        strategy=wf.strategy, params=params, symbols=settings["symbols"], timeframe=settings["timeframe"],
        start_at=datetime.fromisoformat(fold["warmup_first"]), end_at=datetime.fromisoformat(fold["test_last"]),
        cash=settings["cash"], fees=settings["fees"], slippage=settings["slippage"],
        options={"fractional": settings["fractional"], "allow_short": settings["allow_short"],
                 "asset_class": settings["asset_class"], "warmup": fold["warmup_bars"], "close_at_end": True,
                 "walkforward_id": wf.id, **({"contrast": True} if hindsight else {})},
        walkforward_id=wf.id, status="created", created_at=now(), updated_at=now()))
    transition(uow, run, "queued")
    return run


def _cancel_contrast_run(uow: UnitOfWork, wf: Walkforward) -> None:
    contrast = wf.contrast or {}
    for run_id in [contrast.get("run_id"), *(contrast.get("test_run_ids") or [])]:
        run = uow.runs.get(run_id, for_update=True) if run_id else None
        if run is not None and run.status in ("created", "queued", "running"):
            transition(uow, run, "cancelled", error="walk-forward failed: no fold to contrast with")


def _queue_contrast(uow: UnitOfWork, wf: Walkforward, grid_order: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole window's best cell, run again in full (a cell keeps only its summary) and closed at the
    end, and run on every fold's test window as the fold's OOS run is (`test_run_ids`, in fold order): what
    the hindsight parameters make under the same protocol, so the same parameters give the same figures."""
    contrast = dict(wf.contrast or {})
    sweep = uow.sweeps.get(contrast["sweep_id"])
    chosen, reason = choose(uow, contrast["sweep_id"], grid_order, wf.objective, wf.direction, wf.min_trades)
    contrast.update(chosen_run_id=chosen.id if chosen else None, params=chosen.params if chosen else None,
                    reason=reason, run_id=None, test_run_ids=[], tied=chosen.tied if chosen else 1)
    if chosen is None or sweep is None:
        return contrast
    settings = sweep.settings
    run = uow.runs.add(Run(
        mode="backtest", name=f"{wf.name or wf.strategy} · whole window (in sample, for contrast)",
        strategy=wf.strategy, params=chosen.params, symbols=settings["symbols"], timeframe=settings["timeframe"],
        start_at=datetime.fromisoformat(settings["start"]), end_at=datetime.fromisoformat(settings["end"]),
        cash=settings["cash"], fees=settings["fees"], slippage=settings["slippage"],
        options={"fractional": settings["fractional"], "allow_short": settings["allow_short"],
                 "asset_class": settings["asset_class"], "walkforward_id": wf.id, "contrast": True,
                 "close_at_end": True},  # its trades then account for its return, as each fold's do
        walkforward_id=wf.id, status="created", created_at=now(), updated_at=now()))
    transition(uow, run, "queued")
    contrast["run_id"] = run.id
    contrast["test_run_ids"] = [_queue_oos(uow, wf, fold, chosen.params, hindsight=True).id for fold in wf.folds]
    return contrast


class Cell(NamedTuple):
    """A sweep cell as choosing needs it."""

    id: str
    params: dict[str, Any]
    tied: int = 1  # eligible cells with the best figure: above 1, grid order chose among them


def choose(uow: UnitOfWork, sweep_id: str, grid_order: list[dict[str, Any]], objective: str, direction: str,
           min_trades: int) -> tuple[Cell | None, str | None]:
    """The sweep's best completed cell by the objective; ties to the earlier cell in grid order. Reads the
    completed cells' ids, parameters and the two figures it weighs, no more (every fold's choice waits for it)."""
    cells = uow.session.execute(select(Run.id, Run.params).where(Run.sweep_id == sweep_id,
                                                                 Run.status == "completed")).all()
    if not cells:  # trial 36: "no cell of its sweep completed" hid the error every cell had failed with
        failed = uow.session.execute(select(func.count(), func.min(Run.error)).where(
            Run.sweep_id == sweep_id, Run.status == "failed")).one()
        if failed[0]:
            return None, f"{ALL_FAILED} ({failed[0]:,}), such as: {failed[1]}"
        return None, "no cell of its sweep completed"
    figures: dict[str, dict[str, float | None]] = {run_id: {} for run_id, _ in cells}
    for run_id, name, value in uow.session.execute(
            select(RunMetric.run_id, RunMetric.name, RunMetric.value)
            .join(Run, Run.id == RunMetric.run_id)
            .where(Run.sweep_id == sweep_id, Run.status == "completed", RunMetric.name.in_((objective, "trades")))):
        figures[run_id][name] = value
    order = {_key(params): i for i, params in enumerate(grid_order)}
    best: tuple[float, int, Cell] | None = None
    eligible = []
    for run_id, params in cells:
        value, trades = figures[run_id].get(objective), figures[run_id].get("trades") or 0
        if value is None or math.isnan(value) or trades < min_trades:
            continue
        eligible.append(value)
        key = (-value if direction == "max" else value, order.get(_key(params), len(order)), Cell(run_id, params))
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        reason = f"no completed cell with {objective}" + (f" and at least {min_trades} trades" if min_trades else "")
        return None, reason + _why_none(uow, sweep_id, figures, objective)
    # Trial 31: fees_total with no fees scored every cell 0, and the first cell was "chosen" in every fold,
    # silently. How many shared the best figure is kept, so the page and the report can say it was a tie.
    top = -best[0] if direction == "max" else best[0]
    return best[2]._replace(tied=sum(1 for value in eligible if value == top)), None


def _why_none(uow: UnitOfWork, sweep_id: str, figures: dict[str, dict[str, float | None]], objective: str) -> str:
    """Why no cell could be chosen, as a trader would look for it (trial 26: 54 of 90 folds read only "no
    completed cell with sharpe"; every cell had traded nothing in a train window shorter than its averages):
    how many cells traded nothing, and what the cells' runs said of their indicators."""
    idle = sum(1 for values in figures.values() if not values.get("trades"))
    parts = []
    if idle:
        parts.append(f"{'every' if idle == len(figures) else f'{idle} of {len(figures)}'} cell"
                     f"{'' if idle == len(figures) else 's'} traded nothing in the train window")
    elif all(values.get(objective) is None for values in figures.values()):
        parts.append(f"{objective} was withheld in every cell")
    warned = [options.get("warnings") for (options,) in uow.session.execute(
        select(Run.options).where(Run.sweep_id == sweep_id, Run.status == "completed")).all() if options]
    first = min((warnings[0] for warnings in warned if warnings), default=None)  # (the same one every time)
    if first:  # (trial 28: "4 said" of a warning 2 of the 4 gave)
        parts.append(f"{len([w for w in warned if w])} warned that an indicator had no value, such as: {first}")
    return f": {'; '.join(parts)}" if parts else ""


def _grid_order(wf: Walkforward) -> list[dict[str, Any]]:
    """The cells the walk-forward's sweeps made, in grid order (ties in a fold's choice go to the first)."""
    allow_short = sweep_plans.allowed_short(wf.settings)
    return sweep_plans.plan(wf.strategy, wf.grid, wf.params or {}, allow_short=allow_short)[0]


def record_sweep_completed(uow: UnitOfWork, sweep_id: str) -> list[str]:
    """Called when a sweep's last cell is stored (its metrics included): a fold's sweep advances its
    walk-forward. The runs that queued (their StartBacktests is in the outbox), which the worker that
    stored the cell may run at once."""
    queued: list[str] = []
    walkforward_id = uow.session.scalar(select(Sweep.walkforward_id).where(Sweep.id == sweep_id))
    if walkforward_id is not None:
        advance(uow, walkforward_id, queued)
    return queued


def record_oos_finished(uow: UnitOfWork, run: Run) -> None:
    """Called in the transaction that finishes a run: an OOS run's walk-forward completes with its last.
    The walk-forward's row is locked first, so of two OOS runs finishing at once the later sees the earlier."""
    walkforward_id = (run.options or {}).get("walkforward_id")
    if not walkforward_id or run.sweep_id:
        return
    wf = uow.session.get(Walkforward, walkforward_id, with_for_update=True)
    if wf is None or wf.status != "testing":
        return  # while optimising, the last sweep's `advance` completes it if its runs are done by then
    _complete_if_done(uow, wf)


def _complete_if_done(uow: UnitOfWork, wf: Walkforward) -> None:
    ids = _final_run_ids(wf)
    uow.session.flush()  # this run's own status first
    if all(status in FINISHED for status in uow.session.scalars(select(Run.status).where(Run.id.in_(ids)))):
        finish(uow, wf)
        wf.status, wf.updated_at = "completed", now()
        uow.session.flush()
        emit(uow, wf)


def _every_fold_tested(uow: UnitOfWork, wf: Walkforward) -> bool:
    """Whether each fold's out-of-sample run completed (a fold with no eligible cell has none to wait for),
    and at least one did: what the stitched result needs, whatever became of the contrast."""
    oos = [f["oos_run_id"] for f in wf.folds if f.get("oos_run_id")]
    if not oos or any(not f.get("oos_run_id") and not f.get("reason") for f in wf.folds):
        return False
    statuses = uow.session.scalars(select(Run.status).where(Run.id.in_(oos))).all()
    return len(statuses) == len(oos) and all(status == "completed" for status in statuses)


def _final_run_ids(wf: Walkforward) -> list[str]:
    """The OOS runs and the contrast's runs: the walk-forward completes when all have finished."""
    ids = [f["oos_run_id"] for f in wf.folds if f.get("oos_run_id")]
    if wf.contrast and wf.contrast.get("run_id"):
        ids += [wf.contrast["run_id"], *(wf.contrast.get("test_run_ids") or [])]
    return ids


def _owned_run_ids(uow: UnitOfWork, wf: Walkforward) -> list[str]:
    cells = uow.session.scalars(select(Run.id).where(Run.sweep_id.in_(_sweep_ids(wf)))).all()
    return [*cells, *_final_run_ids(wf)]


class Cells(NamedTuple):
    total: int  # the planned count while cells are being made
    ran: int  # completed or failed
    cancelled: int

    @property
    def finished(self) -> int:
        return self.ran + self.cancelled


def cells_by_sweep(session: Session, wf: Walkforward) -> dict[str, Cells]:
    """Per sweep of the walk-forward, its cells, in two queries whatever the folds."""
    sweep_ids = _sweep_ids(wf)
    sweeps = {i: (total, status) for i, total, status in session.execute(
        select(Sweep.id, Sweep.total, Sweep.status).where(Sweep.id.in_(sweep_ids)))}
    counts: dict[str, dict[str, int]] = {i: {} for i in sweep_ids}
    for sweep_id, status, count in session.execute(select(Run.sweep_id, Run.status, func.count())
                                                    .where(Run.sweep_id.in_(sweep_ids))
                                                    .group_by(Run.sweep_id, Run.status)):
        counts[sweep_id][status] = count
    out = {}
    for sweep_id in sweep_ids:
        made = sweep_plans.progress_of(counts[sweep_id])
        total, status = sweeps.get(sweep_id, (None, None))
        total = made.total if total is None else total
        # Cancelled before its cells were made, or failed to make them: the cells it planned count as
        # cancelled, not as pending (a finished walk-forward's progress is whole).
        unmade = max(0, total - made.total) if status in ("cancelled", "failed") else 0
        out[sweep_id] = Cells(total, made.done + made.failed, made.cancelled + unmade)
    return out


def progress(session: Session, wf: Walkforward, cells: dict[str, Cells] | None = None) -> Cells:
    """Over every sweep's cells and the final runs: each fold's OOS run and the contrast run, counted
    from creation (not when queued), so the total a progress bar divides by never grows. A fold (or the
    contrast) with no eligible cell drops its run from the total; a walk-forward cancelled (or failed)
    before queuing a run counts it as cancelled."""
    cells = cells_by_sweep(session, wf) if cells is None else cells
    final = _final_run_ids(wf)
    counts = dict(session.execute(select(Run.status, func.count()).where(Run.id.in_(final))
                                  .group_by(Run.status)).all()) if final else {}
    planned = _planned_final_runs(wf)
    unqueued = max(0, planned - len(final))
    if wf.status == "completed":
        planned -= unqueued  # none left to run
        unqueued = 0
    ran = sum(c.ran for c in cells.values()) + counts.get("completed", 0) + counts.get("failed", 0)
    cancelled = sum(c.cancelled for c in cells.values()) + counts.get("cancelled", 0)
    if wf.status in ("cancelled", "failed"):
        cancelled += unqueued
    return Cells(sum(c.total for c in cells.values()) + planned, ran, cancelled)


def _planned_final_runs(wf: Walkforward) -> int:
    """The OOS runs and the contrast's runs the walk-forward runs or will: one per fold, and for the contrast
    the whole window and each fold's test window, less those whose sweep had no eligible cell (their `reason`)."""
    folds = sum(1 for f in wf.folds if f.get("oos_run_id") or not f.get("reason"))
    contrast = wf.contrast or {}
    if contrast.get("run_id"):
        return folds + 1 + len(contrast.get("test_run_ids") or [])
    return folds + (1 + len(wf.folds) if contrast and not contrast.get("reason") else 0)


def _sweep_ids(wf: Walkforward) -> list[str]:
    return [f["sweep_id"] for f in wf.folds] + ([wf.contrast["sweep_id"]] if wf.contrast else [])


@dataclass(frozen=True)
class Summary:
    """A walk-forward as a list shows it."""

    id: str
    name: str | None
    strategy: str
    status: str
    objective: str
    direction: str
    created_at: datetime
    folds: int
    cells_total: int
    cells_done: int  # cells and runs that ran (completed or failed)
    cells_cancelled: int
    oos_return_pct: float | None  # the stitched out-of-sample total return, once completed
    efficiency: float | None
    efficiency_reason: str | None  # why a completed walk-forward has no efficiency


def listing(session: Session, limit: int, offset: int = 0) -> tuple[list[Summary], int]:
    """The newest walk-forwards first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Walkforward)) or 0
    rows = session.scalars(select(Walkforward).order_by(Walkforward.created_at.desc(), Walkforward.id.desc())
                           .limit(limit).offset(offset)).all()
    out = []
    for wf in rows:
        cells = progress(session, wf)
        result = wf.result or {}
        out.append(Summary(wf.id, wf.name, wf.strategy, wf.status, wf.objective, wf.direction, wf.created_at,
                           len(wf.folds), cells.total, cells.ran, cells.cancelled,
                           (result.get("metrics") or {}).get("total_return_pct"), result.get("efficiency"),
                           result.get("efficiency_reason") if result.get("efficiency") is None else None))
    return out, total


def emit(uow: UnitOfWork, wf: Walkforward, event_type: str | None = None) -> None:
    """`walkforward.<status>` (or `event_type`) with the cells done so far, for the stream."""
    cells = progress(uow.session, wf)
    uow.outbox.emit(event_type or f"walkforward.{wf.status}", {"walkforward_id": wf.id, "status": wf.status,
                                                               "done": cells.finished, "total": cells.total})


def _check_size(folds: int, cells: int, contrast: bool) -> None:
    """A 422 for a walk-forward too big to be meant: more than MAX_FOLDS folds (a 2-bar test window over
    a year of minutes planned 3,885), or more than MAX_BACKTESTS in-sample backtests in all (its sweeps'
    cells), so one request cannot queue a week of work. Says what to change."""
    if folds > MAX_FOLDS:
        raise ValidationFailed({"folds": f"{folds} folds; the limit is {MAX_FOLDS}: give a longer test window "
                                         "or step"})
    backtests = (folds + contrast) * cells
    if backtests > MAX_BACKTESTS:
        raise ValidationFailed({"folds": f"{folds} folds{' and the contrast sweep' if contrast else ''} of {cells} "
                                         f"cells are {backtests:,} backtests; the limit is {MAX_BACKTESTS:,}: give "
                                         "fewer folds or a smaller grid"})


def _check_objective(spec: WalkforwardCreate, ts: np.ndarray, folds: list[Fold]) -> None:
    """An annualised objective (Sharpe, CAGR, …) is withheld for a window shorter than 30 returns covering a
    month of its year, so every cell of such a train window would lack it and the walk-forward would fail
    after running them all: a 422 now, saying what to change."""
    if spec.objective not in ANNUALISED or not folds:
        return
    timeframe, year = parse_timeframe(spec.timeframe), year_instrument(spec.symbols[0], spec.asset_class)
    for fold in folds:
        bars = fold.train_end - fold.train_start
        per_year = annualisation(ts[fold.train_start:fold.train_end], timeframe, year).bars_per_year
        if annualised_shortfall(bars, per_year) is not None:
            raise ValidationFailed({"objective": (
                f"{OBJECTIVE_LABELS.get(spec.objective, spec.objective)} is annualised: a train window needs at least "
                f"{returns_needed(per_year) + 1:,} bars (30 returns covering a month of its {per_year:,.0f}-bar "
                f"year), and fold {fold.index + 1}'s has {bars:,}; give a longer train window or an objective that "
                f"is not annualised, such as {OBJECTIVE_LABELS['total_return_pct']}")})


def _detached(uow: UnitOfWork, wf: Walkforward) -> Walkforward:
    """The row as it stands, readable after the unit of work is gone."""
    uow.session.refresh(wf)
    uow.session.expunge(wf)
    return wf


def get(uow: UnitOfWork, walkforward_id: str) -> Walkforward:
    wf = uow.session.get(Walkforward, walkforward_id)
    if wf is None:
        raise no_such("walk-forward", "walkforwards", walkforward_id)
    return wf


def _key(params: dict[str, Any]) -> str:
    return repr(sorted(params.items()))


def _dt(ns: Any) -> datetime:
    return EPOCH + timedelta(microseconds=int(ns) // 1000)
