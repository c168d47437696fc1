"""Execute backtest runs: the use case behind the `backtest` queue's actor.

Idempotent: a redelivered message for a finished run does nothing, and one for a run another
worker is still executing (fresh heartbeat) does nothing either. Results and the `completed`
transition are written in one transaction, so a worker killed mid-run leaves the run re-runnable,
never half-written. Runs of one message go in turn, and a run's results are stored in the
transaction that claims the next one: a sweep cell costs one commit, not two.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.greta.engine import BacktestCancelled, BacktestConfig, run_backtest
from app.greta.records import BacktestResult
from app.greta.specs import FeeSpec, SlippageSpec
from app.marvin.bars import BarFrame, DataError
from app.marvin.instruments import Instrument
from app.marvin.params import ParamError
from app.marvin.registry import StrategyLoadError
from app.services.bar_cache import shared_bars
from app.services.instruments import known_instruments
from app.services.results import write_result, write_summary
from app.services.runs import transition
from app.services.sweeps import record_cell_finished
from app.services.walkforwards import record_oos_finished, record_sweep_completed
from app.services.write_behind import write_behind
from app.walle.models import Run
from app.walle.repositories import BarRepository
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=30)
PROGRESS_EVERY_SECONDS = 0.5
CANCEL_POLL_SECONDS = 0.25
SUMMARY_ONLY = "summary"  # run.options["records"] of a sweep cell whose full records wait
USER_ERRORS = (DataError, ParamError, StrategyLoadError, ValueError)
Instruments = dict[str, Instrument]


@dataclass(frozen=True)
class Claimed:
    """A run this worker moved to `running`, with what it runs on."""

    run: Run
    frames: list[BarFrame]
    instruments: Instruments


@dataclass(frozen=True)
class Finished:
    """A run's result, waiting for the transaction that stores it."""

    run_id: str
    result: BacktestResult
    seconds: float


Step = tuple[str | None, Claimed | str | None]  # what one transaction stored and claimed


