"""Run use cases: create, start, stop, delete. Every status change writes its event, and the
command to the workers it calls for, in the same transaction (the outbox): the relay delivers the
command once it is committed, so a queue outage delays a run and never strands it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.clock.system import Clock, SystemClock
from app.clock.timeframes import parse_timeframe
from app.events.commands import ClosePositions, Command, StartBacktest, StartLive, StopRun, issue
from app.events.types import RUN_STATUS_EVENTS
from app.marvin.shorting import SHORT_PARAMETER, shorting_refused
from app.services import idempotency, lifecycle, strategies
from app.services.close_checks import held_words, refuse_close
from app.services.drift_notes import quantity_text
from app.services.errors import Conflict, NotConfigured, ValidationFailed
from app.services.instruments import refuse_crypto_shorts, with_stored_class
from app.services.run_state import CANCELLED_BY_USER, STOPPED_BY_USER, run_state
from app.services.short_ids import no_such_run
from app.services.specs import RunCreate, RunStop
from app.walle.models import Position, Run
from app.walle.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def now() -> datetime:
    return datetime.now(UTC)


def transition(uow: UnitOfWork, run: Run, target: str, *, error: str | None = None,
               at: datetime | None = None) -> None:
    """Move `run` to `target` (or raise InvalidTransition) and record the event with it; `at` is
    the caller's clock (the system clock when not given)."""
    lifecycle.check(run.id, run.mode, run.status, target)
    previous, run.status = run.status, target
    stamp = at or now()
    run.updated_at = stamp
    if target == "queued":
        run.queued_at, run.error, run.progress = stamp, None, 0.0
    elif target == "running":  # (a run started again: why it stopped last time is history, not its state)
        # A paper or live run started again carries on its own records: it began trading when first started
        # (trial 30: a restart moved "started" past its first trades, and Compare's window with it). A
        # backtest run again is a new attempt, timed from its own start.
        if run.started_at is None or run.mode == "backtest":
            run.started_at = stamp
        run.finished_at, run.error = None, None
    elif lifecycle.is_finished(target):
        run.finished_at = stamp
    if error is not None:
        run.error = error
    payload: dict[str, Any] = {"run_id": run.id, "status": target, "previous": previous, "mode": run.mode}
    if error:
        payload["error"] = error[:500]
    payload["state"] = run_state(run.mode, target, run.error)  # the UI's badge follows the event
    uow.outbox.emit(RUN_STATUS_EVENTS[target], payload, run_id=run.id)


