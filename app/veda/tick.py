"""One live tick: run the strategy on a closed bar and send what it decided. Three units of work.

1. Check: is the run running, is this (run, bar) new? (one statement)
2. Decide: book what the broker said about open orders, record the new bars, run the strategy; its
   orders are recorded here and committed before the broker hears of them.
3. Settle: book the broker's answers, mark the run at the bar's close, record the tick as done.

Between them, and never inside one, the broker is called: the open orders polled and the new bars
fetched before 2, the orders sent after it. Ticks are idempotent on (run, bar): a tick seen before
is skipped; one that died half-way runs again, and its orders dedupe by client_order_id.

A bar of several runs (`tick_bar`, the scheduler's one command per timeframe and bar) goes through
the same three phases once for all of them: one check, the broker read (open orders, the bar cache's
one bar request) for each, every run decided in one unit of work, every order sent, all settled in
one. A run that is not in its steady state (no strategy in memory yet, a retried tick, a stale or
unavailable bar, a broker in trouble) or whose batch failed ticks on its own, as above.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import SQLAlchemyError

from app.clock.realtime import NEW_YORK
from app.clock.timeframes import parse_timeframe
from app.marvin.bars import ns_to_datetime
from app.marvin.failure_place import place_in
from app.marvin.porting_hints import porting_hint
from app.services.runs import transition
from app.veda import executions
from app.veda.alpaca import BrokerError
from app.veda.book import Book, RunFacts, load_book, load_books
from app.veda.desk import Desk
from app.veda.fee_booking import FeeRead, book_fees
from app.veda.gateway import Answer, LiveGateway
from app.veda.history import Row, fetch_rows, ns_of
from app.veda.open_orders import open_snapshots
from app.veda.ports import Activity, Broker, BrokerOrder
from app.veda.recording import record_bars, save_state, write_bars
from app.veda.resume import RunContext
from app.veda.risk import RiskState, check_loss
from app.veda.run_cancels import cancel_after_error
from app.walle.models import LiveTick, Run
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
STALE_BARS = 2  # an intraday tick this many bars late (and STALE_MIN_SECONDS) is skipped, not traded
STALE_MIN_SECONDS = 10
DAILY_TICK_SECONDS = 60  # the broker time a daily run's tick may take
SENDERS = 8  # the broker calls a bar of several runs makes at once (within the HTTP pool's 10 connections)


@dataclass
class Step:
    """One run's share of a bar ticked with others: what was read before deciding, and what came of it."""

    run: RunFacts
    context: RunContext
    polled: list[Answer]
    rows: dict[str, list[Row]]
    first: bool
    marks: dict[str, Decimal] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)
    outcome: str = ""


