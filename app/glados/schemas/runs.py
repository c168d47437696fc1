"""Responses of the runs resource and its records."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from app.decimal_text import DecimalText
from app.events.commands import PREFIX as COMMAND_PREFIX
from app.events.types import REGISTRY
from app.glados.schemas.common import MAX_SEQ, Out, PageQuery
from app.glados.schemas.enums import RunMetric
from app.greta.metrics import unavailable
from app.services.run_state import Phase, Reason, run_state


class RunStateOut(BaseModel):
    """What the run is doing and why it stopped: the UI's badge, banner and buttons read this alone."""

    state: Phase = Field(description="created, queued, running, stopping or stopped")
    reason: Reason | None = Field(description=(
        "why it is stopping or stopped: completed, user (stopped or cancelled), kill_switch, risk_limit, or error; "
        "null while it has not been stopped"))
    message: str | None = Field(description="the error, the risk limit's detail, or a note such as 'sweep cancelled'")
    can_stop: bool = Field(description="POST /runs/{id}/stop is allowed now")
    can_start: bool = Field(description="POST /runs/{id}/start is allowed now")


class RunOut(Out):
    id: str
    mode: str
    name: str | None
    strategy: str
    params: dict[str, Any]
    symbols: list[str]
    timeframe: str
    start_at: datetime | None
    end_at: datetime | None
    cash: DecimalText
    fees: dict[str, Any]
    slippage: dict[str, Any]
    options: dict[str, Any]
    status: str
    error: str | None
    progress: float
    sweep_id: str | None
    walkforward_id: str | None = Field(description=(
        "the walk-forward this run is an out-of-sample or contrast run of (GET /walkforwards/{id}); null "
        "otherwise (a sweep cell names its walk-forward through its sweep)"))
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    metrics: dict[str, int | float | None] = Field(default_factory=dict, description=(
        "figures by name; a whole number (a count such as `trades`) is an integer, a NaN or infinite one null"))

    @computed_field(description=(  # type: ignore[prop-decorator]
        "why a figure in `metrics` is null although the run has equity: annualised figures (cagr_pct, "
        "volatility_pct, sharpe, sortino, calmar) are withheld until the run holds at least 30 returns covering a "
        "month of its year (the shortest, 19/252 of it); each withheld one maps to a sentence such as 'not enough "
        "data: 9 returns; annualised figures need at least 444,600: a month of this run's year of 5,896,800 bars'. "
        "Empty when nothing is withheld"))
    @property
    def metrics_unavailable(self) -> dict[RunMetric, str]:
        return unavailable(self.metrics)  # type: ignore[return-value]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> RunStateOut:
        """The run's state as the UI shows it (derived from status and error in app/services/run_state.py)."""
        return RunStateOut(**run_state(self.mode, self.status, self.error))


RunSort = Literal["created_at", "name", "mode", "strategy", "symbols", "status",
                  "total_return_pct", "sharpe", "max_drawdown_pct", "trades"]


class RunQuery(PageQuery):
    mode: str | None = Field(None, pattern="^(backtest|paper|live)$")
    status: str | None = Field(
        None, pattern="^(created|queued|running|completed|failed|cancelled|stopping|stopped|error)$")
    strategy: str | None = Field(None, max_length=200)
    sweep_id: str | None = Field(None, max_length=36, description="only this sweep's cells")
    cells: Literal["show", "hide", "only"] = Field("show", description=(
        "sweep cells and walk-forwards' runs: `show` lists every run (the default), `hide` only runs outside any "
        "sweep or walk-forward (the dashboard's top level: it shows each sweep as one row and lists a sweep's "
        "cells with `sweep_id`; a walk-forward's out-of-sample and contrast runs are listed by "
        "`GET /walkforwards/{id}`), `only` only sweep cells. With `sweep_id`, `hide` is refused (it would leave "
        "no run)"))
    sort: RunSort = Field("created_at", description="a run column or a metric name; runs without the metric go last")
    order: Literal["asc", "desc"] = "desc"
    cursor: str | None = Field(None, max_length=2000, description=(
        "the previous page's `next_cursor`: the page after it (`page` is then ignored). Unlike `page`, it costs "
        "the same however deep, and runs added meanwhile neither repeat nor push runs off the next page"))

    @model_validator(mode="after")
    def _cells_of_a_sweep(self) -> RunQuery:
        if self.sweep_id is not None and self.cells == "hide":
            raise ValueError("cells=hide leaves out every cell of the sweep sweep_id names: drop one of them")
        return self


