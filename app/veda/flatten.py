"""Stop and close: a stopped paper or live run's positions closed at market, as its own orders.

Stopping a run leaves what it holds at the broker unless the user asks `close_positions`. Then, once
the run's open orders are cancelled, each symbol the run holds (its own book, never the rest of a
shared account) gets one reduce-only market order for the whole position, recorded before it is sent
(`LiveGateway.record_closes`) and booked like any of the run's orders, so the run's fills, cash and
final equity include the close.

The stop waits a few seconds for the fills. An order still working then (a stock market that is
closed, say) is left at the broker and named in `run.positions_closed`; its fill is booked when the
trade-updates stream brings it (or the next start's reconciliation finds it), and then the run's last
equity point and metrics are restated and `run.positions_closed` says it again (Control._after_stop).
A stopped run's positions can also be closed later (`leg` "close": POST /runs/{id}/close-positions).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.veda.closing import until_final
from app.veda.executions import read
from app.veda.gateway import LiveGateway
from app.veda.statuses import OPEN, weaver_status
from app.walle.models import Order

log = logging.getLogger(__name__)
FILL_POLLS = 20  # asks for the closes' fills before the stop goes on without them
FILL_WAIT = 0.25  # seconds between asks: a market order fills on the exchange's next quote or bar


@dataclass(frozen=True)
class Closed:
    """One close the stop sent, as booked once the wait was over (the `run.positions_closed` payload)."""

    client_order_id: str
    symbol: str
    side: str
    qty: str
    status: str
    filled_qty: str
    filled_avg_price: str | None
    reason: str | None

    @classmethod
    def of(cls, order: Order) -> Closed:
        price = order.filled_avg_price
        return cls(order.client_order_id, order.symbol, order.side, _text(order.qty), order.status,
                   _text(order.filled_qty), None if price is None else _text(price), order.reject_reason)


def close_positions(gateway: LiveGateway, stop_ns: int, leg: str = "stop",
                    pause: Callable[[float], None] = time.sleep) -> list[Closed]:
    """Send a close for every position the run holds, wait for their fills, book them; what each became.
    `leg`: "stop" for the closes a stop sends, "close" for those asked of a stopped run."""
    order_ids, working_ids = gateway.record_closes(stop_ns, leg)
    if not order_ids:
        return _closed(gateway, working_ids)
    answers = gateway.dispatch()
    unanswered = {a.order_id for a in answers}
    for order_id in order_ids:  # sent, but the broker did not answer (unreachable): ask it once by id
        if order_id not in unanswered:
            cid = gateway.orders[order_id].client_order_id
            answers.extend(gateway.poll(order_id, cid))
    working = [a.snapshot.client_order_id for a in answers
               if a.snapshot is not None and weaver_status(a.snapshot.status) in OPEN]
    if working:
        final, still = until_final(gateway.broker, working, lambda _: pause(FILL_WAIT), FILL_POLLS,
                                   "see whether it filled")
        answers = [replace(a, snapshot=final.get(a.snapshot.client_order_id, a.snapshot))
                   if a.snapshot is not None else a for a in answers]
        for cid in still:
            log.warning("run %s: close %s is still working at the broker after the stop's wait", gateway.run_id, cid)
    exact = gateway.wants_exact(answers)
    if exact:  # each fill at its own execution's price, as a tick books them
        gateway.executions = read(gateway.broker, exact) or {}
    gateway.settle_alone(answers)
    return _closed(gateway, [*order_ids, *working_ids])


def _closed(gateway: LiveGateway, order_ids: list[str]) -> list[Closed]:
    """The orders as booked now (the new closes, and orders already working on a symbol the run holds)."""
    with gateway.uow() as uow:
        orders = [uow.session.get(Order, order_id) for order_id in order_ids]
        return sorted((Closed.of(order) for order in orders if order is not None), key=lambda c: c.symbol)


def closes_of(uow: Any, run_id: str, client_order_id: str) -> list[Closed]:
    """The closes sent with the one named (same run, same request second, same leg), as booked now."""
    stamp, leg = client_order_id.rsplit("-", 2)[0], client_order_id.rsplit("-", 1)[1]
    orders = uow.session.scalars(select(Order).where(Order.run_id == run_id,
                                                     Order.client_order_id.like(f"{stamp}-%-{leg}"))
                                 .order_by(Order.symbol))
    return [Closed.of(order) for order in orders]


def closed_text(closes: list[Closed]) -> str:
    """What the closes became, in a line: "sold 52 AAPL, filled at 187.5; bought 10 TSLA, still working at
    the broker (booked when it fills)"."""
    parts = []
    for c in closes:
        did = f"{'sold' if c.side == 'sell' else 'bought'} {c.qty} {c.symbol}"
        if c.status == "filled":
            parts.append(f"{did}, filled at {_price_text(c.filled_avg_price)}")
        elif c.status == "submitted":  # recorded and sent; the broker never answered
            parts.append(f"{did}: sent, but the broker did not answer (unreachable); the order is read again "
                         "before any other close, and at the live worker's next start")
        elif c.status == "unknown":
            parts.append(f"{did}: the broker has no such order (it never arrived); ask to close again")
        elif c.status in OPEN:
            part = f" ({c.filled_qty} filled so far)" if c.filled_qty != "0" else ""
            parts.append(f"{did}: still working at the broker{part}, booked when it fills")
        else:
            parts.append(f"{did}: {c.status}" + (f" ({c.reason})" if c.reason else ""))
    return "; ".join(parts) if parts else "the run held nothing to close"


def _price_text(average: str) -> str:
    """A close's fill price as a trader reads it: exact, or, for an average of executions at several prices
    (119.993333333333), to four places "on average" (trial 23's stop banner printed all twelve)."""
    price = Decimal(average)  # grouped as the page's other money is (trial 41: "filled at 60006.08")
    if -price.as_tuple().exponent <= 4:  # type: ignore[operator]
        return f"{price:,}"
    return f"{price.quantize(Decimal('0.0001')):,} on average"


def closed_payload(run_id: str, closes: list[Closed]) -> dict[str, Any]:
    """The `run.positions_closed` event's payload."""
    return {"run_id": run_id, "orders": [asdict(c) for c in closes], "detail": closed_text(closes)}


def _text(value: Decimal | None) -> str:
    return format(value.normalize(), "f") if value else "0"
