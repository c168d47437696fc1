"""Parameter sweeps: one backtest run per cell of a grid, fanned out to the backtest queue.

A request only validates the grid and stores the sweep `creating` with its cell count, then answers:
a worker creates the cells (a CreateSweepCells command through the outbox), all in one transaction
that also makes the sweep `running`, so no half-made sweep is ever visible. A creation that fails
leaves no cell and marks the sweep `failed` with the reason.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from app.events.commands import CreateSweepCells, StartBacktests, issue
from app.marvin.params import Param, swept_and_fixed, unknown_parameters, value_problems
from app.marvin.shorting import shorting_refused
from app.services import idempotency, strategies
from app.services.errors import Conflict, ServiceError, ValidationFailed
from app.services.instruments import refuse_crypto_shorts, with_stored_class
from app.services.lifecycle import FINISHED
from app.services.runs import RunService, now, transition
from app.services.short_ids import no_such
from app.services.specs import RunCreate, SweepCreate
from app.walle.models import Run, Sweep
from app.walle.repositories import RunFilter
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
MAX_CELLS_PER_MESSAGE = 16
WALKFORWARD_MESSAGES = 8  # a walk-forward's fold sweeps' cells, as about this many messages in all
WALKFORWARD_MOST = 48
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


def plan(strategy: str, grid: dict[str, list[Any]], params: dict[str, Any], *,
         allow_short: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every cell's validated parameters, and the cells skipped with the reason (a rule between parameters
    broken, such as fast >= slow; a short sale asked for where the run's `allow_short` setting forbids it).
    A name the strategy lacks, or a value no cell could take, is refused."""
    cls = strategies.resolve(strategy)
    refused = request_problems(strategy, cls.param_specs, grid, params)
    if refused:
        raise ValidationFailed(refused)
    valid: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for cell in cells(grid):
        try:
            values = strategies.validate_params(cls, {**params, **cell})
        except ValidationFailed as exc:
            # Named as the command line names it ("fast: must be less than slow"): the reason alone did not
            # say which parameter it was about.
            skipped.append({"params": cell, "reason": "; ".join(
                f"{name.removeprefix('params.')}: {why}" if name != "params" else why
                for name, why in exc.fields.items())})
            continue
        refused = shorting_refused(values, allow_short)
        if refused:
            skipped.append({"params": cell, "reason": refused})
        else:
            valid.append(values)
    if not valid:
        raise ValidationFailed({"grid": "no cell of the grid has valid parameters: "
                                        + (skipped[0]["reason"] if skipped else "empty grid")})
    return valid, skipped


def allowed_short(settings: Mapping[str, Any] | None) -> bool:
    """A stored sweep's or walk-forward's allow_short setting (off when it has none)."""
    return bool((settings or {}).get("allow_short"))


def request_problems(strategy: str, specs: Mapping[str, Param], grid: dict[str, list[Any]],
                     params: dict[str, Any]) -> dict[str, str]:
    """By field, what is wrong whatever the cell: names the strategy lacks (`grid`, `params`), and values of
    one parameter it refuses on their own (`grid.fast: "5x" must be an integer`)."""
    problems = {field: unknown for field, names in (("grid", grid), ("params", params))
                if (unknown := unknown_parameters(strategy, specs, names))}
    both = swept_and_fixed(grid, params)
    if both:
        problems["params"] = both
    problems.update({f"grid.{name}": why for name, why in value_problems(specs, grid).items()})
    problems.update({f"params.{name}": why
                     for name, why in value_problems(specs, {n: [v] for n, v in params.items()}).items()})
    return problems


def sweep_message_size(cells: int, sweeps_together: int = 1) -> int:
    """Cells per message of one sweep among `sweeps_together` queued at once (a walk-forward's folds).
    Alone, a sweep's cells go as 4 messages to share among the workers (cells_per_message). A walk-
    forward's fold sweeps all fan out together, so the walk-forward as a whole needs only about
    WALKFORWARD_MESSAGES messages: 8 folds of 48 cells as one message each ran 12-15 % faster on one
    and on two worker processes than as four of 12 (benchmarks/walkforward_throughput.py), since a
    message's claim and closing store are paid once per message."""
    if sweeps_together <= 1:
        return cells_per_message(cells)
    return cells_per_message(cells, max(1, math.ceil(WALKFORWARD_MESSAGES / sweeps_together)), WALKFORWARD_MOST)


