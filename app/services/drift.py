"""The drift report: where a paper or live run differed from the backtest of the same bars.

Greta replays the bars the run saw (app/services/drift_bars.py) with the run's strategy, cash, fees
and slippage (or parameters the user gives), the warm-up only feeding the indicators; or the user
names a backtest run to compare with. The decisions are lined up and the P&L difference split in
app/services/drift_match.py. One query per table, one backtest: the report costs a backtest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.events.reader import read_events
from app.greta.engine import BacktestConfig, run_backtest
from app.greta.specs import FeeSpec, SlippageSpec
from app.greta.strategy_failure import StrategyFailed
from app.marvin.bars import DataError, ns_to_datetime
from app.marvin.code_digest import changed_since, edited_since_loaded
from app.marvin.instruments import Instrument
from app.marvin.market import Market
from app.marvin.params import ParamError
from app.marvin.registry import StrategyLoadError, get_strategy
from app.services.backtests import BacktestService
from app.services.drift_account import account_notes
from app.services.drift_against import difference_notes, refuse_unrelated
from app.services.drift_bars import bars_seen, downtime, traded_span, warmup_steps
from app.services.drift_costs import cost_notes
from app.services.drift_downtime import downtime_note
from app.services.drift_match import Decision, DriftRow, DriftSummary, FillLine, line_up, summarise
from app.services.drift_notes import Held, Idle, bar_length, signed
from app.services.errors import ValidationFailed
from app.services.short_ids import no_such_run
from app.veda.order_events import status_time
from app.walle.models import EquityPoint, Fill, Order, Run
from app.walle.repositories import InstrumentRepository

Curve = list[tuple[datetime, float]]


@dataclass(frozen=True)
class DriftReport:
    run_id: str
    against: str | None  # the backtest run compared with, or None for a replay
    strategy: str
    params: dict[str, Any]
    bars: int
    warmup: int
    source: str  # where the bars came from: live_bars | bars | a backtest run
    summary: DriftSummary
    rows: list[DriftRow]
    live_equity: Curve = field(default_factory=list)
    backtest_equity: Curve = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # on the whole comparison: what the cost models did (drift_costs)
    idle_bars: int = 0  # of the run's bars, those it was not trading on (down, or stopped and started again)
    # A replay's window: its first bar (the warm-up's) and the run's last traded bar, where a backtest of the same
    # period starts and ends (the run's stop comes after its last bar); None against a backtest run
    first_bar: datetime | None = None
    last_bar: datetime | None = None

    @property
    def partial_fills(self) -> list[Decision]:
        return [r.live for r in self.rows if r.live is not None and r.live.partial]


def open_drift_report(backtests: BacktestService, run_id: str, *, params: Mapping[str, Any] | None = None,
                      param_texts: Mapping[str, str] | None = None, against: str | None = None) -> DriftReport:
    """The drift report in a read session of its own, once the backtest compared with has all its
    records: a sweep cell keeps only its summary until it is opened (BacktestService.complete_records),
    and its orders, fills and equity curve are what the report lines up. They are rebuilt before the
    session starts, so it sees them (a SQLite reader sees what was committed when it began)."""
    if against:
        try:
            backtests.complete_records(against)
        except (DataError, ParamError, StrategyLoadError, ValueError) as exc:
            raise ValidationFailed({"against": f"cannot rebuild the records of run {against}: {exc}"}) from None
    with backtests.read_session() as session:
        return drift_report(session, run_id, params=params, param_texts=param_texts, against=against)


def drift_report(session: Session, run_id: str, *, params: Mapping[str, Any] | None = None,
                 param_texts: Mapping[str, str] | None = None, against: str | None = None) -> DriftReport:
    """Compare run `run_id` with a replay through Greta (default) or with the backtest run `against`.
    `params` (typed) and `param_texts` (name=value text) override the run's parameters."""
    run = session.get(Run, run_id)
    if run is None:
        raise no_such_run(run_id)
    if run.mode == "backtest":
        raise ValidationFailed({"run_id": "the drift report compares a paper or live run with a backtest; "
                                          "this run is a backtest"})
    if against and (params or param_texts):
        raise ValidationFailed({"against": "compare with a backtest run or with parameters, not both"})
    live, live_held = _decisions(session, run_id)
    bar = bar_length(run.timeframe)
    live_curve, last = _equity(session, run_id)
    live_pnl = last - run.cash if last is not None else Decimal(0)
    if against:
        return _against(session, run, against, (live, live_held), live_curve, live_pnl)
    chosen = _params(run, params or {}, param_texts or {})
    try:
        seen = bars_seen(session, run)
        config = BacktestConfig(
            strategy=run.strategy, params=chosen, cash=Decimal(run.cash), fees=FeeSpec.parse(run.fees),
            slippage=SlippageSpec.parse(run.slippage), fractional=bool(run.options.get("fractional")),
            allow_short=bool(run.options.get("allow_short")), run_id=run.id,
            asset_class=run.options.get("asset_class"))
        market = Market.of(seen.frames)
        warmup = warmup_steps(market.timeline, seen.first_traded)
        result = run_backtest(config, market, warmup=warmup, instruments=_instruments(session, run.symbols))
    except (DataError, ParamError, StrategyLoadError, StrategyFailed, ValueError) as exc:
        raise ValidationFailed({"run": str(exc)}, f"cannot replay the run: {exc}") from None
    fills: dict[str, list[FillLine]] = defaultdict(list)
    for f in result.fills:
        fills[f.order_id].append(FillLine(f.qty, f.price, f.fee, f.ts))
    backtest_held = [(f.symbol, signed(f.side, f.qty), f.ts) for f in result.fills]
    backtest = [Decision(o.client_order_id, o.submitted_at, o.symbol, o.side, o.type, o.qty, o.notional, o.percent,
                         o.limit_price, o.stop_price, o.time_in_force, o.status, tuple(fills[o.id]), o.reject_reason)
                for o in result.orders if o.parent_id is None]
    curve = result.equity
    backtest_curve = [(ns_to_datetime(t), e) for t, e in zip(curve.ts.tolist(), curve.equity.tolist(),
                                                             strict=True)]  # from the first traded bar
    rows = line_up(live, backtest, bar=bar, live_held=live_held, backtest_held=backtest_held,
                   cancelled_at_stop=stop_cancelled(session, run.id), idle=seen.idle, ran=seen.ran,
                   equity=(live_curve, backtest_curve))
    summary = summarise(rows, live_pnl, result.final_equity - Decimal(run.cash))
    notes = _notes(session, rows, summary, run, run, Idle(seen.idle, seen.ran))
    return DriftReport(run.id, None, run.strategy, dict(result.config["params"]), len(market), warmup, seen.source,
                       summary, rows, live_curve, backtest_curve, notes, len(seen.idle),
                       ns_to_datetime(int(market.timeline[0])), seen.last_traded)


