"""The drift report's query and response (app/services/drift.py builds the values)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.decimal_text import DecimalText
from app.glados.schemas.common import Out


class DriftQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    params: str | None = Field(None, max_length=10_000,
                               description='parameters replacing the run\'s, as a JSON object: {"fast": 5}')
    param: str | None = Field(None, max_length=1000,
                              description="one parameter as name=value; repeat it for several")
    against: str | None = Field(None, max_length=36, description="compare with this completed backtest run")


class DriftFillOut(Out):
    qty: DecimalText
    price: DecimalText
    fee: DecimalText
    ts: datetime


class DriftOrderOut(Out):
    client_order_id: str
    bar_ts: datetime
    symbol: str
    side: str
    type: str
    qty: DecimalText | None
    notional: DecimalText | None
    percent: DecimalText | None
    limit_price: DecimalText | None
    stop_price: DecimalText | None
    time_in_force: str
    status: str
    filled_qty: DecimalText
    avg_price: DecimalText | None
    fees: DecimalText
    fills: list[DriftFillOut]


class DriftDecisionOut(Out):
    status: str = Field(description="identical | different | only_live | only_backtest")
    bar_ts: datetime
    symbol: str
    side: str
    type: str
    live: DriftOrderOut | None
    backtest: DriftOrderOut | None
    slippage_bps: float | None = Field(description="positive: live filled worse than the backtest")
    fill_delay_s: float | None = Field(description="live's first fill after the backtest's, in seconds")
    execution: DecimalText = Field(description="this decision's share of the P&L difference from fills and fees")
    partial: bool
    note: str | None = Field(description="why the decision differs, in plain English: how live filled a matched "
                                         "decision, or what each side held before a decision one side made")


class DriftSummaryOut(Out):
    decisions: int
    identical: int
    identical_pct: float
    matched: int
    only_live: int
    only_backtest: int
    avg_slippage_bps: float | None
    worst_slippage_bps: float | None
    live_pnl: DecimalText
    backtest_pnl: DecimalText
    difference: DecimalText = Field(description="live P&L minus backtest P&L = execution + signal")
    execution: DecimalText
    signal: DecimalText
    partial_fills: int
    live_fees: DecimalText = Field(description="what the broker charged on the live decisions' fills")
    backtest_fees: DecimalText = Field(description="what the backtest side's fee model charged on its decisions' fills")
    execution_fees: DecimalText = Field(description="the part of `execution` that is the fee difference (backtest "
                                                    "fees minus live fees) of the matched decisions both sides filled")


class DriftPointOut(Out):
    ts: datetime
    equity: float


class DriftCurvesOut(Out):
    live: list[DriftPointOut]
    backtest: list[DriftPointOut]


class DriftOut(Out):
    run_id: str
    against: str | None
    strategy: str
    params: dict[str, Any]
    bars: int
    warmup: int
    idle_bars: int = Field(description="of `bars`, those that fell while the run was not trading (down, or stopped "
                                       "and started again): it saw them only as history, the backtest decided on them")
    first_bar: datetime | None = Field(description="a replay's first bar (its warm-up's): where a backtest of the "
                                                   "run's period starts, with `warmup` warm-up bars; null against a "
                                                   "backtest")
    last_bar: datetime | None = Field(description="the run's last traded bar (before its stop): where a backtest of "
                                                  "its period ends; null against a backtest")
    source: str = Field(description="where the replayed bars came from: live_bars | bars | backtest run")
    summary: DriftSummaryOut
    notes: list[str] = Field(description="on the whole comparison, in plain English: the backtest's orders on bars the "
                                         "run was not trading, what the backtest side's fee and slippage models did (a "
                                         "paper or live run pays its broker's fees and fills at its prices; the models "
                                         "apply to the backtest side only), what the run's broker account did")
    decisions: list[DriftDecisionOut]
    partial_fills: list[DriftOrderOut]
    equity: DriftCurvesOut