class BacktestService:
    def __init__(self, uow: Callable[[], UnitOfWork], read_session: Callable[[], Session],
                 stale_after: timedelta = STALE_AFTER):
        self.uow = uow
        self.read_session = read_session
        self.stale_after = stale_after

    def execute(self, run_id: str) -> str:
        """Run the backtest if this worker should; returns what happened (for logs and tests)."""
        return self._in_turn([run_id])[0]

    def execute_many(self, run_ids: Sequence[str]) -> str:
        """Several cells of one message, one after the other; `busy` when any was (the message comes
        back later and skips the ones done)."""
        return "busy" if "busy" in self._in_turn(run_ids) else "done"

    def complete_records(self, run_id: str) -> bool:
        """Store the orders, fills, trades and full equity curve of a sweep cell that kept its summary,
        by running the same backtest again on the same bars (deterministic: the records are the ones
        it would have stored). Called before they are read; True when it wrote them."""
        with self.read_session() as session:
            run = session.get(Run, run_id)
            if run is None or run.options.get("records") != SUMMARY_ONLY:
                return False
            session.expunge(run)
            frames = self._load(BarRepository(session), run)
        with self.uow() as uow:
            instruments = known_instruments(uow, run.symbols)
        result = self._run(Claimed(run, frames, instruments))
        with self.uow() as uow:
            stored = uow.runs.get(run_id, for_update=True)  # a twin request waits here, then finds it done
            if stored is None or stored.options.get("records") != SUMMARY_ONLY:
                return False
            write_result(uow, run_id, result)
            stored.options = {k: v for k, v in stored.options.items() if k != "records"}
            uow.commit()
        log.info("backtest %s: orders, fills, trades and equity rebuilt on demand", run_id)
        return True

    def _in_turn(self, run_ids: Sequence[str]) -> list[str]:
        """Claim, run and store each run in turn; each one's outcome, in order. One transaction both
        stores a finished run and claims a later one (a cell costs one commit), and it goes on in the
        background while the run in between works (write_behind): a cell's wait on the database
        overlaps the next cell's engine, so up to two runs of a message are `running` at once."""
        outcomes: list[str] = []
        todo = list(run_ids)
        instruments: dict[tuple[str, ...], Instruments] = {}  # the message's runs share their symbols
        with shared_bars.one_batch() as batch:

            def step(finished: Finished | None, run_id: str | None) -> Callable[[], Step]:
                def work() -> Step:
                    with shared_bars.one_batch(batch):
                        return self._step(finished, run_id, instruments)
                return work

            finished: Finished | None = None
            claimed: Claimed | None = None
            while True:
                while claimed is None and (todo or finished):  # nothing in hand: claim now
                    stored, next_claim = step(finished, todo.pop(0) if todo else None)()
                    claimed = self._settle(outcomes, finished, stored, None, next_claim)
                    finished = None
                if claimed is None:
                    return outcomes
                ahead = write_behind(step(finished, todo.pop(0) if todo else None)) if todo or finished else None
                ran, stored_before = self._execute(claimed), finished
                finished = ran if isinstance(ran, Finished) else None
                stored, next_claim = ahead.result() if ahead is not None else (None, None)
                claimed = self._settle(outcomes, stored_before, stored, None if finished else str(ran), next_claim)

    def _step(self, finished: Finished | None, run_id: str | None,
              instruments: dict[tuple[str, ...], Instruments]) -> Step:
        """One transaction: store `finished` and claim `run_id` (either may be None)."""
        with self.uow() as uow:
            locked = uow.runs.lock([i for i in (finished and finished.run_id, run_id) if i])
            with uow.outbox.batch(quiet=True):  # one insert; wakes the readers a few times a second
                stored = self._store(uow, locked.get(finished.run_id), finished) if finished else None
                claimed = self._claim(uow, locked.get(run_id), instruments) if run_id else None
            uow.commit()
        return stored, claimed

    @staticmethod
    def _settle(outcomes: list[str], finished: Finished | None, stored: str | None, ran: str | None,
                claimed: Claimed | str | None) -> Claimed | None:
        """Note the outcomes in order (the stored run, the one that ended without a result, the one
        that could not be claimed); the claimed run to execute next, if any."""
        if finished is not None and stored is not None:
            outcomes.append(stored)
            if stored == "completed":
                log.info("backtest %s completed: %d bars in %.2fs", finished.run_id, finished.result.bars,
                         finished.seconds)
        if ran is not None:
            outcomes.append(ran)
        if isinstance(claimed, str):
            outcomes.append(claimed)
            return None
        return claimed

    def _claim(self, uow: UnitOfWork, run: Run | None, instruments: dict[tuple[str, ...], Instruments]
               ) -> Claimed | str:
        """Move the run to `running` when this worker should execute it, with its bars; otherwise why
        not: `skipped` (finished or unknown: nothing to do), `busy` (another worker is beating on it)
        or `failed` (its bars are missing)."""
        if run is None or run.mode != "backtest":
            return "skipped"
        now = datetime.now(UTC)
        if run.status == "running" and run.heartbeat_at and now - run.heartbeat_at < self.stale_after:
            return "busy"
        if run.status == "running":
            log.warning("taking over backtest %s: its worker stopped beating", run.id)
            transition(uow, run, "queued")
        if run.status != "queued":
            return "skipped"  # finished, cancelled, or never started: a redelivery does nothing
        transition(uow, run, "running")
        run.heartbeat_at = now
        try:
            frames = self._load(uow.bars, run)
        except USER_ERRORS as exc:
            self._mark_failed(uow, run, str(exc))
            return "failed"
        symbols = tuple(run.symbols)
        if symbols not in instruments:
            instruments[symbols] = known_instruments(uow, symbols)
        return Claimed(run, frames, instruments[symbols])

    def _execute(self, claimed: Claimed) -> Finished | str:
        run_id = claimed.run.id
        for warning in shared_bars.split_warnings(claimed.frames):  # no store for run notes yet: the log says it
            log.warning("backtest %s: %s", run_id, warning)
        started = time.perf_counter()
        try:  # a stored cost setting that no longer parses fails the run, like any bad setting
            result = self._run(claimed, progress=self._progress(run_id), cancel=self._cancelled(run_id))
        except BacktestCancelled as stop:
            log.info("backtest %s cancelled after %d of %d bars", run_id, stop.bars_done, stop.total)
            return "cancelled"
        except USER_ERRORS as exc:
            self._fail(run_id, f"{exc}")
            return "failed"
        except Exception as exc:  # a bug or a broken strategy: readable reason, traceback in the log
            log.exception("backtest %s crashed", run_id)
            self._fail(run_id, f"the backtest stopped with an internal error ({exc.__class__.__name__}: {exc})")
            return "failed"
        return Finished(run_id, result, time.perf_counter() - started)

    @staticmethod
    def _run(claimed: Claimed, **hooks: Any) -> BacktestResult:
        run = claimed.run
        config = BacktestConfig(
            strategy=run.strategy, params=run.params, cash=Decimal(run.cash), fees=FeeSpec.parse(run.fees),
            slippage=SlippageSpec.parse(run.slippage), fractional=bool(run.options.get("fractional")),
            allow_short=bool(run.options.get("allow_short")), run_id=run.id, asset_class=run.options.get("asset_class"),
        )
        # A walk-forward's out-of-sample run: its first bars only warm the indicators up (no trading), and
        # it ends flat (what is held is closed at the last close), so folds do not leak into each other.
        warmup = int(run.options.get("warmup") or 0)
        return run_backtest(config, claimed.frames, instruments=claimed.instruments, warmup=warmup,
                            close_at_end=bool(run.options.get("close_at_end")), **hooks)

    @staticmethod
    def _load(bars: BarRepository, run: Run) -> list[BarFrame]:
        frames = []
        for symbol in run.symbols:
            frame = shared_bars.load(bars, symbol, run.timeframe, run.start_at, run.end_at)
            if not len(frame):
                raise DataError(f"no {run.timeframe} bars for {symbol} between {run.start_at} and {run.end_at}")
            frames.append(frame)
        return frames

    def _progress(self, run_id: str) -> Callable[[int, int], None]:
        """Every PROGRESS_EVERY_SECONDS of a run, never at its start or end: a sweep's cells are shorter
        than that, and completion says 100 % (and commits) anyway."""
        last = [time.monotonic()]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_SECONDS or done >= total:
                return
            last[0] = now
            with self.uow() as uow:
                run = uow.runs.get(run_id)
                if run is None or run.status != "running":
                    return
                run.progress, run.heartbeat_at = done / total if total else 1.0, datetime.now(UTC)
                uow.outbox.emit("backtest.progress", {"run_id": run_id, "progress": round(run.progress, 4),
                                                      "bars_done": done, "bars_total": total}, run_id=run_id)
                uow.commit()

        return report

    def _cancelled(self, run_id: str) -> Callable[[], bool]:
        last, answer = [time.monotonic()], [False]  # just claimed `running`: the first look can wait

        def check() -> bool:
            now = time.monotonic()
            if now - last[0] >= CANCEL_POLL_SECONDS:
                last[0] = now
                with self.read_session() as session:
                    run = session.get(Run, run_id)
                    answer[0] = run is None or run.status != "running"
            return answer[0]

        return check

    @staticmethod
    def _store(uow: UnitOfWork, run: Run | None, finished: Finished) -> str:
        """Write a finished run's results and complete it, in the caller's transaction."""
        if run is None or run.status != "running":
            return "cancelled"  # stopped while the last bars ran: keep nothing
        result = finished.result
        # Say how the run was judged: the year its ratios were annualised by, what was refused.
        judged = {"annualisation": result.config.get("annualisation"), "rejections": result.rejections()}
        if not run.sweep_id:
            write_result(uow, run.id, result)
        else:  # one of many cells: its ledger and full curve wait until it is opened
            judged["records"] = SUMMARY_ONLY
        run.options = {**run.options, **judged}
        run.progress = 1.0
        transition(uow, run, "completed")
        if run.sweep_id:
            # The sweep's row is locked before the metrics go in: their trigger (0009) updates the run's row
            # a second time, and a second update of a row in one transaction checks its foreign key, which
            # takes a share lock on the sweep's row; taken before the lock below, two cells storing at once
            # each held one and waited for the other's (a deadlock).
            completed = record_cell_finished(uow, run.sweep_id)
            write_summary(uow, run.id, result)
            if completed:  # after its metrics: a walk-forward's fold chooses among every cell's
                record_sweep_completed(uow, run.sweep_id)
        else:
            record_oos_finished(uow, run)
        return "completed"

    def _fail(self, run_id: str, reason: str) -> None:
        with self.uow() as uow:
            run = uow.runs.get(run_id, for_update=True)
            # The events go in last, after the sweep's row is locked: the outbox lock is always the
            # last one a transaction takes, so a cell's store beside it cannot wait in a circle.
            with uow.outbox.batch():
                if run is not None:
                    self._mark_failed(uow, run, reason)
            uow.commit()

    @staticmethod
    def _mark_failed(uow: UnitOfWork, run: Run, reason: str) -> None:
        if run.status not in ("running", "queued"):
            return
        transition(uow, run, "failed", error=reason[:2000])
        if run.sweep_id and record_cell_finished(uow, run.sweep_id):
            record_sweep_completed(uow, run.sweep_id)
        record_oos_finished(uow, run)