def _against(session: Session, run: Run, other_id: str, live: tuple[list[Decision], list[Held]],
             live_curve: Curve, live_pnl: Decimal) -> DriftReport:
    other = session.get(Run, other_id)
    if other is None:
        raise no_such_run(other_id)
    if other.mode != "backtest" or other.status != "completed":
        raise ValidationFailed({"against": f"run {other_id} is not a completed backtest"})
    refuse_unrelated(run, other)
    curve, last = _equity(session, other_id)
    pnl = last - other.cash if last is not None else Decimal(0)
    backtest, backtest_held = _decisions(session, other_id)
    idle, ran = downtime(session, run)
    rows = line_up(live[0], backtest, bar=bar_length(run.timeframe), live_held=live[1], backtest_held=backtest_held,
                   cancelled_at_stop=stop_cancelled(session, run.id), idle=idle, ran=ran, equity=(live_curve, curve))
    summary = summarise(rows, live_pnl, pnl)
    notes = difference_notes(run, other, traded_span(session, run)) + _notes(session, rows, summary, run, other,
                                                                             Idle(idle, ran))
    return DriftReport(run.id, other_id, other.strategy, dict(other.params), len(curve), 0, "backtest run",
                       summary, rows, live_curve, curve, notes, len(idle))


def _notes(session: Session, rows: list[DriftRow], summary: DriftSummary, run: Run, backtest: Run,
           idle: Idle) -> list[str]:
    """Notes on the bars the run was not trading (where the backtest decided alone), on costs (the backtest
    side's fee and slippage models; the replay's are the run's own), on what the run's broker account did that
    its backtest never meets, and on the code: a replay of other code than the run traded is no comparison of
    the market's doing."""
    fees = FeeSpec.parse(backtest.fees)
    downtime = downtime_note(rows, idle)
    costs = cost_notes(rows, fees, SlippageSpec.parse(backtest.slippage), summary.live_fees, summary.backtest_fees,
                       summary.execution_fees)
    account = account_notes(session, run.id, fees=fees, backtest_fees=summary.backtest_fees)
    return ([downtime] if downtime else []) + costs + account + (_code_notes(run) if backtest is run else [])


def _code_notes(run: Run) -> list[str]:
    try:
        cls = get_strategy(run.strategy)
    except StrategyLoadError:
        return []
    notes = []
    changed = changed_since(cls, (run.options or {}).get("strategy_digest"))
    if changed:
        notes.append(f"The strategy's code ({changed}) is not the code the run started with: the backtest replays "
                     "the code as it is now, so rows may differ because of the change, not the market.")
    edited = edited_since_loaded(cls)
    if edited:
        notes.append(f"{edited} was edited after Weaver loaded it: runs and backtests use the code as it was "
                     "loaded until Weaver is restarted.")
    return notes