def cells_per_message(cells: int, messages: int = 4, most: int = MAX_CELLS_PER_MESSAGE) -> int:
    """Cells sent together: up to `most`, leaving at least `messages` messages to share among the workers.
    A message's claim and its closing store are paid once per message, and wait for the database
    (about a fifth of a message of six 39,000-bar cells): 48 cells as four messages of 12 ran 20-25 %
    faster on one and on two worker processes than as eight of 6 (benchmarks/sweep_throughput.py)."""
    return max(1, min(most, cells // messages))


def window_of(strategy: str, settings: dict[str, Any]) -> RunCreate:
    """The sweep's shared settings as one backtest's (what `check_data` and every cell need)."""
    return RunCreate(mode="backtest", strategy=strategy, **settings)


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

    def create(self, spec: SweepCreate, claim: idempotency.Claim | None = None) -> tuple[Sweep, list[dict[str, Any]]]:
        """Validate and store the sweep `creating`; its cells are the worker's job (`create_cells`).
        `claim`: the request's Idempotency-Key, bound to the sweep in the same transaction."""
        valid, skipped = plan(spec.strategy, spec.grid, spec.params, allow_short=spec.allow_short)
        strategies.check_symbols(strategies.resolve(spec.strategy), spec.symbols)
        with self.uow() as uow:
            spec = with_stored_class(uow, spec)
            refuse_crypto_shorts(spec)
            settings = spec.model_dump(mode="json", include=set(SETTINGS_FIELDS))
            self.runs.check_data(uow, window_of(spec.strategy, settings))  # no data: a 422 now, not later
            sweep = uow.sweeps.add(Sweep(name=spec.name, strategy=spec.strategy, grid=spec.grid, settings=settings,
                                         params=spec.params, total=len(valid), skipped=skipped, status="creating",
                                         created_at=now(), updated_at=now()))
            if claim is not None:
                idempotency.record(uow.session, claim, sweep.id)
            uow.outbox.emit("sweep.created", {"sweep_id": sweep.id, "status": "creating", "done": 0,
                                              "total": len(valid)})
            issue(uow.outbox, CreateSweepCells(sweep.id))
            uow.commit()
        return sweep, skipped

    def create_cells(self, sweep_id: str, *, run_now: Callable[[Sequence[str]], object] | None = None) -> str:
        """The worker's half: one queued backtest per valid cell, in one transaction that also moves
        the sweep from `creating` to `running`. Idempotent: a sweep no longer `creating` (done, failed,
        cancelled) is left alone. Returns the outcome.

        `run_now`: given the last message's cells once they are committed, so the worker that made
        them starts at once instead of waiting for a message to travel the outbox, the relay and
        the queue back to it. Their message still goes (nothing is lost if this worker dies); it comes
        last, and finds them done."""
        try:
            with self.uow() as uow:
                # The status change first: it takes the row (Postgres) or the database (SQLite) lock,
                # so a redelivered twin waits here and then finds nothing to do.
                claimed = uow.session.execute(update(Sweep).where(Sweep.id == sweep_id, Sweep.status == "creating")
                                              .values(status="running", updated_at=now())).rowcount
                if not claimed:
                    return "skipped"
                sweep = self._get(uow, sweep_id)
                batches = self._add_cells(uow, sweep)
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - whatever it was, the sweep must not stay `creating`
            reason = exc.message if isinstance(exc, ServiceError) else f"{exc.__class__.__name__}: {exc}"
            log.warning("sweep %s could not create its cells: %s", sweep_id, reason, exc_info=True)
            self._fail(sweep_id, reason)
            return "failed"
        log.info("sweep %s created its %d cells", sweep_id, sum(map(len, batches)))
        if run_now is not None:
            run_now(batches[-1])
        return "created"

    def _add_cells(self, uow: UnitOfWork, sweep: Sweep) -> list[tuple[str, ...]]:
        """Every cell, queued, and their messages; the cells of each message."""
        valid, _ = plan(sweep.strategy, sweep.grid, sweep.params or {}, allow_short=allowed_short(sweep.settings))
        settings = sweep.settings
        window = window_of(sweep.strategy, settings)
        start, end = self.runs.check_data(uow, window)
        options = {"fractional": window.fractional, "allow_short": window.allow_short,
                   "asset_class": window.asset_class}
        run_ids: list[str] = []
        with uow.outbox.batch():  # one insert for every cell's events and commands
            for index, params in enumerate(valid):
                run = uow.runs.add(Run(
                    mode="backtest", name=f"{sweep.name or sweep.strategy} #{index + 1}", strategy=sweep.strategy,
                    params=params, symbols=window.symbols, timeframe=window.timeframe, start_at=start, end_at=end,
                    cash=window.cash, fees=settings["fees"], slippage=settings["slippage"], options=dict(options),
                    status="created", sweep_id=sweep.id, created_at=now(), updated_at=now(),
                ))
                transition(uow, run, "queued")
                run_ids.append(run.id)
            step = sweep_message_size(len(run_ids), self._sweeps_together(uow, sweep))
            batches = [tuple(run_ids[first:first + step]) for first in range(0, len(run_ids), step)]
            for batch in batches:
                issue(uow.outbox, StartBacktests(batch))
            uow.outbox.emit("sweep.progress", {"sweep_id": sweep.id, "status": "running", "done": 0,
                                               "total": len(valid), **owner_of(sweep)})
        sweep.total = len(valid)
        return batches

    @staticmethod
    def _sweeps_together(uow: UnitOfWork, sweep: Sweep) -> int:
        """How many sweeps fan out with this one: its walk-forward's (folds and contrast), or itself."""
        if sweep.walkforward_id is None:
            return 1
        return uow.session.scalar(select(func.count()).select_from(Sweep)
                                  .where(Sweep.walkforward_id == sweep.walkforward_id)) or 1

    def _fail(self, sweep_id: str, reason: str) -> None:
        with self.uow() as uow:
            failed = uow.session.execute(update(Sweep).where(Sweep.id == sweep_id, Sweep.status == "creating")
                                         .values(status="failed", error=reason[:2000], updated_at=now())).rowcount
            if failed:
                sweep = self._get(uow, sweep_id)
                uow.outbox.emit("sweep.failed", {"sweep_id": sweep_id, "status": "failed", "done": 0,
                                                 "total": sweep.total or 0, **owner_of(sweep)})
                if sweep.walkforward_id is not None:  # its fold is finished too: the walk-forward moves on
                    from app.services.walkforwards import advance  # (walkforwards builds on this module)

                    advance(uow, sweep.walkforward_id)
            uow.commit()

    def cancel(self, sweep_id: str) -> Sweep:
        """Cancel every unfinished cell; a Conflict (409) once the sweep has finished, which it keeps as it was,
        and for a walk-forward's sweep: cancelled alone, its fold would choose among the cells that had run
        and the walk-forward complete as if the fold had searched its whole grid (a trial saw it pick from
        30 of 320 cells). The walk-forward's own cancel stops it and its sweeps together."""
        with self.uow() as uow:
            sweep = self._get(uow, sweep_id)
            self._refuse_finished(sweep)
            if sweep.walkforward_id is not None:
                part = "the whole-window (contrast) sweep" if sweep.fold is None else f"fold {sweep.fold + 1}'s sweep"
                raise Conflict(f"sweep {sweep.id} is {part} of walk-forward {sweep.walkforward_id}: cancel the "
                               f"walk-forward instead (POST /api/v1/walkforwards/{sweep.walkforward_id}/cancel, "
                               f"or weaver walkforward cancel {sweep.walkforward_id})")
            runs, _ = uow.runs.list(RunFilter(sweep_id=sweep_id), limit=100_000)
            # Events last, in one insert: the outbox lock after the runs' and the sweep's rows, in the
            # order a worker storing a cell takes them (the other order could wait in a circle).
            with uow.outbox.batch():
                for run in runs:
                    if run.status in ("created", "queued", "running"):
                        transition(uow, run, "cancelled", error="sweep cancelled")
                uow.session.flush()
                uow.session.refresh(sweep, with_for_update=True)  # a worker may have stored the last cell meanwhile
                self._refuse_finished(sweep)
                sweep.status = "cancelled"
                uow.session.flush()
                progress = progress_of(uow.sweeps.status_counts(sweep_id))
                uow.outbox.emit("sweep.cancelled", {"sweep_id": sweep_id, "status": "cancelled",
                                                    "done": progress.done, "total": progress.total})
            uow.commit()
            return sweep

    @staticmethod
    def _refuse_finished(sweep: Sweep) -> None:
        if sweep.status in FINISHED:
            raise Conflict(f"sweep {sweep.id} is {sweep.status}: nothing to cancel")

    @staticmethod
    def _get(uow: UnitOfWork, sweep_id: str) -> Sweep:
        sweep = uow.sweeps.get(sweep_id)
        if sweep is None:
            raise no_such("sweep", "sweeps", sweep_id)
        return sweep


def owner_of(sweep: Sweep) -> dict[str, Any]:
    """A walk-forward's sweep names it and its fold in its events (its page shows each fold's progress)."""
    return {} if sweep.walkforward_id is None else {"walkforward_id": sweep.walkforward_id, "fold": sweep.fold}


def record_cell_finished(uow: UnitOfWork, sweep_id: str) -> bool:
    """Called in the transaction that finishes one cell: emits progress, and completion at the end
    (True: this cell completed the sweep).
    The sweep's row is locked first, so two cells finishing at once count one after the other: the
    later count sees the earlier cell, and the last cell always completes the sweep."""
    # Its status alone, not the Sweep object (grid, settings and skipped cells decoded for every cell).
    owner, counts = uow.sweeps.locked_status_counts(sweep_id)
    status = owner.status
    if status is None or status == "cancelled":
        return False
    progress = progress_of(counts)
    if progress.finished:
        status = "completed"
        uow.session.execute(update(Sweep).where(Sweep.id == sweep_id).values(status=status, updated_at=now()))
        kind = "sweep.completed"
        uow.outbox.wake()  # whoever watches hears of it now, even from a quiet batch
        log.info("sweep %s completed: %d cells (%d failed, %d cancelled)", sweep_id, progress.total, progress.failed,
                 progress.cancelled)
    else:
        kind = "sweep.progress"
    payload = {"sweep_id": sweep_id, "status": status,
               "done": progress.done + progress.failed + progress.cancelled, "total": progress.total}
    if owner.walkforward_id is not None:  # a walk-forward's page shows each fold's progress from these
        payload.update(walkforward_id=owner.walkforward_id, fold=owner.fold)
    uow.outbox.emit(kind, payload)
    return progress.finished
