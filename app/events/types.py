"""Every event type Weaver emits, with its thin payload. Past tense: they say what happened."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.decimal_text import DecimalText
from app.events.commands import COMMANDS, payload_schema
from app.events.registry import EventRegistry


class Thin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunStatusChanged(Thin):
    run_id: str
    status: str
    previous: str | None = None
    mode: str | None = None
    error: str | None = None
    state: dict[str, str | bool | None] | None = None  # the run's state view (app/services/run_state.py)


class BacktestProgressed(Thin):
    run_id: str
    progress: float = Field(ge=0.0, le=1.0)
    bars_done: int = Field(ge=0)
    bars_total: int = Field(ge=0)


class OrderChanged(Thin):
    run_id: str
    order_id: str
    client_order_id: str
    symbol: str
    status: str
    reason: str | None = None


class PositionChanged(Thin):
    run_id: str
    symbol: str
    qty: DecimalText  # the position after the fill, written positionally: a closed one is 0.000000000, not 0E-9


class SweepChanged(Thin):
    sweep_id: str
    status: str
    done: int = Field(ge=0)
    total: int = Field(ge=0)
    walkforward_id: str | None = None  # a walk-forward's sweep: its fold (None: the whole window, for contrast)
    fold: int | None = None


class WalkforwardChanged(Thin):
    walkforward_id: str
    status: str
    done: int = Field(ge=0, description="cells and runs finished")
    total: int = Field(ge=0)


class RiskBreached(Thin):
    run_id: str
    rule: str
    detail: str


class Reconciled(Thin):
    run_id: str | None = None
    subject: str  # order | position
    key: str
    action: str
    detail: str


class TickHandled(Thin):
    run_id: str
    bar_ts: str
    status: str
    orders: int = 0


class ReplayMismatched(Thin):
    """A restarted run's replay would have ordered differently from what it recorded (nothing was sent)."""

    run_id: str
    client_order_id: str
    kind: str  # unrecorded | differs | not_replayed
    bar_ts: str | None = None
    detail: str


class BuyingPowerShort(Thin):
    """A paper/live run started with more cash than its broker account can spend, or the active runs' cash together
    is more than it (app/veda/buying_power.py): `detail` says why. When a stop leaves them fitting again, `fits`
    says so instead, and the notice is lifted (app/veda/buying_power_eased.py)."""

    run_id: str
    cash: DecimalText
    buying_power: DecimalText
    detail: str | None
    fits: str | None = None


class AccountShared(Thin):
    """A paper/live run started while another active run of its mode trades one of its symbols on the same
    broker account (app/veda/shared_account.py)."""

    run_id: str
    symbols: list[str]
    others: list[str]
    detail: str


class BarsMissed(Thin):
    """Bars a live run never ran on: `why` stopped (stopped and started again) or down (no tick ran while it was
    meant to trade: the worker or the machine was down)."""

    run_id: str
    count: int = Field(ge=1)
    first: str
    last: str
    why: Literal["stopped", "down"] | None = None


class RunResumed(Thin):
    """A live run's strategy rebuilt in a worker that did not hold it (a restart, a crash, a deploy):
    from its saved state (`on_save`) when it has one, then by replaying the bars it had processed."""

    run_id: str
    last_bar: str  # the last bar it had processed: the next tick trades live
    bars_replayed: int = Field(ge=0)
    saved_state: str | None = None  # the bar its loaded on_save() state was saved on
    mismatches: int = Field(ge=0)  # replayed decisions that differ from the records (run.replay_mismatch each)
    reason: str | None = None  # why the worker rebuilt it, when it was not a restart (another run's failure)
    code_changed: str | None = None  # the strategy's code is not the code the run started with: what that means


class BarsImported(Thin):
    symbol: str
    timeframe: str
    rows: int
    source: str


class KillSwitchActivated(Thin):
    runs: int
    orders: int
    run_ids: list[str] = Field(default_factory=list)  # the runs it stopped (their positions stay open)


class WorkerChanged(Thin):
    """A worker queue lost its last live worker (`worker.down`) or got one back (`worker.up`)."""

    queue: str
    workers: int = Field(ge=0)


