"""Whether a stopped paper or live run's positions may be closed now (POST /runs/{id}/close-positions), and
why not: a 409 saying so, with nothing sent. Trial 22 asked twice while the first close was still filling
and a second market order went to the broker (refused there only because the shares were reserved)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, select

from app.events.commands import ClosePositions
from app.services.drift_notes import quantity_text
from app.services.errors import Conflict
from app.walle.models import Order, OutboxEvent, Position, Run
from app.walle.uow import UnitOfWork

WORKING = ("submitted", "accepted", "partially_filled")  # an order the broker may still fill (app/veda/statuses.OPEN)
CLOSED = "run.positions_closed"


def refuse_close(uow: UnitOfWork, run: Run) -> list[tuple[str, Decimal]]:
    """What the run holds, to be closed; a Conflict when it cannot be closed now."""
    if run.mode == "backtest":
        raise Conflict(f"run {run.id} is a backtest: it holds nothing at a broker", {"mode": run.mode})
    if run.status not in ("stopped", "error"):
        raise Conflict(f"run {run.id} is {run.status}: a running run's positions are the strategy's; stop it with "
                       "close_positions to close them as it stops", {"status": run.status})
    # (an order sent that the broker never answered for is not in the way: the worker reads it again first,
    # and sends no close on a symbol with an order still working)
    working = uow.session.execute(select(Order.client_order_id, Order.status, Order.filled_qty, Order.qty).where(
        Order.run_id == run.id, Order.status.in_(WORKING),
        or_(Order.status != "submitted", Order.broker_order_id.is_not(None))).order_by(Order.submitted_at)).all()
    if working:
        said = ", ".join(f"{cid} ({status}, {quantity_text(filled or 0)} of {quantity_text(qty or 0)} filled)"
                         for cid, status, filled, qty in working)
        raise Conflict(f"run {run.id} has {len(working)} order(s) still working at the broker: {said}. A close is "
                       "sent once they are done (filled, or cancelled at the broker)",
                       {"open_orders": [cid for cid, *_ in working]})
    if _close_on_its_way(uow, run.id):
        raise Conflict(f"run {run.id}: a close of its positions is already on its way; what it became shows as "
                       f"{CLOSED} on the run's page", {"pending": True})
    held = list(uow.session.execute(select(Position.symbol, Position.qty).where(
        Position.run_id == run.id, Position.qty != 0).order_by(Position.symbol)).tuples())
    if not held:
        raise Conflict(f"run {run.id} holds nothing: there is nothing to close", {"positions": []})
    return held


def _close_on_its_way(uow: UnitOfWork, run_id: str) -> bool:
    """A close asked for (its command written) that the live worker has not answered yet."""
    def last(kind: str) -> int:
        return uow.session.scalar(select(func.max(OutboxEvent.seq)).where(
            OutboxEvent.run_id == run_id, OutboxEvent.type == kind)) or 0
    return last(ClosePositions.type()) > last(CLOSED)


def held_words(held: list[tuple[str, Decimal]]) -> str:
    """'8 TSLA, 50 MSFT short', as the stop dialog words them."""
    return ", ".join(f"{quantity_text(-qty)} {symbol} short" if qty < 0 else f"{quantity_text(qty)} {symbol}"
                     for symbol, qty in held)
