"""What a walk-forward found: the stitched out-of-sample (OOS) curve and metrics, walk-forward efficiency,
parameter stability, and the contrast (the whole window optimised in sample) run on the same test windows.

The stitched figures are written once, when the walk-forward completes (`finish`, in the transaction
of its last run); the curves are rebuilt on request from the OOS runs' stored equity (`curves`).
Efficiency = annualised OOS return / annualised in-sample (IS) return: per fold, the fold's OOS run over
its chosen cell on the train window; overall, the stitched OOS return over the folds' mean IS return.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Float, cast, select
from sqlalchemy.orm import Session

from app.clock.timeframes import parse_timeframe
from app.greta.annualise import annualisation, year_instrument
from app.greta.stitch import FoldCurve, Stitched, annualised_pct, efficiency, stitch
from app.marvin.bars import ns_to_datetime
from app.walle.models import Run, Trade, Walkforward
from app.walle.repositories import BarRepository, RunRecords, RunRepository
from app.walle.uow import UnitOfWork


def finish(uow: UnitOfWork, wf: Walkforward) -> None:
    """Write the result and each fold's efficiency (every OOS and contrast run has finished)."""
    session = uow.session
    year = year_of(session, wf)
    metrics = RunRepository(session).metrics([i for f in wf.folds for i in (f.get("chosen_run_id"),
                                                                            f.get("oos_run_id")) if i])
    folds, is_rates = [], []
    for fold in wf.folds:
        fold = dict(fold)
        is_rate = _rate(metrics.get(fold.get("chosen_run_id") or "", {}), year)
        oos_rate = _rate(metrics.get(fold.get("oos_run_id") or "", {}), year)
        fold["efficiency"], fold["efficiency_reason"] = (efficiency(oos_rate, is_rate) if fold.get("oos_run_id")
                                                         else (None, fold.get("reason")))
        if is_rate is not None and _completed(session, fold.get("oos_run_id")):
            is_rates.append(is_rate)
        folds.append(fold)
    wf.folds = folds
    stitched = stitched_of(session, wf, year)
    if stitched is None:
        wf.result = {"metrics": {}, "efficiency": None, "folds_included": 0, "oos_annualised_return_pct": None,
                     "is_annualised_return_pct": None, "efficiency_reason": "no out-of-sample run completed",
                     "bars_per_year": year}
        return
    oos_rate = _rate(stitched[0].metrics, year)
    is_rate = float(np.mean(is_rates)) if is_rates else None
    ratio, reason = efficiency(oos_rate, is_rate)
    contrast = contrast_of(session, wf, stitched[1], year)
    wf.result = {"bars_per_year": year, "metrics": _plain(stitched[0].metrics), "folds_included": len(stitched[1]),
                 "efficiency": ratio,
                 "efficiency_reason": reason, "oos_annualised_return_pct": oos_rate,
                 "is_annualised_return_pct": is_rate,
                 "contrast_metrics": _plain(contrast.metrics) if contrast is not None else None}


def year_of(session: Session, wf: Walkforward) -> float:
    """One year for every annualised figure of a walk-forward (stitched, contrast, each fold's rates): the
    year of the bars its folds cover, first train bar to last test bar, as a backtest over them would
    take it. Each run's own year is its own window's (for a series annualised by the bars it holds, a
    short window's differs), and figures on different years cannot be compared: a trial saw the stitched
    CAGR on 64,738 bars a year beside the whole window's on 104,299. Kept in the result once written."""
    stored = (wf.result or {}).get("bars_per_year")
    if stored:
        return float(stored)
    if not wf.folds:
        return 252.0
    first = min(datetime.fromisoformat(f["train_first"]) for f in wf.folds)
    last = max(datetime.fromisoformat(f["test_last"]) for f in wf.folds)
    settings = wf.settings
    ts = BarRepository(session).timeline(settings["symbols"], settings["timeframe"], first, last)
    instrument = year_instrument(settings["symbols"][0], settings.get("asset_class"))
    return annualisation(ts, parse_timeframe(settings["timeframe"]), instrument).bars_per_year


def stitched_of(session: Session, wf: Walkforward, year: float | None = None) -> tuple[Stitched, list[int]] | None:
    """The completed OOS runs chained in fold order, and which folds they are (None: none completed)."""
    curves, included = _fold_curves(session, wf, [(f["index"], f.get("oos_run_id")) for f in wf.folds])
    if not curves:
        return None
    return stitch(curves, float(wf.settings["cash"]), year or year_of(session, wf)), included


def contrast_of(session: Session, wf: Walkforward, included: list[int], year: float | None = None
                ) -> Stitched | None:
    """The hindsight parameters (the whole window's best cell) on the test windows of the stitched curve (the
    folds in `included`), each run as that fold's OOS run is - warmed up on the bars before it, started flat,
    closed at its end - and chained the same way: the same parameters give the same figures. None without
    the contrast, or until each of those windows' runs has completed."""
    contrast = wf.contrast or {}
    if contrast.get("test_run_ids") is None:  # a walk-forward stored before its windows were run on their own
        return _windowed_contrast(session, wf, included, year)
    runs = dict(zip([f["index"] for f in wf.folds], contrast["test_run_ids"], strict=True))
    curves, done = _fold_curves(session, wf, [(index, runs.get(index)) for index in included])
    if not curves or done != included:
        return None
    return stitch(curves, float(wf.settings["cash"]), year or year_of(session, wf))


