"""LiveService: the pinned live worker's one entry point (`live.start|tick|stop|kill|update|refresh`).

It owns every broker call and keeps each running strategy, with the bars it has seen, in memory
between ticks (a restart rebuilds it by replaying what the run recorded: app/veda/resume.py).
Ticks are idempotent on (run, bar): a tick seen before is skipped, a tick that crashed half-way is
run again and its orders dedupe by client_order_id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select

from app.clock.realtime import NEW_YORK
from app.clock.timeframes import parse_timeframe
from app.greta.annualise import annualisation
from app.greta.metrics import equity_metrics
from app.marvin.bars import BarFrame, ns_to_datetime
from app.marvin.instruments import Instrument
from app.marvin.registry import get_strategy
from app.services.runs import transition
from app.veda.alpaca import AlpacaBroker, BrokerError
from app.veda.gateway import LiveGateway
from app.veda.history import fetch_rows, ns_of
from app.veda.ledger import Ledger, run_cash
from app.veda.reconcile import reconcile_account
from app.veda.recording import record_bars, save_state
from app.veda.resume import RunContext, resume_run
from app.veda.risk import Breach, RiskState, check_loss
from app.veda.sessions import SessionCalendar
from app.veda.snapshots import record_snapshot
from app.veda.statuses import OPEN
from app.walle.models import EquityPoint, LiveTick, Order, Position, Run, RunMetric
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
STALE_BARS = 2  # an intraday tick this many bars late (and STALE_MIN_SECONDS) is skipped, not traded
STALE_MIN_SECONDS = 10
DAILY_TICK_SECONDS = 60  # the broker time a daily run's tick may take


class LiveService:
    def __init__(self, uow: Callable[[], UnitOfWork], brokers: dict[str, AlpacaBroker]):
        self.uow = uow
        self.brokers = brokers  # "paper" / "live" → the adapter for that credential set
        self.contexts: dict[str, RunContext] = {}
        self.reconciled: set[str] = set()
        self.calendars: dict[str, SessionCalendar] = {}
        self.curves: dict[str, tuple[list[datetime], list[float]]] = {}  # run → (bar times, equity)

    def handle(self, command: str, run_id: str | None = None, **kwargs: Any) -> Any:
        """One handler map: the live worker's commands and nothing else (no name lookup on self)."""
        handlers: dict[str, Callable[..., Any]] = {
            "start": self._start, "tick": self._tick, "stop": self._stop, "kill": self._kill,
            "update": self._update, "refresh": self._refresh,
        }
        handler = handlers.get(command)
        if handler is None:
            raise ValueError(f"unknown live command {command!r}")
        return handler(run_id, **kwargs)

    # --- start-up ---------------------------------------------------------------------------
    def reconcile(self) -> dict[str, list[str]]:
        """Compare every configured account with Weaver's records (the live worker's first act)."""
        found: dict[str, list[str]] = {}
        for kind, broker in self.brokers.items():
            with self.uow() as uow:
                report = reconcile_account(uow, broker, kind)
                uow.commit()
            found[kind] = report.repaired
            self.reconciled.add(kind)
            self._refresh(None, kind=kind)
        return found

    def _calendar(self, mode: str, broker: AlpacaBroker) -> SessionCalendar:
        calendar = self.calendars.get(mode)
        if calendar is None or calendar.broker is not broker:
            calendar = self.calendars[mode] = SessionCalendar(broker)
        return calendar

    def _broker(self, mode: str) -> AlpacaBroker:
        """The adapter for `mode`, reconciled with Weaver's records on first use (its own unit of
        work: call it with none open)."""
        broker = self.brokers.get(mode)
        if broker is None:
            raise BrokerError(f"no {mode} Alpaca account is configured")
        if mode not in self.reconciled:
            with self.uow() as uow:
                reconcile_account(uow, broker, mode)
                uow.commit()
            self.reconciled.add(mode)
        return broker

    # --- commands ---------------------------------------------------------------------------
    def _start(self, run_id: str, **_: Any) -> None:
        with self.uow() as uow:
            run = uow.runs.get(run_id)
            if run is None or run.status != "running":
                return
            mode, strategy, symbols, timeframe = run.mode, run.strategy, list(run.symbols), run.timeframe
        try:
            broker = self._broker(mode)
            get_strategy(strategy)
            untradable = [s for s in symbols if not (broker.asset(s) or {}).get("tradable")]
            if untradable:
                raise BrokerError(f"{', '.join(untradable)}: not a tradable asset at the {mode} broker")
        except Exception as exc:
            with self.uow() as uow:
                run = uow.runs.get(run_id)
                if run is not None and run.status == "running":
                    transition(uow, run, "error", error=f"cannot start: {exc}")
                    uow.commit()
            return
        log.info("live run %s is running (%s, %s)", run_id, mode, timeframe)

    def _tick(self, run_id: str, bar_ts: str, **_: Any) -> str:
        moment = datetime.fromisoformat(bar_ts).astimezone(UTC)
        with self.uow() as uow:
            run = uow.runs.get(run_id)
            if run is None or run.status != "running":
                return "not running"
            seen = uow.session.get(LiveTick, (run_id, moment))
            if seen is not None and seen.status in ("done", "skipped"):
                return "duplicate"
            mode, timeframe = run.mode, run.timeframe
        broker = self.brokers.get(mode)
        try:
            if broker is not None and not self._calendar(mode, broker).trades(timeframe, moment):
                return "closed"  # outside the broker's session: nothing recorded, no event
        except BrokerError:
            pass  # the tick itself meets the same broker and records why it was skipped
        with self.uow() as uow:
            if seen is None:
                uow.session.add(LiveTick(run_id=run_id, bar_ts=moment, status="started"))
            uow.commit()
        try:
            outcome = self._run_tick(run_id, moment)
        except BrokerError as exc:
            outcome = f"skipped: broker unavailable ({exc.message})"
        except Exception as exc:
            log.exception("tick %s %s failed", run_id, bar_ts)
            with self.uow() as uow:
                run = uow.runs.get(run_id)
                transition(uow, run, "error", error=f"the strategy failed on the bar {bar_ts}: "
                                                   f"{exc.__class__.__name__}: {exc}")
                uow.commit()
            self.contexts.pop(run_id, None)
            self.curves.pop(run_id, None)
            outcome = "error"
        self._finish_tick(run_id, moment, outcome)
        return outcome

    def _run_tick(self, run_id: str, bar_ts: datetime) -> str:
        with self.uow() as uow:
            run = uow.runs.get(run_id)
            symbols, timeframe, mode = list(run.symbols), run.timeframe, run.mode
        broker = self._broker(mode)
        frame = parse_timeframe(timeframe)
        if frame.seconds is not None:
            late = (datetime.now(UTC) - (bar_ts + frame.delta)).total_seconds()
            if late > max(STALE_BARS * frame.seconds, STALE_MIN_SECONDS):
                return f"skipped: stale (the bar closed {late:.0f}s ago)"  # a backlog is not traded late
        with broker.deadline(frame.seconds or DAILY_TICK_SECONDS):
            return self._trade_bar(run_id, broker, symbols, timeframe, mode, bar_ts)

    def _trade_bar(self, run_id: str, broker: AlpacaBroker, symbols: list[str], timeframe: str, mode: str,
                   bar_ts: datetime) -> str:
        if not self._calendar(mode, broker).trades(timeframe, bar_ts):
            return "skipped: market closed"
        context = self.contexts.get(run_id) or self._context(run_id, broker, bar_ts)
        if any((context.history.last(s) or 0) >= ns_of(bar_ts) for s in symbols):
            return "skipped: the run has already seen this bar or a later one"
        context.gateway.sync_open_orders()
        frames = self._new_bars(run_id, context, broker, mode, bar_ts)
        if frames is None:
            return "skipped: the bar is not available from the broker yet"
        marks = {f.symbol: Decimal(repr(float(f.close[-1]))) for f in frames}
        day_start = datetime.combine(bar_ts.astimezone(NEW_YORK).date(), datetime.min.time(), NEW_YORK)
        context.gateway.begin_tick(bar_ts, marks, day_start.astimezone(UTC), self._day_start_equity(run_id, day_start))
        context.runner.next_seq = 1  # seq counts within a bar, so a replayed bar makes the same ids
        context.runner.on_bar(frames)
        equity = self._mark(run_id, bar_ts, marks, context.runner.saved_state())
        if context.gateway.halt is None:  # a run that lost too much halts even when it did not trade
            context.gateway.halt = self._loss_breach(run_id, equity, context.gateway.start_of_day_equity)
        if context.gateway.halt is not None:
            with self.uow() as uow:
                transition(uow, uow.runs.get(run_id), "stopped", error=context.gateway.halt.detail)
                uow.commit()
            self.contexts.pop(run_id, None)
            self.curves.pop(run_id, None)
            return "halted"
        return f"done: {context.gateway.submitted} order(s)"

    def _context(self, run_id: str, broker: AlpacaBroker, bar_ts: datetime) -> RunContext:
        """The run's strategy: new on its first tick, else rebuilt by replaying what it recorded."""
        context = self.contexts[run_id] = resume_run(self.uow, broker, run_id, bar_ts)
        return context

    def _new_bars(self, run_id: str, context: RunContext, broker: AlpacaBroker, mode: str,
                  bar_ts: datetime) -> list[BarFrame] | None:
        """The run's whole history ending with this tick's bar. Only the bars it lacks are fetched
        (the warm-up on its first tick), and recorded before the strategy sees them; None when the
        broker does not have the bar yet."""
        history, bar_ns = context.history, ns_of(bar_ts)
        lasts = {s: history.last(s) for s in history.symbols}
        known = [last for last in lasts.values() if last is not None]
        after = ns_to_datetime(min(known)) if known else None
        rows = fetch_rows(broker, history.symbols, history.timeframe, bar_ts, after)
        rows = {s: [r for r in found if lasts[s] is None or r[0] > lasts[s]] for s, found in rows.items()}
        if any(not found or found[-1][0] != bar_ns for found in rows.values()):
            return None
        calendar = self._calendar(mode, broker)
        with self.uow() as uow:
            record_bars(uow, run_id, history, rows, bar_ns, lambda ts: calendar.trades(history.timeframe, ts))
            uow.commit()
        return history.frames()

    def _day_start_equity(self, run_id: str, day_start: datetime) -> Decimal:
        with self.uow() as uow:
            first = uow.session.scalar(select(EquityPoint.equity).where(
                EquityPoint.run_id == run_id, EquityPoint.ts < day_start).order_by(EquityPoint.ts.desc()).limit(1))
            return first if first is not None else uow.runs.get(run_id).cash

    def _loss_breach(self, run_id: str, equity: Decimal, start_of_day: Decimal) -> Breach | None:
        with self.uow() as uow:
            run = uow.runs.get(run_id)
            breach = check_loss(run.options.get("risk"), RiskState(Decimal(0), Decimal(0), 0, equity, start_of_day))
            if breach is not None:
                uow.outbox.emit("risk.breached", {"run_id": run_id, "rule": breach.rule, "detail": breach.detail},
                                run_id=run_id)
                uow.commit()
        return breach

    def _mark(self, run_id: str, bar_ts: datetime, marks: dict[str, Decimal],
              state: dict[str, Any] | None = None) -> Decimal:
        """Mark positions at the bar's close and record the run's equity point for the bar (and the
        strategy's saved state, when it keeps one)."""
        with self.uow() as uow:
            if state is not None:
                save_state(uow, run_id, bar_ts, state)
            run = uow.runs.get(run_id)
            cash = run_cash(uow, run)
            equity = cash
            for position in uow.session.scalars(select(Position).where(Position.run_id == run_id)):
                position.mark_price = marks.get(position.symbol, position.mark_price)
                equity += position.qty * (position.mark_price or Decimal(0))
            point = uow.session.get(EquityPoint, (run_id, bar_ts))
            if point is None:
                uow.session.add(EquityPoint(run_id=run_id, ts=bar_ts, equity=equity, cash=cash))
            else:
                point.equity, point.cash = equity, cash
            uow.session.flush()
            self._live_metrics(uow, run, self._curve(uow, run_id, bar_ts, equity))
            uow.commit()
        return equity

    def _curve(self, uow: UnitOfWork, run_id: str, bar_ts: datetime, equity: Decimal) -> np.ndarray:
        """The run's equity curve, read from the database once per worker and then kept up to date
        here: a tick's cost must not grow with the length of the run."""
        cached = self.curves.get(run_id)
        if cached is None or (cached[0] and bar_ts < cached[0][-1]):
            rows = uow.session.execute(select(EquityPoint.ts, EquityPoint.equity)
                                       .where(EquityPoint.run_id == run_id).order_by(EquityPoint.ts)).all()
            cached = self.curves[run_id] = ([ts for ts, _ in rows], [float(e) for _, e in rows])
        elif cached[0] and cached[0][-1] == bar_ts:
            cached[1][-1] = float(equity)  # the same bar again
        else:
            cached[0].append(bar_ts)
            cached[1].append(float(equity))
        return np.array(cached[1])

    @staticmethod
    def _live_metrics(uow: UnitOfWork, run: Run, curve: np.ndarray) -> None:
        """Return, Sharpe, drawdown… from the run's equity points so far, so the dashboard shows and
        sorts live and paper runs by the same figures as backtests."""
        known = uow.instruments.get(run.symbols[0])  # crypto annualises by 365 × 24 h, stocks by the session
        instrument = Instrument(run.symbols[0], known.asset_class if known else "us_equity")
        year = annualisation(np.empty(0, dtype=np.int64), parse_timeframe(run.timeframe), instrument)
        figures = equity_metrics(curve, float(run.cash), year.bars_per_year)
        stored = {m.name: m for m in uow.session.scalars(select(RunMetric).where(RunMetric.run_id == run.id))}
        for name, value in figures.items():
            value = None if value is None else float(value)
            if name in stored:
                stored[name].value = value
            else:
                uow.session.add(RunMetric(run_id=run.id, name=name, value=value))

    def _finish_tick(self, run_id: str, bar_ts: datetime, outcome: str) -> None:
        with self.uow() as uow:
            tick = uow.session.get(LiveTick, (run_id, bar_ts))
            if tick is not None:
                tick.status = "skipped" if outcome.startswith("skipped") else "done"
                tick.detail = outcome
            orders = int(outcome.split()[1]) if outcome.startswith("done:") else 0
            uow.outbox.emit("live.tick", {"run_id": run_id, "bar_ts": bar_ts.isoformat(), "status": outcome[:60],
                                          "orders": orders}, run_id=run_id)
            uow.commit()

    def _stop(self, run_id: str, cancel_orders: bool = False, **_: Any) -> None:
        with self.uow() as uow:
            run = uow.runs.get(run_id)
            if run is None or run.status != "stopping":
                return
            broker = self.brokers.get(run.mode)
        if broker is not None:  # settle what is still in flight, so a stopped run's books are final
            LiveGateway(self.uow, broker, run_id).sync_open_orders()
        if cancel_orders and broker is not None:
            self._cancel_run_orders(run_id, broker)
        self.contexts.pop(run_id, None)
        self.curves.pop(run_id, None)
        with self.uow() as uow:
            run = uow.runs.get(run_id)
            if run is not None and run.status == "stopping":
                transition(uow, run, "stopped")
                uow.commit()

    def _cancel_run_orders(self, run_id: str, broker: AlpacaBroker) -> int:
        with self.uow() as uow:
            open_orders = [(o.id, o.broker_order_id) for o in uow.session.scalars(
                select(Order).where(Order.run_id == run_id, Order.status.in_(list(OPEN))))]
        cancelled = 0
        for order_id, broker_id in open_orders:
            if broker_id and broker.cancel_order(broker_id):
                cancelled += 1
            with self.uow() as uow:
                order = uow.session.get(Order, order_id)
                snapshot = broker.order_by_client_id(order.client_order_id)
                if snapshot is not None:
                    Ledger(uow).apply(order, snapshot)
                uow.commit()
        return cancelled

    def _kill(self, _run_id: str | None = None, **_: Any) -> dict[str, int]:
        """The kill switch: cancel every open order on every account, stop every paper/live run."""
        cancelled = 0
        for kind, broker in self.brokers.items():
            try:
                cancelled += broker.cancel_all()
            except BrokerError as exc:
                log.error("kill switch: could not cancel %s orders: %s", kind, exc.message)
        stopped = 0
        with self.uow() as uow:
            runs = uow.session.scalars(select(Run).where(Run.mode.in_(("paper", "live")),
                                                         Run.status.in_(("running", "stopping")))).all()
            for run in runs:
                transition(uow, run, "stopped", error="stopped by the kill switch")
                stopped += 1
            uow.commit()
        for kind, broker in self.brokers.items():
            with self.uow() as uow:
                for order in uow.session.scalars(select(Order).join(Run).where(
                        Run.mode == kind, Order.status.in_(list(OPEN)))):
                    snapshot = broker.order_by_client_id(order.client_order_id)
                    if snapshot is not None:
                        Ledger(uow).apply(order, snapshot)
                uow.commit()
            self._refresh(None, kind=kind)
        self.contexts.clear()
        with self.uow() as uow:
            uow.outbox.emit("kill.activated", {"runs": stopped, "orders": cancelled})
            uow.commit()
        return {"runs": stopped, "orders": cancelled}

    def _update(self, _run_id: str | None = None, order: dict[str, Any] | None = None, **_: Any) -> None:
        """A trade_updates event relayed by the stream thread: apply it to the order it is about."""
        if not order or not order.get("client_order_id"):
            return
        with self.uow() as uow:
            mine = uow.records.order_by_client_id(order["client_order_id"])
            if mine is not None:
                Ledger(uow).apply(mine, order)
                uow.commit()

    def _refresh(self, _run_id: str | None = None, kind: str | None = None, **_: Any) -> None:
        for name, broker in self.brokers.items():
            if kind is None or kind == name:
                with self.uow() as uow:
                    record_snapshot(uow, name, broker)
                    uow.commit()


def recent(moment: datetime | None, seconds: float) -> bool:
    return moment is not None and datetime.now(UTC) - moment < timedelta(seconds=seconds)
