"""A live run's strategy, rebuilt after a restart from what the run recorded.

The live worker keeps each run's strategy in memory between ticks. When it has none (a restart, a
crash, a deploy), the strategy is rebuilt: created and init()-ed over the recorded history, then run
again over every bar the run processed, through the same StrategyRunner, with a ReplayGateway that
answers from the run's recorded orders and fills and sends nothing. When the strategy saved its
state (`on_save`), that state is loaded instead and only the bars after it are replayed. What the
replay would have ordered differently from the records is a `run.replay_mismatch`; then the run
goes on live.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.clock.timeframes import parse_timeframe
from app.marvin.bars import ns_to_datetime
from app.marvin.code_digest import changed_since
from app.marvin.registry import get_strategy
from app.marvin.runner import StrategyRunner
from app.veda.gateway import LiveGateway
from app.veda.history import RunHistory, ns_of, stored_row
from app.veda.ports import Broker, Clock
from app.veda.replay import Mismatch, RecordedFill, RecordedOrder, ReplayGateway
from app.walle.models import Fill, LiveBar, LiveState, LiveTick, Order
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class RunContext:
    runner: StrategyRunner
    gateway: LiveGateway
    history: RunHistory
    ticks: int = 0  # ticks traded by this context: on its first, what a crashed attempt left is looked for


@dataclass
class Records:
    """One run's records as plain values, read in one unit of work."""

    strategy: str
    params: dict[str, Any]
    cash: Any
    timeframe: str
    history: RunHistory
    tick_starts: dict[datetime, datetime]
    orders: list[RecordedOrder]
    fills: list[RecordedFill]
    state: tuple[datetime, dict[str, Any]] | None
    digest: str | None = None  # the code its worker started it with (app/marvin/code_digest.py)


def resume_run(uow_factory: Callable[[], UnitOfWork], broker: Broker, run_id: str,
               before: datetime, clock: Clock, reason: str | None = None) -> RunContext:
    """The run's strategy as it stood after its last processed bar before `before` (the tick about to
    run, which is traded live even when it was recorded by a tick that died half-way). `reason`: why it
    is rebuilt when the worker knows (its run.resumed says it; none after a restart)."""
    with uow_factory() as uow:
        records = load_records(uow, run_id, before)
    gateway = LiveGateway(uow_factory, broker, run_id, clock)
    strategy = get_strategy(records.strategy)
    runner = StrategyRunner(strategy, gateway, records.params)
    changed = changed_since(strategy, records.digest)
    if records.history.processed:
        replay = ReplayGateway(run_id, records.cash, records.orders, records.fills)
        mismatches, replayed = replay_bars(runner, replay, records)
        for mismatch in mismatches:
            log.warning("run %s: replay mismatch on %s (%s): %s", run_id, mismatch.client_order_id, mismatch.kind,
                        mismatch.detail)
        last_bar = ns_to_datetime(records.history.processed[-1])
        log.info("run %s resumed after %s: %d bars replayed%s, %d mismatches", run_id, last_bar.isoformat(),
                 len(replayed), " from its saved state" if records.state else "", len(mismatches))
        with uow_factory() as uow:  # the user sees that the worker changed, and how the strategy came back
            for m in mismatches:
                uow.outbox.emit("run.replay_mismatch", {
                    "run_id": run_id, "client_order_id": m.client_order_id, "kind": m.kind,
                    "bar_ts": m.bar_ts.isoformat() if m.bar_ts else None, "detail": m.detail[:300]}, run_id=run_id)
            uow.outbox.emit("run.resumed", {
                "run_id": run_id, "last_bar": last_bar.isoformat(), "bars_replayed": len(replayed),
                "saved_state": records.state[0].isoformat() if records.state else None,
                "mismatches": len(mismatches), "reason": reason,
                "code_changed": None if changed is None else (
                    f"the strategy's code ({changed}) is not the code the run started with: its bars were replayed "
                    "with the code as it is now, and it trades on with it")}, run_id=run_id)
            uow.commit()
        runner.use_gateway(gateway)
        if runner.listening:
            gateway.listen_from(replay.delivered_fills, replay.seen, replay.cutoff)
    return RunContext(runner, gateway, records.history)


def replay_bars(runner: StrategyRunner, replay: ReplayGateway, records: Records
                ) -> tuple[list[Mismatch], list[datetime]]:
    """Run the strategy again over the processed bars (after its saved state's bar, if any); the
    runner's gateway is `replay` while it does. Returns every mismatch with the records, and the bars
    replayed."""
    history, delta = records.history, parse_timeframe(records.timeframe).delta
    runner.use_gateway(replay)
    bars = history.processed
    if records.state is not None:
        state_ns = ns_of(records.state[0])
        saved = ns_to_datetime(state_ns)
        replay.begin_bar(saved, records.tick_starts.get(saved, saved + delta), history.marks(state_ns))
        runner.resume(history.frames(state_ns), records.state[1])
        bars = [b for b in bars if b > state_ns]
    replayed = []
    for bar_ns in bars:
        bar_ts = ns_to_datetime(bar_ns)
        replay.begin_bar(bar_ts, records.tick_starts.get(bar_ts, bar_ts + delta), history.marks(bar_ns))
        runner.next_seq = 1  # as the tick does: the same ids as the run made
        runner.on_bar(history.frames(bar_ns))
        replayed.append(bar_ts)
    return replay.mismatches + replay.unmatched(replayed), replayed


def load_records(uow: UnitOfWork, run_id: str, before: datetime) -> Records:
    run = uow.runs.get(run_id)
    assert run is not None
    history = RunHistory(list(run.symbols), run.timeframe)
    rows: dict[str, list[Any]] = {s: [] for s in history.symbols}
    processed = set()
    for bar in uow.session.scalars(select(LiveBar).where(LiveBar.run_id == run_id, LiveBar.ts < before)
                                   .order_by(LiveBar.ts)):
        rows.setdefault(bar.symbol, []).append(stored_row(ns_of(bar.ts), bar.open, bar.high, bar.low, bar.close,
                                                          bar.volume))
        if not bar.warmup:
            processed.add(ns_of(bar.ts))
    for symbol in history.symbols:
        history.extend(symbol, rows[symbol])
    history.processed = sorted(processed)
    starts = dict(uow.session.execute(select(LiveTick.bar_ts, LiveTick.created_at).where(
        LiveTick.run_id == run_id, LiveTick.bar_ts < before)).all())
    orders = [RecordedOrder(o.id, o.client_order_id, o.symbol, o.side, o.type, o.time_in_force, o.qty, o.notional,
                            o.percent, o.limit_price, o.stop_price, o.reject_reason, o.parent_id, o.bar_ts,
                            o.submitted_at, tuple((datetime.fromisoformat(h["ts"]), h["status"]) for h in o.history))
              for o in uow.session.scalars(select(Order).where(Order.run_id == run_id))]
    fills = [RecordedFill(f.id, f.order_id, f.symbol, f.side, f.qty, f.price, f.fee, f.ts, f.fee_qty)
             for f in uow.session.scalars(select(Fill).where(Fill.run_id == run_id))]
    saved = uow.session.get(LiveState, run_id)
    state = (saved.bar_ts, saved.state) if saved is not None and saved.bar_ts < before else None
    return Records(run.strategy, dict(run.params or {}), run.cash, run.timeframe, history, starts, orders, fills,
                   state, (run.options or {}).get("strategy_digest"))
