"""What a walk-forward found: the stitched out-of-sample (OOS) curve and metrics, walk-forward efficiency,
parameter stability, and the contrast (the whole window optimised in sample) over the same span.

The stitched figures are written once, when the walk-forward completes (`finish`, in the transaction
of its last run); the curves are rebuilt on request from the OOS runs' stored equity (`curves`).
Efficiency = annualised OOS return / annualised in-sample (IS) return: per fold, the fold's OOS run over
its chosen cell on the train window; overall, the stitched OOS return over the folds' mean IS return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.greta.stitch import FoldCurve, Stitched, annualised_pct, efficiency, stitch
from app.marvin.bars import ns_to_datetime
from app.walle.models import EquityPoint, Run, Trade, Walkforward
from app.walle.repositories import RunRepository
from app.walle.uow import UnitOfWork


def finish(uow: UnitOfWork, wf: Walkforward) -> None:
    """Write the result and each fold's efficiency (every OOS and contrast run has finished)."""
    session = uow.session
    metrics = RunRepository(session).metrics([i for f in wf.folds for i in (f.get("chosen_run_id"),
                                                                            f.get("oos_run_id")) if i])
    folds, is_rates = [], []
    for fold in wf.folds:
        fold = dict(fold)
        is_rate = _rate(metrics.get(fold.get("chosen_run_id") or "", {}))
        oos_rate = _rate(metrics.get(fold.get("oos_run_id") or "", {}))
        fold["efficiency"], fold["efficiency_reason"] = (efficiency(oos_rate, is_rate) if fold.get("oos_run_id")
                                                         else (None, fold.get("reason")))
        if is_rate is not None and _completed(session, fold.get("oos_run_id")):
            is_rates.append(is_rate)
        folds.append(fold)
    wf.folds = folds
    stitched = stitched_of(session, wf)
    if stitched is None:
        wf.result = {"metrics": {}, "efficiency": None, "folds_included": 0, "oos_annualised_return_pct": None,
                     "is_annualised_return_pct": None, "efficiency_reason": "no out-of-sample run completed"}
        return
    oos_rate = _rate(stitched[0].metrics)
    is_rate = float(np.mean(is_rates)) if is_rates else None
    ratio, reason = efficiency(oos_rate, is_rate)
    wf.result = {"metrics": _plain(stitched[0].metrics), "folds_included": len(stitched[1]), "efficiency": ratio,
                 "efficiency_reason": reason, "oos_annualised_return_pct": oos_rate,
                 "is_annualised_return_pct": is_rate}


def stitched_of(session: Session, wf: Walkforward) -> tuple[Stitched, list[int]] | None:
    """The completed OOS runs chained in fold order, and which folds they are (None: none completed)."""
    curves, included = [], []
    bars_per_year = None
    metrics = RunRepository(session).metrics([f["oos_run_id"] for f in wf.folds if f.get("oos_run_id")])
    for fold in wf.folds:
        run_id = fold.get("oos_run_id")
        if not _completed(session, run_id):
            continue
        points = session.execute(select(EquityPoint.ts, EquityPoint.equity, EquityPoint.benchmark)
                                 .where(EquityPoint.run_id == run_id).order_by(EquityPoint.ts)).all()
        if not points:
            continue
        trades = session.execute(select(Trade.pnl, Trade.return_pct).where(Trade.run_id == run_id)
                                 .order_by(Trade.exit_ts, Trade.entry_ts)).all()
        figures = metrics.get(run_id, {})
        bars_per_year = bars_per_year or figures.get("bars_per_year")
        curves.append(FoldCurve(
            ts=np.array([_ns(p.ts) for p in points], dtype=np.int64),
            equity=np.array([float(p.equity) for p in points]),
            benchmark=np.array([float(p.benchmark if p.benchmark is not None else p.equity) for p in points]),
            start=float(wf.settings["cash"]), trade_pnl=np.array([float(t.pnl) for t in trades]),
            trade_pct=np.array([float(t.return_pct) for t in trades]), exposure_pct=figures.get("exposure_pct")))
        included.append(fold["index"])
    if not curves:
        return None
    return stitch(curves, float(wf.settings["cash"]), float(bars_per_year or 252.0)), included


@dataclass(frozen=True)
class Curves:
    stitched: list[tuple[datetime, float, int]]  # (time, equity, fold index)
    contrast: list[tuple[datetime, float]]  # the contrast run over the OOS span, from the same starting cash


def curves(session: Session, wf: Walkforward) -> Curves:
    found = stitched_of(session, wf)
    if found is None:
        return Curves([], [])
    stitched, included = found
    points = [(_dt(t), float(e), included[k]) for t, e, k in zip(stitched.ts.tolist(), stitched.equity.tolist(),
                                                                  stitched.fold.tolist(), strict=True)]
    contrast: list[tuple[datetime, float]] = []
    run_id = (wf.contrast or {}).get("run_id")
    if run_id and _completed(session, run_id):
        first, last = points[0][0], points[-1][0]
        span = (EquityPoint.run_id == run_id, EquityPoint.ts >= first, EquityPoint.ts <= last)
        rows = session.execute(select(EquityPoint.ts, EquityPoint.equity).where(*span).order_by(EquityPoint.ts)).all()
        if rows and float(rows[0].equity):
            scale = float(wf.settings["cash"]) / float(rows[0].equity)
            contrast = [(row.ts, float(row.equity) * scale) for row in rows]
    return Curves(points, contrast)


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


def _rate(metrics: dict[str, Any]) -> float | None:
    return annualised_pct(metrics.get("total_return_pct"), metrics.get("bars"), metrics.get("bars_per_year"))


def _completed(session: Session, run_id: str | None) -> bool:
    return bool(run_id) and session.scalar(select(Run.status).where(Run.id == run_id)) == "completed"


def _plain(metrics: dict[str, Any]) -> dict[str, float | None]:
    return {k: (None if v is None else float(v)) for k, v in metrics.items()}


def _ns(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def _dt(ns: int) -> datetime:
    return ns_to_datetime(ns)