def _params(run: Run, given: Mapping[str, Any], texts: Mapping[str, str]) -> dict[str, Any]:
    try:
        cls = get_strategy(run.strategy)
        typed = cls.parse_texts(texts)  # only these: the run's other values stay (not the defaults)
        return cls.validate_params({**run.params, **given, **typed})
    except ParamError as exc:
        raise ValidationFailed({f"params.{k}": v for k, v in exc.errors.items()}) from None
    except StrategyLoadError as exc:
        raise ValidationFailed({"strategy": str(exc)}) from None


def _decisions(session: Session, run_id: str) -> tuple[list[Decision], list[Held]]:
    """A run's decisions (orders that are not bracket legs) with their fills, in submission order, and
    the position changes of all its fills (bracket legs' too)."""
    fills: dict[str, list[FillLine]] = defaultdict(list)
    held: list[Held] = []
    for f in session.scalars(select(Fill).where(Fill.run_id == run_id).order_by(Fill.ts, Fill.id)):
        fills[f.order_id].append(FillLine(f.qty, f.price, f.fee, f.ts))
        held.append((f.symbol, signed(f.side, f.qty - (f.fee_qty or 0)), f.ts))  # a coin fee left fewer coins
    orders = session.scalars(select(Order).where(Order.run_id == run_id, Order.parent_id.is_(None))
                             .order_by(Order.submitted_at, Order.client_order_id))
    return [Decision(o.client_order_id, o.bar_ts or o.submitted_at, o.symbol, o.side, o.type, o.qty, o.notional,
                     o.percent, o.limit_price, o.stop_price, o.time_in_force, o.status, tuple(fills[o.id]),
                     o.reject_reason, status_time(o), o.submitted_at)
            for o in orders], held


STOPPED_BY = {"stop": "at the run's stop", "kill_switch": "by the kill switch",
              "error": "when an error stopped the run"}


def stop_cancelled(session: Session, run_id: str) -> dict[str, str]:
    """The client order ids the run's stop (or the kill switch) cancelled, each with who did, as the notes
    say it (its `run.orders_cancelled` events)."""
    events = read_events(session, 0, run_id=run_id, types=["run.orders_cancelled"])
    return {client_id: STOPPED_BY.get(event.payload.get("by", "stop"), STOPPED_BY["stop"])
            for event in events for client_id in event.payload.get("cancelled", [])}


def _equity(session: Session, run_id: str) -> tuple[Curve, Decimal | None]:
    """The run's equity curve (floats, for charts) and its last point (exact, for P&L)."""
    rows = session.execute(select(EquityPoint.ts, EquityPoint.equity).where(EquityPoint.run_id == run_id)
                           .order_by(EquityPoint.ts)).all()
    return [(ts, float(equity)) for ts, equity in rows], (rows[-1][1] if rows else None)


def _instruments(session: Session, symbols: list[str]) -> dict[str, Instrument]:
    repository, out = InstrumentRepository(session), {}
    for symbol in symbols:
        row = repository.get(symbol)
        if row is not None:
            out[symbol] = Instrument(symbol, row.asset_class, row.price_increment, row.qty_increment)
    return out


def report_json(report: DriftReport) -> dict[str, Any]:
    """The report as plain values (Decimals kept exact): the API's response and `runs drift --json`."""
    return {
        "run_id": report.run_id, "against": report.against, "strategy": report.strategy, "params": report.params,
        "bars": report.bars, "warmup": report.warmup, "idle_bars": report.idle_bars, "first_bar": report.first_bar,
        "last_bar": report.last_bar, "source": report.source,
        "summary": vars(report.summary).copy(), "notes": list(report.notes),
        "decisions": [_row_json(r) for r in report.rows],
        "partial_fills": [_decision_json(d) for d in report.partial_fills],
        "equity": {"live": [{"ts": ts, "equity": e} for ts, e in report.live_equity],
                   "backtest": [{"ts": ts, "equity": e} for ts, e in report.backtest_equity]},
    }


def _row_json(row: DriftRow) -> dict[str, Any]:
    return {"status": row.status, "bar_ts": row.bar_ts, "symbol": row.symbol, "side": row.side, "type": row.type,
            "live": _decision_json(row.live), "backtest": _decision_json(row.backtest),
            "slippage_bps": row.slippage_bps, "fill_delay_s": row.fill_delay_s, "execution": row.execution,
            "partial": bool(row.live and row.live.partial), "note": row.note}


def _decision_json(d: Decision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    out = {name: getattr(d, name) for name in ("client_order_id", "bar_ts", "symbol", "side", "type", "qty",
                                                "notional", "percent", "limit_price", "stop_price", "time_in_force",
                                                "status", "filled_qty", "avg_price", "fees")}
    out["fills"] = [vars(f).copy() for f in d.fills]
    return out
