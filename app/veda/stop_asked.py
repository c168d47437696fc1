"""How a run's stop was asked for (POST /runs/{id}/stop's `cancel_orders` and `close_positions`), read back from
the StopRun command its request wrote to the outbox: what a worker that died mid-stop leaves to be done again."""

from __future__ import annotations

from sqlalchemy import select

from app.events.commands import StopRun
from app.walle.models import OutboxEvent
from app.walle.uow import UnitOfWork


def stop_asked(uow: UnitOfWork, run_id: str) -> dict[str, bool]:
    """The last stop asked for the run; a run stopped by the kill switch (no StopRun of its own) cancels its
    orders and closes nothing, as the kill switch does."""
    payload = uow.session.scalar(select(OutboxEvent.payload).where(OutboxEvent.run_id == run_id,
                                                                   OutboxEvent.type == StopRun.type())
                                 .order_by(OutboxEvent.seq.desc()).limit(1))
    asked = payload or {}
    return {"cancel_orders": bool(asked.get("cancel_orders", True)),
            "close_positions": bool(asked.get("close_positions", False))}
