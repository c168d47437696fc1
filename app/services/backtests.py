"""Execute backtest runs: the use case behind the `backtest` queue's actor.

Idempotent: a redelivered message for a finished run does nothing, and one for a run another
worker is still executing (fresh heartbeat) does nothing either. Results and the `completed`
transition are written in one transaction, so a worker killed mid-run leaves the run re-runnable,
never half-written. Runs of one message go in turn, in groups: one transaction stores a group's
results and claims the next group, and a group holds about GROUP_SECONDS of engine time at the pace
of the runs before it (one run at a time when runs are long, a whole message of short sweep cells
at once), so a short cell's time goes to the engine rather than to its transactions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.greta.engine import BacktestCancelled, BacktestConfig, run_backtest
from app.greta.records import BacktestResult, working_summary
from app.greta.specs import FeeSpec, SlippageSpec
from app.greta.strategy_failure import StrategyFailed
from app.marvin.bars import BarFrame, DataError
from app.marvin.instruments import Instrument
from app.marvin.params import ParamError
from app.marvin.registry import StrategyLoadError
from app.services.bar_cache import shared_bars
from app.services.instruments import known_instruments
from app.services.results import write_result, write_summaries
from app.services.runs import transition
from app.services.sweeps import record_cell_finished
from app.services.walkforwards import record_oos_finished, record_sweep_completed
from app.services.window_coverage import window_note
from app.services.write_behind import write_behind
from app.walle.models import Run
from app.walle.repositories import BarRepository
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=30)
PROGRESS_EVERY_SECONDS = 0.5
CANCEL_POLL_SECONDS = 0.25
GROUP_SECONDS = 0.2  # engine time one transaction claims ahead (a redelivery finds the group `running`)
SUMMARY_ONLY = "summary"  # run.options["records"] of a sweep cell whose full records wait
USER_ERRORS = (DataError, ParamError, StrategyLoadError, StrategyFailed, ValueError)
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
    cell: bool = False  # a sweep's cell: its completion is logged at DEBUG (the sweep's own line says it is done)


Step = tuple[list[str], list[Claimed | str]]  # what one transaction stored and claimed, in order


class Pace:
    """How many runs the next transaction claims: about GROUP_SECONDS of engine time at the pace of the
    last run this process finished (the next message of a sweep is usually more of the same cells).
    Until a run has finished, one at a time."""

    def __init__(self) -> None:
        self.seconds: float | None = None

    def note(self, seconds: float) -> None:
        self.seconds = seconds

    def group(self, left: int) -> int:
        if self.seconds is None:
            return min(1, left)
        return max(min(1, left), min(left, int(GROUP_SECONDS / max(self.seconds, 1e-6))))


class BacktestService:
    def __init__(self, uow: Callable[[], UnitOfWork], read_session: Callable[[], Session],
                 stale_after: timedelta = STALE_AFTER, follow_up: bool = True):
        self.uow = uow
        self.read_session = read_session
        self.stale_after = stale_after
        self.pace = Pace()
        # Run what a store queued (a walk-forward fold's out-of-sample run) in the same message; False
        # leaves it to its own message, as when the worker stops first.
        self.follow_up = follow_up

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
        """Claim, run and store the runs in groups; each run's outcome. One transaction both stores a
        finished group and claims the next (Pace sizes it), and it goes on in the background while the
        group in between works (write_behind): a group's wait on the database overlaps the next
        group's engine, so up to two groups of a message are `running` at once.

        Runs a store queues (a walk-forward fold's out-of-sample run, once the fold's last cell is in)
        are claimed by that same transaction and run next in this message (`follow_up`): their own
        message would wait behind the other folds' cells and cost a round trip each. It still goes
        out, for a worker that dies first, and finds them done."""
        outcomes: list[str] = []
        todo = list(run_ids)
        instruments: dict[tuple[str, ...], Instruments] = {}  # the message's runs share their symbols
        with shared_bars.one_batch() as batch:

            def step(finished: list[Finished]) -> Callable[[], Step]:
                taken = todo[:self.pace.group(len(todo))]
                del todo[:len(taken)]

                def work() -> Step:
                    with shared_bars.one_batch(batch):
                        return self._step(finished, taken, instruments)
                return work

            def settle(finished: list[Finished], done: Step, ended: list[str]) -> list[Claimed]:
                return self._settle(outcomes, finished, done[0], ended, done[1])

            finished: list[Finished] = []
            claimed: list[Claimed] = []
            claimed_ahead = False
            while True:
                while not claimed and (todo or finished):  # nothing in hand: claim now
                    claimed = settle(finished, step(finished)(), [])
                    finished, claimed_ahead = [], False
                if not claimed:
                    return outcomes
                last_group = not todo  # nothing left to claim: this group ends the message
                ahead = write_behind(step(finished)) if todo or finished else None
                stored_before, finished, ended, early = finished, [], [], []
                running = self._watch([each.run.id for each in claimed], look_now=claimed_ahead)
                for index, each in enumerate(claimed):
                    if not running(each.run.id):  # cancelled while it waited its turn: nothing to run
                        ended.append("cancelled")
                        continue
                    if last_group and finished and index == len(claimed) - 1:
                        # The message's last run: what finished before it is stored meanwhile, so only its
                        # own store is left to wait for at the end (the message is acknowledged after it).
                        if ahead is not None:  # (it claims only what its store queues, if anything)
                            early = settle(stored_before, ahead.result(), [])
                        ahead, stored_before, finished = write_behind(step(finished)), finished, []
                    ran = self._execute(each)
                    if isinstance(ran, Finished):
                        finished.append(ran)
                        self.pace.note(ran.seconds)
                    else:
                        ended.append(ran)
                claimed = early + settle(stored_before, ahead.result() if ahead is not None else ([], []), ended)
                claimed_ahead = True

    def _step(self, finished: list[Finished], run_ids: list[str],
              instruments: dict[tuple[str, ...], Instruments]) -> Step:
        """One transaction: store `finished` and claim `run_ids` (either may be empty), and with
        `follow_up` the runs the store queued (new in this transaction: no other worker sees them yet)."""
        with self.uow() as uow:
            locked = uow.runs.lock([f.run_id for f in finished] + run_ids)
            with uow.outbox.batch(quiet=True):  # one insert; wakes the readers a few times a second
                stored, queued = self._store(uow, locked, finished)
                claimed = [self._claim(uow, locked.get(run_id), instruments) for run_id in run_ids]
                if self.follow_up:
                    claimed += [self._claim(uow, uow.runs.get(run_id), instruments) for run_id in queued]
            uow.commit()
        return stored, claimed

    @staticmethod
    def _settle(outcomes: list[str], finished: list[Finished], stored: list[str], ended: list[str],
                claimed: list[Claimed | str]) -> list[Claimed]:
        """Note the outcomes (the stored runs, the ones that ended without a result, the ones that could
        not be claimed); the claimed runs to execute next."""
        for run, outcome in zip(finished, stored, strict=True):
            outcomes.append(outcome)
            if outcome == "completed":  # a line per cell filled the standalone's log (7,909 after two walk-forwards)
                log.log(logging.DEBUG if run.cell else logging.INFO, "backtest %s completed: %d bars in %.2fs",
                        run.run_id, run.result.bars, run.seconds)
        outcomes.extend(ended)
        ready = []
        for each in claimed:
            if isinstance(each, str):
                outcomes.append(each)
            else:
                ready.append(each)
        return ready

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
        except USER_ERRORS as exc:  # the user's to fix: the reason goes on the run, and to the log (no traceback)
            log.warning("backtest %s failed: %s", run_id, exc)
            self._fail(run_id, f"{exc}")
            return "failed"
        except Exception as exc:  # a bug or a broken strategy: readable reason, traceback in the log
            log.exception("backtest %s crashed", run_id)
            self._fail(run_id, f"the backtest stopped with an internal error ({exc.__class__.__name__}: {exc})")
            return "failed"
        return Finished(run_id, result, time.perf_counter() - started, cell=bool(claimed.run.sweep_id))

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

    def _watch(self, run_ids: list[str], *, look_now: bool) -> Callable[[str], bool]:
        """Whether a run of a claimed group is still `running` (a sweep cancelled meanwhile stops the rest
        of the group): looked up for the whole group in one query, at once when the group was claimed
        ahead (while another group ran), then every CANCEL_POLL_SECONDS."""
        last, running = [float("-inf") if look_now else time.monotonic()], [set(run_ids)]

        def check(run_id: str) -> bool:
            now = time.monotonic()
            if now - last[0] >= CANCEL_POLL_SECONDS:
                last[0] = now
                with self.read_session() as session:
                    running[0] = set(session.scalars(select(Run.id).where(Run.id.in_(run_ids),
                                                                          Run.status == "running")))
            return run_id in running[0]

        return check

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
    def _store(uow: UnitOfWork, locked: dict[str, Run], finished: list[Finished]) -> tuple[list[str], list[str]]:
        """Write finished runs' results and complete them, in the caller's transaction: each one's outcome,
        and the runs that queued (a walk-forward fold's out-of-sample run once its sweep is done)."""
        outcomes, cells = [], []
        for each in finished:
            run = locked.get(each.run_id)
            if run is None or run.status != "running":
                outcomes.append("cancelled")  # stopped while the last bars ran: keep nothing
                continue
            result = each.result
            # Say how the run was judged: the year its ratios were annualised by, what was refused.
            judged = {"annualisation": result.config.get("annualisation"), "rejections": result.rejections()}
            # (a walk-forward's out-of-sample run: its window opens with its warm-up bars, planned so)
            uncovered = None if run.options.get("warmup") else window_note(run.start_at, run.end_at, result.start,
                                                                          result.end, result.bars)
            # orders left working at the end: the records list them `new`, the page says why (trial 42)
            working = working_summary(*result.ledger.still_working())
            notes = [*result.warnings, *(note for note in (uncovered, working) if note)]
            if notes:  # shown on the run's page (an indicator that never had a value, say)
                judged["warnings"] = notes
            if not run.sweep_id:  # its records go in with its completion, here: it has none yet
                write_result(uow, run.id, result, fresh=True)
            else:  # one of many cells: its ledger and full curve wait until it is opened
                judged["records"] = SUMMARY_ONLY
                cells.append((run, result))
            run.options = {**run.options, **judged}
            run.progress = 1.0
            transition(uow, run, "completed")
            if not run.sweep_id:
                record_oos_finished(uow, run)
            outcomes.append("completed")
        # Each sweep's row is locked (in id order) before its cells' metrics go in: their trigger (0009)
        # updates the run's row a second time, and a second update of a row in one transaction checks its
        # foreign key, which takes a share lock on the sweep's row; taken before the lock below, two cells
        # storing at once each held one and waited for the other's (a deadlock).
        sweeps = sorted({run.sweep_id for run, _ in cells if run.sweep_id})
        completed = [sweep_id for sweep_id in sweeps if record_cell_finished(uow, sweep_id)]
        write_summaries(uow, [(run.id, result) for run, result in cells])
        queued: list[str] = []
        for sweep_id in completed:  # after its metrics: a walk-forward's fold chooses among every cell's
            queued += record_sweep_completed(uow, sweep_id)
        return outcomes, queued

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
