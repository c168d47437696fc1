"""A run's plotted indicators, over the bars its strategy saw, for the run page's price chart.

The lines are recomputed (Marvin's own functions, the run's strategy and parameters) rather than
stored: indicators are causal, so the values over the whole series equal what the strategy read bar
by bar. A backtest saw the stored bars of its window (the same load the backtest made); a paper or
live run saw the bars its worker recorded, the warm-up before its first tick included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock.backtest import datetime_to_ns
from app.marvin.bars import BarFrame, DataError, ns_to_datetime
from app.marvin.params import ParamError
from app.marvin.plots import plotted_lines
from app.marvin.registry import StrategyLoadError, get_strategy
from app.services import live_records
from app.services.bar_cache import shared_bars
from app.services.bars_from import refuse_unstored
from app.services.errors import ServiceError, ValidationFailed
from app.services.short_ids import no_such_run
from app.walle.models import Run
from app.walle.models.live import LiveBar
from app.walle.repositories import BarRepository, RunRepository

log = logging.getLogger(__name__)


class IndicatorsUnavailable(ServiceError):
    status = 422
    code = "indicators_unavailable"


@dataclass(frozen=True)
class IndicatorSeries:
    name: str
    pane: str  # price | separate
    ts: list[datetime]  # bar starts (UTC) of the bars where the value is defined (warm-up NaNs left out)
    values: list[float]


def run_indicators(session: Session, run_id: str, symbol: str, start: datetime | None, end: datetime | None,
                   limit: int) -> list[IndicatorSeries]:
    """The plotted lines of `symbol` at the most recent `limit` of the run's bars in [start, end] —
    the same bars GET /runs/{id}/bars returns for that window and limit."""
    run = RunRepository(session).get(run_id)
    if run is None:
        raise no_such_run(run_id)
    symbol = symbol.upper()
    if symbol not in run.symbols:
        raise ValidationFailed({"symbol": f"the run trades {', '.join(run.symbols)}, not {symbol}"})
    # Bars never stored (a file's) under any of its symbols: none of its lines can be drawn again as it saw them.
    for each in sorted(run.symbols, key=lambda s: s != symbol):  # the asked-for symbol's reason first
        refuse_unstored(run, each)
    try:
        strategy = get_strategy(run.strategy)
    except StrategyLoadError as exc:
        raise IndicatorsUnavailable(f"strategy {run.strategy!r} cannot be loaded here: {exc}") from exc
    frames = [f for f in _frames(session, run) if len(f)]
    if not any(f.symbol == symbol for f in frames):
        return []
    try:
        lines = plotted_lines(strategy, run.params, frames)
    except (DataError, ParamError, ValueError) as exc:
        raise IndicatorsUnavailable(f"the indicators of {run.strategy} could not be computed: {exc}") from exc
    frame = next(f for f in frames if f.symbol == symbol)
    window = _window(frame.ts, start, end, limit)
    out = []
    for line in lines:
        if line.symbol != symbol:
            continue
        values = line.values[window]
        keep = np.isfinite(values)
        out.append(IndicatorSeries(line.name, line.pane, [ns_to_datetime(int(t)) for t in frame.ts[window][keep]],
                                   values[keep].tolist()))
    return out


def _window(ts: np.ndarray, start: datetime | None, end: datetime | None, limit: int) -> slice:
    """Rows of bars in [start, end], the last `limit` of them."""
    first = int(np.searchsorted(ts, datetime_to_ns(start), "left")) if start is not None else 0
    stop = int(np.searchsorted(ts, datetime_to_ns(end), "right")) if end is not None else len(ts)
    return slice(max(first, stop - limit), max(stop, first))


def _frames(session: Session, run: Run) -> list[BarFrame]:
    if run.mode in live_records.LIVE_MODES:
        return _recorded(session, run)
    bars = BarRepository(session)
    return [shared_bars.load(bars, symbol, run.timeframe, run.start_at, run.end_at) for symbol in run.symbols]


def _recorded(session: Session, run: Run) -> list[BarFrame]:
    """The bars the run's worker recorded, warm-up included: the history its strategy's indicators saw."""
    rows = session.execute(select(LiveBar.symbol, LiveBar.ts, LiveBar.open, LiveBar.high, LiveBar.low, LiveBar.close,
                                  LiveBar.volume).where(LiveBar.run_id == run.id)
                           .order_by(LiveBar.symbol, LiveBar.ts)).all()
    frames = []
    for symbol in run.symbols:
        mine = [r for r in rows if r[0] == symbol]
        frames.append(BarFrame(symbol, run.timeframe, [datetime_to_ns(r[1]) for r in mine],
                               *([float(r[k]) for r in mine] for k in range(2, 7))))
    return frames