class Ticker:
    def __init__(self, desk: Desk):
        self.desk = desk
        self.senders: ThreadPoolExecutor | None = None  # a bar's runs send their orders side by side

    def tick_bar(self, _: str | None = None, *, bar_ts: str, run_ids: list[str], **__: object) -> dict[str, str]:
        """One bar for several runs; each run's outcome, as `tick` would give it."""
        moment = datetime.fromisoformat(bar_ts).astimezone(UTC)
        with self.desk.uow() as uow:  # 1. check, every run at once
            rows = uow.session.execute(select(Run, LiveTick.status).outerjoin(
                LiveTick, and_(LiveTick.run_id == Run.id, LiveTick.bar_ts == moment)).where(
                Run.id.in_(run_ids))).all()
            facts = {row[0].id: (RunFacts.of(row[0]), row[1]) for row in rows}
        outcomes: dict[str, str] = {}
        steady: dict[tuple[str, str], list[RunFacts]] = {}
        alone: list[str] = []
        for run_id in dict.fromkeys(run_ids):
            run, seen = facts.get(run_id, (None, None))
            if run is None or run.status != "running":
                outcomes[run_id] = "not running"
            elif seen in ("done", "skipped"):
                outcomes[run_id] = "duplicate"
            elif seen is not None:  # an attempt died half-way: it looks for what that one left
                alone.append(run_id)
            else:
                steady.setdefault((run.mode, run.timeframe), []).append(run)
        for (mode, timeframe), runs in steady.items():
            done = self._together(mode, timeframe, runs, moment)
            outcomes.update(done)
            alone.extend(run.id for run in runs if run.id not in done)
        for run_id in alone:
            outcomes[run_id] = self.tick(run_id, bar_ts)
        return outcomes

    def _together(self, mode: str, timeframe: str, runs: list[RunFacts], bar_ts: datetime) -> dict[str, str]:
        """Tick the steady runs of one account and timeframe together; the outcomes of those it ticked
        (the others tick alone)."""
        broker = self.desk.brokers.get(mode)
        frame = parse_timeframe(timeframe)
        try:
            if broker is None or not self.desk.calendar(mode, broker).trades(timeframe, bar_ts):
                return {}  # closed, or no account: each tick says so
            broker = self.desk.broker(mode)
        except BrokerError:
            return {}
        if frame.seconds is not None:
            late = (self.desk.clock.now() - (bar_ts + frame.delta)).total_seconds()
            if late > max(STALE_BARS * frame.seconds, STALE_MIN_SECONDS):
                return {}
        started = self.desk.clock.now()
        steps: list[Step] = []
        with broker.deadline(frame.seconds or DAILY_TICK_SECONDS):
            try:
                contexts = [(run, self._context(run, broker, bar_ts)) for run in runs]
                unknown = [c.gateway for _, c in contexts if c is not None and c.gateway.open_ids is None]
                if unknown:  # a strategy new in memory: its open orders, as the tick alone reads them
                    with self.desk.uow() as uow:
                        for gateway in unknown:
                            gateway.load_open(uow)
                wanted = sum(len(c.gateway.open_ids or ()) for _, c in contexts if c is not None)
                listed = open_snapshots(broker, wanted)  # one list of the account's open orders for all
                for run, context in contexts:
                    step = self._prepare(run, context, broker, bar_ts, listed) if context is not None else None
                    if step is not None:
                        steps.append(step)
            except Exception as exc:  # nothing is recorded yet: each run meets it alone, and records it
                log.warning("bar %s: reading for %d runs together failed (%s); each ticks alone", bar_ts, len(runs),
                            exc.message if isinstance(exc, BrokerError) else repr(exc))
                return {}
            if not steps:
                return {}
            exact_read = read_executions(broker, [(step.context.gateway, step.polled) for step in steps])
            with self.desk.uow() as uow:  # 2. decide, every run
                try:
                    with uow.outbox.batch():
                        books = load_books(uow, [step.run for step in steps]) if len(steps) > 1 else {}
                        bars: list[dict[str, Any]] = []
                        for step in steps:  # no write between them: every run's rows go in together
                            self._decide_step(uow, step, broker, bar_ts, books.get(step.run.id), bars)
                        write_bars(uow, bars)
                    uow.commit()
                except Exception:  # nothing of this bar is recorded: each run starts it again alone
                    log.exception("bar %s: deciding %d runs together failed; each ticks alone", bar_ts, len(steps))
                    for step in steps:  # (trial 27: the others' run.resumed said nothing of why)
                        self.desk.forget(step.run.id, reason=None if len(steps) == 1 else (
                            f"the {len(steps)} runs trading this bar together met an error (another run's "
                            "strategy may have raised), so each run decided the bar again alone, its strategy "
                            "rebuilt from its records"))
                    return {}
            for step in steps:
                step.context.ticks += 1
            self._dispatch(steps)
            if not exact_read:
                read_executions(broker, [(step.context.gateway, step.answers) for step in steps])
            gateways = {step.run.id: step.context.gateway for step in steps}
            found = self._read_fees(mode, broker, [(step.context.gateway, step.answers) for step in steps])
        read = None
        try:
            with self.desk.uow() as uow:  # 3. settle, every run
                with uow.outbox.batch():
                    metrics: list[dict[str, Any]] = []
                    for step in steps:
                        step.context.gateway.settle(uow, step.answers)
                    read = self._book_fees(uow, mode, found, gateways)  # a fee may be another run's fill's
                    for step in steps:  # no write between them either: every run's metrics in one statement
                        step.outcome = self._settle(uow, step.run, step.context, bar_ts, step.marks, metrics)
                        finish(uow, step.run.id, bar_ts, step.outcome, started, False)
                    self.desk.marking.write(uow, metrics)  # trades of the runs that traded paired in one query
                uow.commit()
        except Exception:
            log.exception("bar %s: settling %d runs together failed; settling each alone", bar_ts, len(steps))
            read = None
            for step in steps:
                self.desk.marking.forget(step.run.id)  # its equity point and figures were not written
                self._settle_alone(step, bar_ts, started)
        self._fees_settled(mode, found, read, gateways.values())
        outcomes = {}
        for step in steps:
            step.context.gateway.book = None
            if step.outcome == "halted":
                self.desk.forget(step.run.id)
            outcomes[step.run.id] = step.outcome
        return outcomes

    def _dispatch(self, steps: list[Step]) -> None:
        """Send every run's orders, the runs side by side (each run's own orders in their order)."""
        if len(steps) == 1 or not any(s.context.gateway.to_send or s.context.gateway.to_cancel
                                      or s.context.gateway.to_check for s in steps):
            for step in steps:
                step.answers = step.context.gateway.dispatch()
            return
        if self.senders is None:
            self.senders = ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="tick-send")
        sent = [self.senders.submit(contextvars.copy_context().run, s.context.gateway.dispatch) for s in steps]
        for step, answers in zip(steps, sent, strict=True):
            step.answers = answers.result()

    def _context(self, run: RunFacts, broker: Broker, bar_ts: datetime) -> RunContext | None:
        """The run's strategy in memory, else rebuilt (as `desk.context`); None when it must tick alone."""
        context = self.desk.contexts.get(run.id)
        if context is None:
            try:
                context = self.desk.context(run.id, broker, bar_ts)
            except Exception:  # the tick alone meets the same trouble and records it
                log.warning("run %s: no strategy to tick with the others; it ticks alone", run.id, exc_info=True)
                self.desk.forget(run.id)
                return None
        return context if context.gateway.broker is broker else None

    def _prepare(self, run: RunFacts, context: RunContext, broker: Broker, bar_ts: datetime,
                 listed: dict[str, BrokerOrder] | None) -> Step | None:
        """What a run reads from the broker before deciding (its open orders from `listed`, the
        account's, where it holds them); None when it must tick alone."""
        if context.gateway.open_ids is None:
            return None
        if any((context.history.last(s) or 0) >= ns_of(bar_ts) for s in context.history.symbols):
            return None
        polled = context.gateway.poll_open(listed)
        rows = self._new_rows(context, broker, bar_ts)
        if rows is None:
            return None
        return Step(run, context, polled, rows, context.ticks == 0)

    def _decide_step(self, uow: UnitOfWork, step: Step, broker: Broker, bar_ts: datetime, book: Book | None,
                     bars: list[dict[str, Any]]) -> None:
        gateway = step.context.gateway
        gateway.work, gateway.run, gateway.book, gateway.fresh = uow, step.run, book, not step.first
        try:
            step.marks = self._decide(uow, step.run, step.context, broker, step.polled, step.rows, bar_ts,
                                      check=step.first, bars=bars)
        finally:
            gateway.work = None

    def _settle_step(self, uow: UnitOfWork, step: Step, bar_ts: datetime, started: datetime, retried: bool,
                     metrics: list[dict[str, Any]] | None = None) -> None:
        step.context.gateway.settle(uow, step.answers)
        step.outcome = self._settle(uow, step.run, step.context, bar_ts, step.marks, metrics)
        finish(uow, step.run.id, bar_ts, step.outcome, started, retried)

    def _settle_alone(self, step: Step, bar_ts: datetime, started: datetime) -> None:
        """A run's settle in its own unit of work, after the batch's failed: its failure is the run's error."""
        step.context.gateway.book = None
        try:
            with self.desk.uow() as uow:
                with uow.outbox.batch():
                    self._settle_step(uow, step, bar_ts, started, False)
                uow.commit()
        except Exception as exc:
            log.exception("tick %s %s failed", step.run.id, bar_ts)
            place = place_in(exc, step.context.runner.strategy_cls)
            self.desk.forget(step.run.id)
            with self.desk.uow() as uow:
                transition(uow, uow.runs.get(step.run.id), "error", at=self.desk.clock.now(),
                           error=failure_text(exc, bar_ts.isoformat(), place))
                finish(uow, step.run.id, bar_ts, "error", started, True)
                uow.commit()
            cancel_after_error(self.desk, step.run.id, step.run.mode)
            step.outcome = "error"

    def tick(self, run_id: str, bar_ts: str, **_: object) -> str:
        moment = datetime.fromisoformat(bar_ts).astimezone(UTC)
        with self.desk.uow() as uow:  # 1. check
            row = uow.session.execute(select(Run, LiveTick.status).outerjoin(
                LiveTick, and_(LiveTick.run_id == Run.id, LiveTick.bar_ts == moment)).where(Run.id == run_id)).first()
            run, seen = (RunFacts.of(row[0]), row[1]) if row is not None else (None, None)
        if run is None or run.status != "running":
            return "not running"
        if seen in ("done", "skipped"):
            return "duplicate"
        broker = self.desk.brokers.get(run.mode)
        try:
            if broker is not None and not self.desk.calendar(run.mode, broker).trades(run.timeframe, moment):
                return "closed"  # outside the broker's session: nothing recorded, no event
        except BrokerError:
            pass  # the tick itself meets the same broker and records why it was skipped
        started = self.desk.clock.now()
        try:
            outcome, finished = self._run(run, moment, seen is not None, started)
        except BrokerError as exc:
            outcome, finished = f"skipped: broker unavailable ({exc.message})", False
        except Exception as exc:
            log.exception("tick %s %s failed", run_id, bar_ts)
            context = self.desk.contexts.get(run_id)
            place = place_in(exc, context.runner.strategy_cls if context is not None else None)
            self.desk.forget(run_id)
            with self.desk.uow() as uow:
                transition(uow, uow.runs.get(run_id), "error", at=self.desk.clock.now(),
                           error=failure_text(exc, bar_ts, place))
                finish(uow, run_id, moment, "error", started, seen is not None)
                uow.commit()
            cancel_after_error(self.desk, run_id, run.mode)
            return "error"
        if not finished:
            with self.desk.uow() as uow:
                finish(uow, run_id, moment, outcome, started, seen is not None)
                uow.commit()
        return outcome

    def _run(self, run: RunFacts, bar_ts: datetime, retried: bool, started: datetime) -> tuple[str, bool]:
        """The tick's outcome, and whether it is recorded already (a tick that settled)."""
        frame = parse_timeframe(run.timeframe)
        if frame.seconds is not None:
            late = (self.desk.clock.now() - (bar_ts + frame.delta)).total_seconds()
            if late > max(STALE_BARS * frame.seconds, STALE_MIN_SECONDS):
                return f"skipped: stale (the bar closed {late:.0f}s ago)", False  # a backlog is not traded late
        broker = self.desk.broker(run.mode)
        with broker.deadline(frame.seconds or DAILY_TICK_SECONDS):
            return self._trade(run, broker, bar_ts, retried, started)

    def _trade(self, run: RunFacts, broker: Broker, bar_ts: datetime, retried: bool,
               started: datetime) -> tuple[str, bool]:
        if not self.desk.calendar(run.mode, broker).trades(run.timeframe, bar_ts):
            return "skipped: market closed", False
        context = self.desk.context(run.id, broker, bar_ts)
        if any((context.history.last(s) or 0) >= ns_of(bar_ts) for s in context.history.symbols):
            return "skipped: the run has already seen this bar or a later one", False
        gateway = context.gateway
        if gateway.open_ids is None:
            with self.desk.uow() as uow:
                gateway.load_open(uow)
        assert gateway.open_ids is not None
        polled = gateway.poll_open(open_snapshots(broker, len(gateway.open_ids)))
        exact_read = read_executions(broker, [(gateway, polled)])
        rows = self._new_rows(context, broker, bar_ts)
        if rows is None:
            return "skipped: the bar is not available from the broker yet", False
        first = context.ticks == 0 or retried
        with self.desk.uow() as uow:  # 2. decide
            gateway.work, gateway.run, gateway.book, gateway.fresh = uow, run, None, not first
            try:
                with uow.outbox.batch():
                    marks = self._decide(uow, run, context, broker, polled, rows, bar_ts, check=first)
                uow.commit()
            finally:
                gateway.work = None
        context.ticks += 1
        answers = gateway.dispatch()
        if not exact_read:
            read_executions(broker, [(gateway, answers)])
        found = self._read_fees(run.mode, broker, [(gateway, answers)])
        with self.desk.uow() as uow:  # 3. settle
            with uow.outbox.batch():  # its events (fills, positions, the tick) in one insert
                gateway.settle(uow, answers)
                read = self._book_fees(uow, run.mode, found, {run.id: gateway})
                outcome = self._settle(uow, run, context, bar_ts, marks)
                finish(uow, run.id, bar_ts, outcome, started, retried)
            uow.commit()
        self._fees_settled(run.mode, found, read, [gateway])
        gateway.book = None
        if outcome == "halted":
            self.desk.forget(run.id)
        return outcome, True

    def _decide(self, uow: UnitOfWork, run: RunFacts, context: RunContext, broker: Broker, polled: list[Answer],
                rows: dict[str, list[Row]], bar_ts: datetime, check: bool,
                bars: list[dict[str, Any]] | None = None) -> dict[str, Decimal]:
        """Book the polled answers, record the new bars and run the strategy on them; returns the marks.
        `bars`: the bars' rows are added to it, for the caller to write (a bar of several runs)."""
        gateway = context.gateway
        gateway.settle(uow, polled)
        calendar, history = self.desk.calendar(run.mode, broker), context.history
        record_bars(uow, run.id, history, rows, ns_of(bar_ts), lambda ts: calendar.trades(history.timeframe, ts),
                    check_known=check, pending=bars)
        frames = history.frames()
        marks = {f.symbol: Decimal(repr(float(f.close[-1]))) for f in frames}
        day = datetime.combine(bar_ts.astimezone(NEW_YORK).date(), datetime.min.time(), NEW_YORK)
        gateway.begin_tick(bar_ts, marks, day.astimezone(UTC), self.desk.marking.day_start_equity(uow, run, day))
        context.runner.next_seq = 1  # seq counts within a bar, so a replayed bar makes the same ids
        context.runner.on_bar(frames)
        state = context.runner.saved_state()
        if state is not None:
            save_state(uow, run.id, bar_ts, state)
        return marks

    def _settle(self, uow: UnitOfWork, run: RunFacts, context: RunContext, bar_ts: datetime,
                marks: dict[str, Decimal], metrics: list[dict[str, Any]] | None = None) -> str:
        gateway = context.gateway
        book = gateway.book if gateway.book is not None else load_book(uow, run)
        gateway.book = book
        equity = self.desk.marking.mark(uow, run, bar_ts, marks, book, metrics, gateway.rejected)
        gateway.rejected = False
        if gateway.halt is None:  # a run that lost too much halts even when it did not trade
            gateway.halt = check_loss(run.options.get("risk"), RiskState(Decimal(0), Decimal(0), 0, equity,
                                                                          gateway.start_of_day_equity))
            if gateway.halt is not None:
                uow.outbox.emit("risk.breached", {"run_id": run.id, "rule": gateway.halt.rule,
                                                  "detail": gateway.halt.detail}, run_id=run.id)
        if gateway.halt is not None:
            transition(uow, uow.runs.get(run.id), "stopped", error=gateway.halt.detail, at=self.desk.clock.now())
            return "halted"
        return f"done: {gateway.submitted} order(s)"

    def _read_fees(self, mode: str, broker: Broker, sent: list[tuple[LiveGateway, list[Answer]]]
                   ) -> list[Activity] | None:
        """The account's activities since the last read, when a crypto fill was booked (or is about to
        be, from `sent`'s answers) or a fee waits for its fill; None when there is nothing to read or
        the broker did not answer (app/veda/fee_feed.py). One read per tick, between its units of work."""
        feed = self.desk.fees(mode)
        if not (feed.due or any(g.crypto_filled or g.fills_crypto(answers) for g, answers in sent)):
            return None
        feed.due = True  # until a read's booking is committed
        if feed.cursor is None:
            with self.desk.uow() as uow:
                feed.start(uow)
        return feed.read(broker, self.desk.clock.now())

    @staticmethod
    def _book_fees(uow: UnitOfWork, mode: str, found: list[Activity] | None,
                   gateways: dict[str, LiveGateway]) -> FeeRead | None:
        """Book the read's crypto fees; a ticking run's book loses its dollar fees at once (its coin
        fees come off the position rows the book holds)."""
        if found is None:
            return None
        read = book_fees(uow, mode, found)
        for run_id, usd in read.cash.items():
            gateway = gateways.get(run_id)
            if gateway is not None and gateway.book is not None:
                gateway.book.cash -= usd
        return read

    def _fees_settled(self, mode: str, found: list[Activity] | None, read: FeeRead | None,
                      gateways: Iterable[LiveGateway]) -> None:
        if found is None:
            return
        for gateway in gateways:
            gateway.crypto_filled = False
        if read is not None:
            self.desk.fees(mode).settled(read)

    def _new_rows(self, context: RunContext, broker: Broker, bar_ts: datetime) -> dict[str, list[Row]] | None:
        """The bars the run lacks up to this tick's (the warm-up on its first tick); None when the
        broker does not have the bar yet."""
        history, bar_ns = context.history, ns_of(bar_ts)
        lasts = {s: history.last(s) for s in history.symbols}
        known = [last for last in lasts.values() if last is not None]
        after = ns_to_datetime(min(known)) if known else None
        if after is None:  # the run's first tick: its own warm-up
            rows = fetch_rows(broker, history.symbols, history.timeframe, bar_ts, after)
        else:
            also = {s for c in self.desk.contexts.values() if c.gateway.broker is broker
                    and c.history.timeframe == history.timeframe for s in c.history.symbols}
            rows = self.desk.bars.new_rows(broker, history.symbols, history.timeframe, bar_ts, after, also)
        rows = {s: [r for r in found if lasts[s] is None or r[0] > lasts[s]] for s, found in rows.items()}
        if any(not found or found[-1][0] != bar_ns for found in rows.values()):
            return None
        return rows


