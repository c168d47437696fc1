"""A finished run's robustness tests (app/greta/robustness.py) on its stored trades and closes.

A backtest's trades are its stored round trips, oldest exit first (ties: oldest entry), and its closes
the stored bars of its window; a paper or live run's trades are paired from its fills as its trades table shows them
(app/services/live_records.py) and its closes are the bars its worker recorded. The caller first
rebuilds a sweep cell's records (app/services/backtests.py complete_records). Each trade's return is
its net P&L over the realised equity before it (app/greta/robustness.py realised_returns), so the
shuffle ends at the starting cash plus the trades' P&L: the run's final equity when it ends flat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.greta.robustness import (
    METHODS,
    MonteCarlo,
    RandomEntry,
    TradeShape,
    monte_carlo,
    random_entry,
    realised_returns,
)
from app.services import bars_from
from app.services.errors import Conflict, ValidationFailed
from app.services.lifecycle import FINISHED
from app.services.live_records import LIVE_MODES, closed_trades
from app.services.short_ids import no_such, no_such_run
from app.walle.models import Run, RunMetric, Trade, Walkforward
from app.walle.models.live import LiveBar
from app.walle.repositories import BarRepository

MIN_TRADES = 2
FEW_TRADES = 30  # below this the resampled figures are printed with a caution: few trades make few distinct paths
MAX_RESAMPLES = 100_000
MAX_CELLS = 50_000_000  # resamples × trades: about 20 s of paths on a loaded machine


@dataclass(frozen=True)
class RobustnessAsk:
    resamples: int = 1000
    seed: int = 0
    ruin_drawdown_pct: float = 50.0
    method: str = "both"  # bootstrap | shuffle | both


@dataclass(frozen=True)
class RunRobustness:
    run_id: str
    trades: int
    start_equity: float
    resamples: int
    seed: int
    monte_carlo: list[MonteCarlo]  # one per method asked, bootstrap first
    random_entry: RandomEntry | None
    random_entry_unavailable: str | None  # why there is no random-entry benchmark (its bars are gone)
    trades_final_equity: float  # starting cash plus the trades' total P&L: where every shuffled path ends
    note: str | None  # why that is not the run's final equity (a position open at the end, fees outside trades)
    caution: str | None = None  # what few trades leave the figures worth (trial 26: 2 trades read as a p-value of 0.95)


@dataclass(frozen=True)
class _Trades:
    returns: np.ndarray  # net P&L over the realised equity before each trade, in exit order
    shapes: list[TradeShape]
    pnl: Decimal  # the trades' total net P&L


def _trades(session: Session, run: Run) -> _Trades:
    if run.mode in LIVE_MODES:
        live = sorted(closed_trades(session, run.id), key=lambda t: (t.exit_ts, t.entry_ts))  # stable on ties
        rows = [(t.pnl, t.qty, t.entry_price, t.symbol, t.direction, t.bars_held) for t in live]
    else:
        rows = list(session.execute(select(Trade.pnl, Trade.qty, Trade.entry_price, Trade.symbol, Trade.direction,
                                           Trade.bars_held).where(Trade.run_id == run.id)
                                    .order_by(Trade.exit_ts, Trade.entry_ts, Trade.id)).tuples())
    if not rows:
        return _Trades(np.empty(0), [], Decimal(0))
    try:
        returns, before = realised_returns([float(pnl) for pnl, *_ in rows], float(run.cash))
    except ValueError as exc:
        raise ValidationFailed({"run_id": str(exc)}) from exc
    shapes = [TradeShape(symbol, direction == "short", int(held), float(abs(qty * price)) / equity)
              for (_, qty, price, symbol, direction, held), equity in zip(rows, before, strict=True)]
    return _Trades(returns, shapes, sum((Decimal(pnl) for pnl, *_ in rows), Decimal(0)))


def _note(session: Session, run: Run, trades_final: Decimal) -> str | None:
    """Why the run's final equity (its metric) is not the cash plus its trades' P&L, if it is not."""
    final = session.scalar(select(RunMetric.value).where(RunMetric.run_id == run.id, RunMetric.name == "final_equity"))
    if final is None or abs(Decimal(str(final)) - trades_final) < Decimal("0.005"):
        return None
    return (f"the run ended at {Decimal(str(final)).quantize(Decimal('0.01')):,} but its closed trades booked "
            f"{trades_final.quantize(Decimal('0.01')):,} (a position open at the end, or fees outside its trades): "
            f"these tests use the closed trades only")


def _closes(session: Session, run: Run, symbols: set[str]) -> dict[str, np.ndarray]:
    if run.mode in LIVE_MODES:
        out = {}
        for symbol in symbols:
            closes = session.scalars(select(LiveBar.close).where(LiveBar.run_id == run.id, LiveBar.symbol == symbol)
                                     .order_by(LiveBar.ts))
            out[symbol] = np.array([float(c) for c in closes], dtype=np.float64)
        return out
    bars = BarRepository(session)
    return {symbol: bars.load(symbol, run.timeframe, run.start_at, run.end_at).close for symbol in symbols}


def check_ask(ask: RobustnessAsk) -> None:
    fields = {}
    if not 1 <= ask.resamples <= MAX_RESAMPLES:
        fields["resamples"] = f"must be between 1 and {MAX_RESAMPLES:,}"
    if not 0 < ask.ruin_drawdown_pct <= 100:
        fields["ruin_drawdown_pct"] = "must be above 0 and at most 100"
    if ask.method not in (*METHODS, "both"):
        fields["method"] = f"must be one of {', '.join((*METHODS, 'both'))}"
    if fields:
        raise ValidationFailed(fields)


def run_robustness(session: Session, run_id: str, ask: RobustnessAsk) -> RunRobustness:
    """404 for an unknown run, 409 for one still queued or running, 422 for fewer than two closed
    trades or more resamples × trades than MAX_CELLS."""
    check_ask(ask)
    run = session.get(Run, run_id)
    if run is None:
        raise no_such_run(run_id)
    if run.status not in FINISHED:
        raise Conflict(f"run {run_id} is {run.status}: robustness tests need a finished run")
    trades = _trades(session, run)
    symbols = {s.symbol for s in trades.shapes}
    unstored = sorted((symbol, source) for symbol in symbols if (source := bars_from.unstored(run, symbol)))
    closes = {} if unstored else _closes(session, run, symbols)
    trades_final = Decimal(run.cash) + trades.pnl
    return _tests(run.id, trades, float(run.cash), closes, ask, float(trades_final),
                  lambda: _note(session, run, trades_final),
                  bars_from.not_stored(run, *unstored[0]) if unstored else None)


def walkforward_robustness(session: Session, walkforward_id: str, ask: RobustnessAsk) -> RunRobustness:
    """The same tests on a completed walk-forward's stitched out-of-sample trades: each fold's trades in
    fold order (returns over that fold's realised equity, so they chain as the stitched curve does), and
    random entries over the closes of the out-of-sample span. 404, 409 until completed (or cancelled once every
    fold's out-of-sample run had finished: its stitched result stands), 422 as for a run."""
    check_ask(ask)
    wf = session.get(Walkforward, walkforward_id)
    if wf is None:
        raise no_such("walk-forward", "walkforwards", walkforward_id)
    if wf.status != "completed" and not (wf.result or {}).get("folds_included"):  # (cancelled with every fold run)
        raise Conflict(f"walk-forward {walkforward_id} is {wf.status}: robustness tests need it completed")
    folds = [(f, session.get(Run, f["oos_run_id"])) for f in wf.folds if f.get("oos_run_id")]
    folds = [(f, run) for f, run in folds if run is not None and run.status == "completed"]
    parts = [_trades(session, run) for _, run in folds]
    trades = _Trades(np.concatenate([p.returns for p in parts]) if parts else np.empty(0),
                     [shape for p in parts for shape in p.shapes], sum((p.pnl for p in parts), Decimal(0)))
    closes: dict[str, np.ndarray] = {}
    if folds:
        bars, timeframe = BarRepository(session), wf.settings["timeframe"]
        first, last = folds[0][0]["test_first"], folds[-1][0]["test_last"]
        closes = {symbol: bars.load(symbol, timeframe, datetime.fromisoformat(first),
                                    datetime.fromisoformat(last)).close for symbol in {s.symbol for s in trades.shapes}}
    cash = float(wf.settings["cash"])
    return _tests(wf.id, trades, cash, closes, ask, cash * float(np.prod(1.0 + trades.returns)), lambda: None)


def _tests(subject: str, trades: _Trades, start: float, closes: dict[str, np.ndarray], ask: RobustnessAsk,
           trades_final: float, note: Callable[[], str | None], no_closes: str | None = None) -> RunRobustness:
    """`no_closes`: why the random-entry benchmark cannot be drawn (the run's bars were never stored)."""
    if len(trades.returns) < MIN_TRADES:
        raise ValidationFailed({"run_id": f"the run closed {len(trades.returns)} trade(s); robustness tests need "
                                          f"at least {MIN_TRADES}"})
    methods = METHODS if ask.method == "both" else (ask.method,)
    if ask.resamples * len(trades.returns) * len(methods) > MAX_CELLS:
        most = MAX_CELLS // (len(trades.returns) * len(methods))
        using = f"both methods ({' and '.join(methods)})" if len(methods) > 1 else f"the {methods[0]} method"
        raise ValidationFailed({"resamples": f"at most {most:,} for {len(trades.returns):,} trades with {using}: "
                                             f"resamples × trades × methods is capped at {MAX_CELLS:,}"})
    results = [monte_carlo(trades.returns, start, method=m, resamples=ask.resamples, seed=ask.seed,
                           ruin_drawdown_pct=ask.ruin_drawdown_pct) for m in methods]
    if no_closes is not None:
        benchmark, unavailable = None, no_closes
    else:
        try:
            benchmark, unavailable = random_entry(trades.returns, trades.shapes, closes, resamples=ask.resamples,
                                                  seed=ask.seed), None
        except ValueError as exc:  # the run's bars were deleted or cut since it ran
            benchmark, unavailable = None, str(exc)
    return RunRobustness(subject, len(trades.returns), start, ask.resamples, ask.seed, results, benchmark,
                         unavailable, trades_final, note(), few_trades(len(trades.returns)))


def few_trades(count: int) -> str | None:
    """A caution for a test of fewer than FEW_TRADES trades, or None."""
    if count >= FEW_TRADES:
        return None
    return (f"only {count} trades: they can be drawn or ordered in few ways, so these percentiles and the p-value say "
            f"little; read them from {FEW_TRADES} trades or more")
