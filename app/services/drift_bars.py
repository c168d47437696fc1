"""The bars a paper or live run saw, for the drift report to replay through Greta.

Runs record what they saw in `live_bars` (warm-up rows flagged). Runs from before that table, or
whose rows are missing, fall back to the stored bars between the run's first and last tick plus
the warm-up bars before them. `bars_seen` is the one place that chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from app.clock.backtest import datetime_to_ns
from app.marvin.bars import BarFrame, DataError
from app.veda.history import WARMUP_BARS
from app.walle.models import LiveTick, Run
from app.walle.models.bars import Bar, BarSeries
from app.walle.repositories.bars import BarRepository


@dataclass(frozen=True)
class SeenBars:
    frames: list[BarFrame]
    first_traded: datetime  # the first bar the run traded on; earlier bars are warm-up
    last_traded: datetime  # the last bar it traded on (a backtest of the same period ends there, not at its stop)
    source: str  # live_bars | bars
    idle: tuple[datetime, ...] = ()  # later bars it saw only as history: it was not running then
    ran: tuple[datetime, ...] = ()  # the bars it traded on: they part the idle bars into separate downtimes


def bars_seen(session: Session, run: Run) -> SeenBars:
    """The run's bars: recorded ones when there are any, else the stored bars over its ticks."""
    return _recorded(session, run) or _stored(session, run)


def _recorded(session: Session, run: Run) -> SeenBars | None:
    if not inspect(session.get_bind()).has_table("live_bars"):
        return None
    rows = session.execute(text(
        "SELECT symbol, ts, open, high, low, close, volume, warmup FROM live_bars WHERE run_id = :run "
        "ORDER BY symbol, ts"), {"run": run.id}).all()
    traded = [_utc(r[1]) for r in rows if not r[7]]
    if not traded:
        return None
    first = min(traded)
    # A bar after the first traded one recorded only as history came in with a later tick's catch-up: the
    # run was down, or stopped and started again, when it closed (app/veda/recording.py), so it decided nothing
    idle = tuple(sorted({ts for ts in (_utc(r[1]) for r in rows if r[7]) if ts > first} - set(traded)))
    frames = []
    for symbol in run.symbols:
        mine = [r for r in rows if r[0] == symbol]
        frames.append(BarFrame(symbol, run.timeframe, [datetime_to_ns(_utc(r[1])) for r in mine],
                               *([float(r[k]) for r in mine] for k in range(2, 7))))
    return SeenBars(frames, first, max(traded), "live_bars", idle, tuple(sorted(set(traded))))


def _stored(session: Session, run: Run) -> SeenBars:
    first, last = session.execute(select(func.min(LiveTick.bar_ts), func.max(LiveTick.bar_ts))
                                  .where(LiveTick.run_id == run.id, LiveTick.status == "done")).one()
    if first is None:
        raise DataError("the run has not traded a bar yet: there is nothing to compare")
    repository, frames = BarRepository(session), []
    for symbol in run.symbols:
        start = session.scalar(
            select(Bar.ts).join(BarSeries, BarSeries.id == Bar.series_id)
            .where(BarSeries.symbol == symbol, BarSeries.timeframe == run.timeframe, Bar.ts < first)
            .order_by(Bar.ts.desc()).offset(WARMUP_BARS - 1).limit(1))
        loaded = repository.load(symbol, run.timeframe, start, last)
        if not len(loaded):
            raise DataError(f"no stored {run.timeframe} bars of {symbol} between {first} and {last}")
        frames.append(BarFrame(symbol, run.timeframe, loaded.ts, loaded.open, loaded.high, loaded.low,
                               loaded.close, loaded.volume))
    return SeenBars(frames, _utc(first), _utc(last), "bars")


def idle_bars(session: Session, run: Run) -> tuple[datetime, ...]:
    """The bars after the run's first traded one on which it did not run (SeenBars.idle); none known for a
    run that recorded no bars."""
    return downtime(session, run)[0]


def downtime(session: Session, run: Run) -> tuple[tuple[datetime, ...], tuple[datetime, ...]]:
    """The bars the run did not run on and those it traded on (SeenBars.idle and .ran); none known for a run
    that recorded no bars."""
    seen = _recorded(session, run)
    return (seen.idle, seen.ran) if seen is not None else ((), ())


def traded_span(session: Session, run: Run) -> tuple[datetime, datetime] | None:
    """The first and last bars the run traded on (its recorded bars, else its ticks), or None before its first:
    the period a backtest of the run covers. Its stop comes after its last bar (trial 42: a backtest ending at
    the last bar, 00:07:16, was said not to cover the run's trading "to 00:07:23", its stop)."""
    first = last = None
    if inspect(session.get_bind()).has_table("live_bars"):
        first, last = session.execute(text("SELECT min(ts), max(ts) FROM live_bars WHERE run_id = :run AND NOT warmup"),
                                      {"run": run.id}).one()
    if first is None:
        first, last = session.execute(select(func.min(LiveTick.bar_ts), func.max(LiveTick.bar_ts))
                                      .where(LiveTick.run_id == run.id, LiveTick.status == "done")).one()
    return (_utc(first), _utc(last)) if first is not None and last is not None else None


def warmup_steps(timeline: np.ndarray, first_traded: datetime) -> int:
    """How many steps of the replay's timeline come before the first traded bar."""
    return int(np.searchsorted(timeline, datetime_to_ns(first_traded)))


def _utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