def read_executions(broker: Broker, sent: list[tuple[LiveGateway, list[Answer]]]) -> bool:
    """When an answer brings a fill its snapshot cannot price exactly, one read of the account's FILL
    activities for every gateway (app/veda/executions.py); True when the read was made (a tick makes
    at most one: the second chance, after its orders are sent, only when the first was not needed)."""
    wanted = [s for gateway, answers in sent for s in gateway.wants_exact(answers)]
    if not wanted:
        return False
    found = executions.read(broker, wanted)
    for gateway, _ in sent:
        gateway.executions = found or {}
    return True


def finish(uow: UnitOfWork, run_id: str, bar_ts: datetime, outcome: str, started: datetime, retried: bool) -> None:
    """Record the tick (as done or skipped) and announce it. A first attempt adds its row; a retried
    one finds the row its earlier attempt left."""
    status = "skipped" if outcome.startswith("skipped") else "done"
    tick = uow.session.get(LiveTick, (run_id, bar_ts)) if retried else None
    if tick is None:
        uow.session.add(LiveTick(run_id=run_id, bar_ts=bar_ts, status=status, detail=outcome, created_at=started))
    else:
        tick.status, tick.detail = status, outcome
    orders = int(outcome.split()[1]) if outcome.startswith("done:") else 0
    uow.outbox.emit("live.tick", {"run_id": run_id, "bar_ts": bar_ts.isoformat(), "status": outcome[:60],
                                  "orders": orders}, run_id=run_id)


def failure_text(exc: Exception, bar: str, place: str | None = None) -> str:
    """Why a run stopped with an error, in words that blame the right party: the database's own error
    (its first line, without the SQL) when the run's records could not be saved, else the strategy's, with
    where in its file (`place`, marvin.failure_place), as a backtest of it says."""
    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        return f"the run's records could not be saved on the bar {bar}: {cause.__class__.__name__}: {first_line}"
    return (f"the strategy failed on the bar {bar}: {exc.__class__.__name__}: {exc}" + (f" ({place})" if place else "")
            + porting_hint(exc))
