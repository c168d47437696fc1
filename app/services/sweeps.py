"""Parameter sweeps: one backtest run per cell of a grid, fanned out to the backtest queue."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.events.commands import StartBacktest, issue
from app.services import strategies
from app.services.errors import NotFound, ValidationFailed
from app.services.runs import RunService, now, transition
from app.services.specs import RunCreate, SweepCreate
from app.walle.models import Run, Sweep
from app.walle.repositories import RunFilter
from app.walle.uow import UnitOfWork

SETTINGS_FIELDS = ("symbols", "timeframe", "start", "end", "cash", "fees", "slippage", "fractional", "allow_short",
                   "asset_class")


@dataclass(frozen=True)
class SweepProgress:
    total: int
    done: int
    failed: int
    cancelled: int
    running: int

    @property
    def finished(self) -> bool:
        return self.done + self.failed + self.cancelled >= self.total


def cells(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(grid[n] for n in names))]


def progress_of(counts: dict[str, int]) -> SweepProgress:
    total = sum(counts.values())
    return SweepProgress(
        total=total, done=counts.get("completed", 0), failed=counts.get("failed", 0),
        cancelled=counts.get("cancelled", 0), running=counts.get("running", 0),
    )


class SweepService:
    def __init__(self, uow: Callable[[], UnitOfWork], runs: RunService):
        self.uow = uow
        self.runs = runs

    def create(self, spec: SweepCreate) -> tuple[Sweep, list[dict[str, Any]]]:
        cls = strategies.resolve(spec.strategy)
        valid: list[dict[str, Any]] = []
        skipped: list[dict[str, Any]] = []
        for cell in cells(spec.grid):
            try:
                valid.append(strategies.validate_params(cls, {**spec.params, **cell}))
            except ValidationFailed as exc:
                skipped.append({"params": cell, "reason": "; ".join(exc.fields.values())})
        if not valid:
            raise ValidationFailed({"grid": "no cell of the grid has valid parameters: "
                                            + (skipped[0]["reason"] if skipped else "empty grid")})
        settings = spec.model_dump(mode="json", include=set(SETTINGS_FIELDS))
        with self.uow() as uow:
            window = RunCreate(mode="backtest", strategy=spec.strategy, **spec.model_dump(include=set(SETTINGS_FIELDS)))
            start, end = self.runs.check_data(uow, window)
            sweep = uow.sweeps.add(Sweep(name=spec.name, strategy=spec.strategy, grid=spec.grid, settings=settings,
                                         status="running", created_at=now(), updated_at=now()))
            uow.session.flush()
            run_ids = []
            for index, params in enumerate(valid):
                run = uow.runs.add(Run(
                    mode="backtest", name=f"{spec.name or spec.strategy} #{index + 1}", strategy=spec.strategy,
                    params=params, symbols=spec.symbols, timeframe=spec.timeframe, start_at=start, end_at=end,
                    cash=spec.cash, fees=settings["fees"], slippage=settings["slippage"],
                    options={"fractional": spec.fractional, "allow_short": spec.allow_short,
                             "asset_class": spec.asset_class},
                    status="created", sweep_id=sweep.id, created_at=now(), updated_at=now(),
                ))
                transition(uow, run, "queued")
                issue(uow.outbox, StartBacktest(run.id))
                run_ids.append(run.id)
            uow.outbox.emit("sweep.created", {"sweep_id": sweep.id, "status": "running", "done": 0,
                                              "total": len(run_ids)})
            uow.commit()
        return sweep, skipped

    def cancel(self, sweep_id: str) -> Sweep:
        with self.uow() as uow:
            sweep = self._get(uow, sweep_id)
            runs, _ = uow.runs.list(RunFilter(sweep_id=sweep_id), limit=100_000)
            for run in runs:
                if run.status in ("created", "queued", "running"):
                    transition(uow, run, "cancelled", error="sweep cancelled")
            sweep.status = "cancelled"
            progress = progress_of(uow.sweeps.status_counts(sweep_id))
            uow.outbox.emit("sweep.cancelled", {"sweep_id": sweep_id, "status": "cancelled",
                                                "done": progress.done, "total": progress.total})
            uow.commit()
            return sweep

    @staticmethod
    def _get(uow: UnitOfWork, sweep_id: str) -> Sweep:
        sweep = uow.sweeps.get(sweep_id)
        if sweep is None:
            raise NotFound(f"no sweep with id {sweep_id}")
        return sweep


def record_cell_finished(uow: UnitOfWork, sweep_id: str) -> None:
    """Called in the transaction that finishes one cell: emits progress, and completion at the end."""
    sweep = uow.sweeps.get(sweep_id)
    if sweep is None or sweep.status == "cancelled":
        return
    uow.session.flush()
    progress = progress_of(uow.sweeps.status_counts(sweep_id))
    if progress.finished:
        sweep.status = "completed"
        kind = "sweep.completed"
    else:
        kind = "sweep.progress"
    uow.outbox.emit(kind, {"sweep_id": sweep_id, "status": sweep.status, "done": progress.done + progress.failed
                           + progress.cancelled, "total": progress.total})