class RunService:
    def __init__(self, uow: UowFactory, live_accounts: Callable[[str], bool] | None = None,
                 is_real_alpaca: Callable[[str], bool] | None = None, clock: Clock | None = None):
        self.uow = uow
        self.clock = clock or SystemClock()
        self.live_accounts = live_accounts or (lambda kind: False)
        self.is_real_alpaca = is_real_alpaca or (lambda kind: True)

    def create(self, spec: RunCreate, claim: idempotency.Claim | None = None) -> Run:
        """`claim`: the request's Idempotency-Key, bound to the run in its transaction (KeyTaken when
        a twin request with that key committed first: then nothing is created)."""
        cls = strategies.resolve(spec.strategy)
        params = strategies.validate_params(cls, spec.params)
        refused = shorting_refused(params, spec.allow_short)
        if refused:
            raise ValidationFailed({f"params.{SHORT_PARAMETER}": refused})
        strategies.check_symbols(cls, spec.symbols)
        if spec.mode != "backtest":  # a pair is a pair at the broker: said before any account setting
            refuse_crypto_shorts(spec)
        if spec.mode != "backtest":  # a window would be stored and shown ("window 2020-01-01 → —") and do nothing
            given = {name: f"a {spec.mode} run trades from when it starts until it is stopped: {name} is for backtests"
                     for name in ("start", "end") if getattr(spec, name) is not None}
            if spec.warmup:
                given["warmup"] = (f"a {spec.mode} run loads its own history before its first bar: warmup is for "
                                   "backtests")
            if given:
                raise ValidationFailed(given)
        if spec.mode != "backtest" and not self.live_accounts(spec.mode):
            raise NotConfigured(
                f"{spec.mode} trading is not configured: set WEAVER_ALPACA_{spec.mode.upper()}_KEY_ID and "
                f"WEAVER_ALPACA_{spec.mode.upper()}_SECRET_KEY",
                {"fields": {"mode": f"no {spec.mode} Alpaca account is configured"}},
            )
        second_bars = parse_timeframe(spec.timeframe).unit == "Sec"
        if spec.mode != "backtest" and second_bars and self.is_real_alpaca(spec.mode):
            raise ValidationFailed({"timeframe": "Alpaca's data API has no second bars; use 1Min or longer "
                                                 "(second bars are for the local exchange)"})
        with self.uow() as uow:
            spec = with_stored_class(uow, spec)
            refuse_crypto_shorts(spec)
            start, end = spec.start, spec.end
            if spec.mode == "backtest":
                start, end = self.check_data(uow, spec)
                refuse_whole_window_warmup(uow, spec, start, end)
            run = uow.runs.add(
                Run(
                    mode=spec.mode, name=spec.name, strategy=spec.strategy, params=params, symbols=spec.symbols,
                    timeframe=spec.timeframe, start_at=start, end_at=end, cash=spec.cash,
                    fees=spec.fees.to_dict(), slippage=spec.slippage.to_dict(),
                    options={"fractional": spec.fractional, "allow_short": spec.allow_short,
                             "asset_class": spec.asset_class,
                             "risk": spec.risk.model_dump(mode="json") if spec.risk else None,
                             **({"warmup": spec.warmup} if spec.warmup else {})},
                    status="created", created_at=self.clock.now(), updated_at=self.clock.now(),
                )
            )
            if claim is not None:
                idempotency.record(uow.session, claim, run.id)
            uow.outbox.emit("run.created", {"run_id": run.id, "status": "created", "mode": run.mode}, run_id=run.id)
            if spec.start_now:
                self._begin(uow, run)
            uow.commit()
        return run

    def check_data(self, uow: UnitOfWork, spec: RunCreate) -> tuple[datetime | None, datetime | None]:
        """A backtest needs stored bars for every symbol; the window defaults to the data's range."""
        missing, firsts, lasts = [], [], []
        for symbol in spec.symbols:
            first, last = uow.bars.bounds(symbol, spec.timeframe)
            if first is None or last is None:
                missing.append(symbol)
            else:
                firsts.append(first)
                lasts.append(last)
        if missing:
            raise ValidationFailed(
                {"symbols": f"no {spec.timeframe} bars stored for {', '.join(missing)}; import or fetch them first"}
            )
        start, end = spec.start or min(firsts), spec.end or max(lasts)
        if start > max(lasts) or end < min(firsts):
            raise ValidationFailed(
                {"start": f"the window has no data: stored bars span {min(firsts):%Y-%m-%d} to {max(lasts):%Y-%m-%d}"}
            )
        return start, end

    def start(self, run_id: str) -> Run:
        with self.uow() as uow:
            run = self._get(uow, run_id, for_update=True)
            self._begin(uow, run)
            uow.commit()
        return run

    def _begin(self, uow: UnitOfWork, run: Run) -> None:
        """The status change and the command that carries it out, in one transaction."""
        command: Command
        if run.mode == "backtest":
            transition(uow, run, "queued", at=self.clock.now())
            command = StartBacktest(run.id)
        else:
            transition(uow, run, "running", at=self.clock.now())
            command = StartLive(run.id)
        issue(uow.outbox, command)

    def stop(self, run_id: str, request: RunStop | None = None) -> Run:
        request = request or RunStop()
        with self.uow() as uow:
            run = self._get(uow, run_id, for_update=True)
            if run.mode == "backtest" and request.close_positions:
                raise ValidationFailed({"close_positions": "a backtest holds nothing at a broker (paper and live "
                                                           "runs only); stopping a backtest cancels it"})
            if lifecycle.is_finished(run.status):
                raise Conflict(_nothing_to_stop(uow, run, request.close_positions), {"status": run.status})
            if run.mode == "backtest":
                # The worker polls the status while it runs and abandons the run once it sees this.
                transition(uow, run, "cancelled", error=CANCELLED_BY_USER, at=self.clock.now())
                if run.sweep_id:
                    from app.services.sweeps import record_cell_finished  # sweeps builds on runs
                    from app.services.walkforwards import record_sweep_completed

                    if record_cell_finished(uow, run.sweep_id):  # a walk-forward's fold goes on without it
                        record_sweep_completed(uow, run.sweep_id)
                elif run.options and run.options.get("walkforward_id"):
                    from app.services.walkforwards import record_oos_finished

                    record_oos_finished(uow, run)
            else:
                transition(uow, run, "stopping", error=STOPPED_BY_USER, at=self.clock.now())
                issue(uow.outbox, StopRun(run.id, cancel_orders=request.cancel_orders,
                                          close_positions=request.close_positions))
            uow.commit()
        return run

    def close_positions(self, run_id: str) -> Run:
        """A stopped paper or live run's positions closed at market by the live worker (ClosePositions): one
        order per symbol, booked as the run's own; `run.positions_closed` says what each became."""
        with self.uow() as uow:
            run = self._get(uow, run_id, for_update=True)
            refuse_close(uow, run)  # a 409 when it is not stopped, a close is on its way, or it holds nothing
            issue(uow.outbox, ClosePositions(run.id))
            uow.commit()
        return run

    def delete(self, run_id: str, *, force: bool = False) -> None:
        with self.uow() as uow:
            run = self._get(uow, run_id, for_update=True)
            if not lifecycle.is_finished(run.status) and run.status != "created":
                raise Conflict(
                    f"run {run_id} is {run.status}; stop it before deleting it",
                    {"status": run.status},
                )
            if run.mode != "backtest" and not force:
                held = still_held(uow, run_id)
                if held:  # trial 19: a 204, then "position TSLA mismatch" in the log at every start
                    raise Conflict(
                        f"run {run_id} still holds {held_words(held)} at the {run.mode} broker: deleted, it would "
                        "leave them there owned by no run. Close them first "
                        f"(POST /api/v1/runs/{run_id}/close-positions), or delete with force=true to leave them anyway",
                        {"positions": [{"symbol": symbol, "qty": quantity_text(qty)} for symbol, qty in held]},
                    )
            owner = self._walkforward_of(uow, run)
            if owner is not None:  # its cells, OOS runs and contrast are the walk-forward's record
                raise Conflict(f"run {run_id} is part of walk-forward {owner}: its folds, chosen cells and "
                               "stitched result read it, so it is kept with the walk-forward",
                               {"walkforward_id": owner})
            uow.runs.delete(run_id)
            uow.outbox.emit("run.deleted", {"run_id": run_id, "status": "deleted", "previous": run.status},
                            run_id=run_id)
            uow.commit()

    @staticmethod
    def _walkforward_of(uow: UnitOfWork, run: Run) -> str | None:
        """The walk-forward a run belongs to: a cell of one of its sweeps, or its OOS or contrast run."""
        owner = (run.options or {}).get("walkforward_id")
        if owner is None and run.sweep_id is not None:
            sweep = uow.sweeps.get(run.sweep_id)
            owner = sweep.walkforward_id if sweep is not None else None
        return owner

    @staticmethod
    def _get(uow: UnitOfWork, run_id: str, *, for_update: bool = False) -> Run:
        run = uow.runs.get(run_id, for_update=for_update)
        if run is None:
            raise no_such_run(run_id)
        return run