class RunPage(Out):
    """A page of runs. `total` is exact up to 1,000 matching runs; beyond that it is 1,000 and
    `total_exact` is false (counting every run would cost more than the page: follow `next_cursor`).
    The pages reached by cursor from a page that said so say so too, without counting again."""

    items: list[RunOut]
    total: int = Field(description=(
        "matching runs, counted up to 1,000 (see total_exact); a cursor from a page past 1,000 keeps 1,000"))
    total_exact: bool = Field(description="false when more than `total` runs match")
    page: int = Field(description=(
        "the page number asked for; on a cursor page the cursor decides which runs come and `page` is the "
        "number the client sent beside it (1 if none), echoed so a pager can show where it is"))
    per_page: int
    next_cursor: str | None = Field(description=(
        "pass as `cursor` for the next page; null on the last page (a full last page too: no empty page follows)"))


class OrderOut(Out):
    id: str
    client_order_id: str
    broker_order_id: str | None
    parent_id: str | None
    symbol: str
    side: str
    type: str
    order_class: str
    time_in_force: str
    qty: DecimalText | None
    notional: DecimalText | None
    percent: DecimalText | None
    limit_price: DecimalText | None
    stop_price: DecimalText | None
    status: str
    filled_qty: DecimalText
    filled_avg_price: DecimalText | None
    reject_reason: str | None
    bar_ts: datetime | None
    submitted_at: datetime
    filled_at: datetime | None
    updated_at: datetime
    history: list[dict[str, Any]]


class FillOut(Out):
    id: str
    order_id: str
    symbol: str
    side: str
    qty: DecimalText
    price: DecimalText
    fee: DecimalText = Field(description="in dollars; a crypto buy's fee is the coins the broker kept (`fee_qty`), "
                                         "valued at the fill's price")
    fee_qty: DecimalText | None = Field(default=None, description=(
        "the coins a crypto broker kept from a buy as its fee: the position grew by `qty` less this; 0 when the fee "
        "was paid in dollars"))
    ts: datetime


class TradeOut(Out):
    id: str
    symbol: str
    direction: str
    qty: DecimalText
    entry_ts: datetime
    entry_price: DecimalText
    exit_ts: datetime
    exit_price: DecimalText
    pnl: DecimalText
    return_pct: DecimalText
    fees: DecimalText
    bars_held: int


class PositionOut(Out):
    symbol: str
    qty: DecimalText
    avg_price: DecimalText
    mark_price: DecimalText | None
    market_value: DecimalText | None = None
    unrealized_pl: DecimalText | None = None
    realized_pl: DecimalText
    updated_at: datetime


class EquityPointOut(Out):
    ts: datetime
    equity: DecimalText
    cash: DecimalText
    benchmark: DecimalText | None
    drawdown: float | None = Field(None, description=(
        "how far equity stands below its highest point so far, as a fraction ≤ 0 (−0.194: 19.4 % below the "
        "peak); the run's `max_drawdown_pct` metric is the deepest of these, as a positive percent (19.4)"))


class DeleteQuery(BaseModel):
    force: bool = Field(False, description="delete a paper or live run that still holds positions at the broker "
                                           "(they stay there, owned by no run); without it such a delete is a 409")


class EquityQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: int | None = Field(None, ge=2, le=100_000, description="downsample to at most this many points")


class EventQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: int = Field(0, ge=0, le=MAX_SEQ, description="only events with seq greater than this")
    limit: int = Field(500, ge=1, le=5000)
    order: Literal["asc", "desc"] = Field("asc", description=(
        "`asc`: the oldest `limit` events after `after`, oldest first (to follow a log); `desc`: the newest "
        "`limit`, newest first (a long live run's latest page)"))
    type: str | None = Field(None, max_length=2000, description=(
        "only events of these types, comma-separated (`order.filled,position.changed`); a type ending in `.*` "
        "takes every type it begins (`order.*`)"))

    @field_validator("type")
    @classmethod
    def _known_types(cls, value: str | None) -> str | None:
        if value is not None:
            event_types(value)  # raises, naming what is not an event type
        return value

    def types(self) -> list[str] | None:
        """The event types asked for, the `.*` ones spelled out; None for every type."""
        return None if self.type is None else event_types(self.type)


def event_types(text: str) -> list[str]:
    """`order.*,run.bars_missed` → the event types they name; ValueError for a name no event has."""
    known = [t for t in REGISTRY.types() if not t.startswith(COMMAND_PREFIX)]  # commands are no events
    chosen: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        prefix = name[:-1] if name.endswith(".*") else None
        matched = [t for t in known if (t.startswith(prefix) if prefix else t == name)]
        if not matched:
            raise ValueError(f"{name!r} is no event type; the types are {', '.join(known)} (or a prefix such as "
                             "`order.*`)")
        chosen += [t for t in matched if t not in chosen]
    return chosen