class DailySummarised(Thin):
    """A paper or live run's day after the US close: its equity, the day's P&L and fills."""

    run_id: str
    mode: str
    date: str
    equity: str
    day_pl: str
    trades: int = Field(ge=0)


class StopOrders(Thin):
    """What a paper/live run's stop did with its open orders (client order ids): cancelled at the broker (the
    default), or left working there (`cancel_orders: false`). Emitted just before `run.stopped`; `by` says
    which stop: the run's own, the kill switch (which cancels every order on the accounts), or an error that
    stopped the run (its strategy raised, say: emitted after it went to `error`)."""

    run_id: str
    cancel_orders: bool
    cancelled: list[str]
    left_open: list[str]
    by: Literal["stop", "kill_switch", "error"] = "stop"


class ClosedAtStop(Thin):
    """One market order a stop with `close_positions` sent, as booked when the stop finished waiting for it."""

    client_order_id: str
    symbol: str
    side: str
    qty: DecimalText
    status: str  # filled, or still working at the broker (its fill is booked when it comes), or rejected
    filled_qty: DecimalText
    filled_avg_price: DecimalText | None = None
    reason: str | None = None


class StopClosed(Thin):
    """What a paper/live run's stop with `close_positions` did with what the run held: one close per
    symbol. Emitted just before `run.stopped`, after `run.orders_cancelled`."""

    run_id: str
    orders: list[ClosedAtStop]
    detail: str  # what each close became, in a line


class NotificationSent(Thin):
    """What became of one notification on one channel (the channel's id, never its URL)."""

    channel: str
    status: str  # delivered | failed
    attempts: int = Field(ge=1)
    subject: str  # the event type it told of, or "test"
    detail: str | None = None


# The event a run's arrival in each status emits (past tense: it says what happened).
RUN_STATUS_EVENTS = {
    "created": "run.created",
    "queued": "run.queued",
    "running": "run.started",
    "completed": "run.completed",
    "failed": "run.failed",
    "cancelled": "run.cancelled",
    "stopping": "run.stopping",
    "stopped": "run.stopped",
    "error": "run.error",
}
ORDER_STATUSES = (
    "submitted", "accepted", "partially_filled", "filled", "canceled", "expired", "rejected", "unknown",
)


def build_registry() -> EventRegistry:
    registry = EventRegistry()
    registry.register("run.deleted", RunStatusChanged)
    for event_type in RUN_STATUS_EVENTS.values():
        registry.register(event_type, RunStatusChanged)
    for status in ORDER_STATUSES:
        registry.register(f"order.{status}", OrderChanged)
    registry.register("backtest.progress", BacktestProgressed)
    registry.register("position.changed", PositionChanged)
    for status in ("created", "progress", "completed", "cancelled", "failed"):
        registry.register(f"sweep.{status}", SweepChanged)
    for status in ("created", "testing", "completed", "cancelled", "failed"):
        registry.register(f"walkforward.{status}", WalkforwardChanged)
    registry.register("risk.breached", RiskBreached)
    registry.register("reconcile.repaired", Reconciled)
    registry.register("live.tick", TickHandled)
    registry.register("run.replay_mismatch", ReplayMismatched)
    registry.register("run.bars_missed", BarsMissed)
    registry.register("run.resumed", RunResumed)
    registry.register("run.buying_power_short", BuyingPowerShort)
    registry.register("run.account_shared", AccountShared)
    registry.register("bars.imported", BarsImported)
    registry.register("kill.activated", KillSwitchActivated)
    registry.register("worker.down", WorkerChanged)
    registry.register("worker.up", WorkerChanged)
    registry.register("run.daily_summary", DailySummarised)
    registry.register("run.orders_cancelled", StopOrders)
    registry.register("run.positions_closed", StopClosed)
    registry.register("notification.sent", NotificationSent)
    for command_type, command in COMMANDS.items():  # commands share the outbox (never shown on SSE)
        registry.register(command_type, payload_schema(command))
    return registry


REGISTRY = build_registry()