def still_held(uow: UnitOfWork, run_id: str) -> list[tuple[str, Decimal]]:
    """The run's positions that are not flat, as (symbol, signed quantity)."""
    rows = uow.session.execute(select(Position.symbol, Position.qty).where(Position.run_id == run_id, Position.qty != 0)
                               .order_by(Position.symbol)).all()
    return [(symbol, qty) for symbol, qty in rows]


def _nothing_to_stop(uow: UnitOfWork, run: Run, close: bool) -> str:
    """Why a stop of a run that has stopped already does nothing, and what the user may want instead (trial 23
    read "a paper run cannot go to stopping from there (allowed: error, stopped)")."""
    if run.mode == "backtest":
        return f"run {run.id} is {run.status} already: there is nothing to cancel"
    held = list(uow.session.execute(select(Position.symbol, Position.qty).where(
        Position.run_id == run.id, Position.qty != 0).order_by(Position.symbol)).tuples())
    if not held:
        return f"run {run.id} is {run.status} already and holds nothing: there is nothing to stop" + (
            " or close" if close else "")
    return (f"run {run.id} is {run.status} already and still holds {held_words(held)}: close-positions closes "
            f"what it holds (the run page's Close positions button, `weaver runs close-positions {run.id}`, "
            f"POST /api/v1/runs/{run.id}/close-positions)")


def refuse_whole_window_warmup(uow: UnitOfWork, spec: RunCreate, start: datetime | None, end: datetime | None) -> None:
    """A warm-up as long as the window leaves nothing to trade: refused, as `weaver backtest --warmup` refuses
    it (a trial's --warmup 500 on a 108-bar window ran silently on one bar)."""
    if not spec.warmup:
        return
    bars = min(uow.bars.count(symbol, spec.timeframe, start, end) for symbol in spec.symbols)
    if spec.warmup >= bars:
        raise ValidationFailed({"warmup": f"{spec.warmup:,} warm-up bars cover the whole window ({bars:,} bars): "
                                          "nothing would be traded"})
