"""The daily summary of each running paper and live run: its equity, the day's P&L and its fills,
recorded as a `run.daily_summary` event (the notifier tells it). The day is New York's.

Once per run and day: the event's id is derived from both, so a second call the same day (a
restarted scheduler catching up) records nothing new.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock.realtime import NEW_YORK
from app.events.envelope import Event
from app.walle.models import EquityPoint, Fill, OutboxEvent, Run
from app.walle.uow import UnitOfWork

SUMMARY_TIME = time(16, 15)  # New York: a quarter of an hour after the US close
_IDS = uuid.UUID("6f0c6a53-4d0b-4c52-9a3e-8d1a3f1b2c7e")


def summary_id(run_id: str, day: str) -> str:
    return str(uuid.uuid5(_IDS, f"{run_id}:{day}"))


def summarise_day(uow: Callable[[], UnitOfWork], now: datetime) -> int:
    """Record the summary of `now`'s New York day for every running paper/live run; returns how many
    were new."""
    day = now.astimezone(NEW_YORK).date()
    start = datetime.combine(day, time(0), NEW_YORK).astimezone(UTC)
    recorded = 0
    with uow() as work:
        session = work.session
        runs = session.scalars(select(Run).where(Run.mode.in_(("paper", "live")), Run.status == "running")).all()
        for run in runs:
            event_id = summary_id(run.id, day.isoformat())
            if session.scalar(select(OutboxEvent.seq).where(OutboxEvent.id == event_id)) is not None:
                continue
            equity = _equity(session, run, before=None) or run.cash
            opening = _equity(session, run, before=start) or run.cash
            fills = session.scalar(select(func.count()).select_from(Fill)
                                   .where(Fill.run_id == run.id, Fill.ts >= start)) or 0
            work.outbox.append(Event(type="run.daily_summary", run_id=run.id, id=event_id, payload={
                "run_id": run.id, "mode": run.mode, "date": day.isoformat(), "equity": str(equity),
                "day_pl": str(equity - opening), "trades": fills,
            }))
            recorded += 1
        work.commit()
    return recorded


def _equity(session: Session, run: Run, before: datetime | None) -> Decimal | None:
    query = select(EquityPoint.equity).where(EquityPoint.run_id == run.id)
    if before is not None:
        query = query.where(EquityPoint.ts < before)
    return session.scalar(query.order_by(EquityPoint.ts.desc()).limit(1))