def _fold_curves(session: Session, wf: Walkforward, runs: list[tuple[int, str | None]]
                 ) -> tuple[list[FoldCurve], list[int]]:
    """Each completed run's curve from the walk-forward's cash, and the indices of the folds they are."""
    metrics = RunRepository(session).metrics([run_id for _, run_id in runs if run_id])
    curves, included = [], []
    for index, run_id in runs:
        if not run_id or not _completed(session, run_id):
            continue
        curve = _curve(session, run_id, metrics.get(run_id, {}).get("exposure_pct"))
        if curve is None:
            continue
        curves.append(dataclasses.replace(curve, start=float(wf.settings["cash"])))
        included.append(index)
    return curves, included


def _windowed_contrast(session: Session, wf: Walkforward, included: list[int], year: float | None
                       ) -> Stitched | None:
    """As walk-forwards made before 2026-12-06 have it: the whole-window contrast run cut at each test
    window, holding what it held when a window began and at its end (trades that closed inside it)."""
    run_id = (wf.contrast or {}).get("run_id")
    if not run_id or not _completed(session, run_id):
        return None
    folds = {f["index"]: f for f in wf.folds}
    curves = []
    for index in included:
        first, last = (datetime.fromisoformat(folds[index][k]) for k in ("test_first", "test_last"))
        curve = _curve(session, run_id, None, (first, last))
        if curve is not None and curve.start:
            curves.append(curve)
    if not curves:
        return None
    return stitch(curves, float(wf.settings["cash"]), year or year_of(session, wf))


@dataclass(frozen=True)
class Curves:
    stitched: list[tuple[datetime, float, int]]  # (time, equity, fold index)
    contrast: list[tuple[datetime, float]]  # the hindsight parameters on the same test windows, chained the same way


def curves(session: Session, wf: Walkforward) -> Curves:
    year = year_of(session, wf)
    found = stitched_of(session, wf, year)
    if found is None:
        return Curves([], [])
    stitched, included = found
    points = [(_dt(t), float(e), included[k]) for t, e, k in zip(stitched.ts.tolist(), stitched.equity.tolist(),
                                                                  stitched.fold.tolist(), strict=True)]
    chained = contrast_of(session, wf, included, year)
    contrast = [] if chained is None else [(_dt(t), float(e)) for t, e in zip(chained.ts.tolist(),
                                                                              chained.equity.tolist(), strict=True)]
    return Curves(points, contrast)


def _curve(session: Session, run_id: str, exposure_pct: float | None, window: tuple[datetime, datetime] | None = None,
           ) -> FoldCurve | None:
    """A run's stored curve and closed trades (those inside `window`, first to last, if given), starting from
    its first point. Where a position was open at each close is where equity is not cash (a part of a run
    has no exposure figure of its own)."""
    first, last = window if window is not None else (None, None)
    points = RunRecords(session).equity_columns(run_id, first, last)
    if not len(points.ts):
        return None
    trades_in = () if window is None else (Trade.exit_ts > first, Trade.exit_ts <= last)
    trades = session.execute(select(cast(Trade.pnl, Float), cast(Trade.return_pct, Float), cast(Trade.fees, Float))
                             .where(Trade.run_id == run_id, *trades_in).order_by(Trade.exit_ts, Trade.entry_ts)).all()
    pnl, pct, fees = zip(*trades, strict=True) if trades else ((), (), ())
    return FoldCurve(
        ts=points.ts, equity=points.equity, benchmark=points.benchmark, start=float(points.equity[0]),
        trade_pnl=np.array(pnl, dtype=np.float64), trade_pct=np.array(pct, dtype=np.float64), exposure_pct=exposure_pct,
        fees=float(sum(fees)), exposed=points.equity != points.cash)


def stability(wf: Walkforward) -> list[dict[str, Any]]:
    """Per grid parameter with a choice to make: the value each fold chose (None: no choice) and how many differ."""
    out = []
    for name, values in wf.grid.items():
        if len(values) < 2:
            continue
        chosen = [(f.get("params") or {}).get(name) for f in wf.folds]
        out.append({"name": name, "values": chosen,
                    "distinct": len({repr(v) for v in chosen if v is not None})})
    return out


def _rate(metrics: dict[str, Any], year: float) -> float | None:
    """A run's return as a yearly rate on the walk-forward's year (year_of)."""
    return annualised_pct(metrics.get("total_return_pct"), metrics.get("bars"), year)


def _completed(session: Session, run_id: str | None) -> bool:
    return bool(run_id) and session.scalar(select(Run.status).where(Run.id == run_id)) == "completed"


def _plain(metrics: dict[str, Any]) -> dict[str, float | None]:
    return {k: (None if v is None else float(v)) for k, v in metrics.items()}


def _dt(ns: int) -> datetime:
    return ns_to_datetime(ns)
