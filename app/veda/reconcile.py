"""Start-up reconciliation ("crash-only design"): what the broker says wins, and every repair is an
event. An order the broker does not know is marked `unknown`, never assumed filled."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.veda.executions import read, wants_exact
from app.veda.ledger import Ledger
from app.veda.ports import Broker, Clock
from app.veda.statuses import OPEN
from app.walle.models import Order, Position, Run
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
ZERO = Decimal(0)
CRYPTO_FEE_SHARE = Decimal("0.01")  # Alpaca's highest crypto fee is 0.25 % a fill; a few buys stay under 1 %


@dataclass
class Report:
    checked: int = 0
    repaired: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (run id, client order id, status) synced


def reconcile_account(uow: UnitOfWork, broker: Broker, kind: str, clock: Clock) -> Report:
    """Compare the open orders and positions Weaver believes in for `kind` runs with the broker's."""
    report = Report()
    runs = {r.id: r for r in uow.session.scalars(select(Run).where(Run.mode == kind))}
    ours = list(uow.session.scalars(
        select(Order).where(Order.run_id.in_(list(runs)), Order.status.in_(list(OPEN))).order_by(Order.submitted_at)))
    report.checked = len(ours)
    _sync(uow, broker, clock, ours, report)
    known = {o.client_order_id for o in uow.session.scalars(select(Order).where(Order.run_id.in_(list(runs))))}
    for snapshot in broker.open_orders():
        cid = snapshot.client_order_id
        run_id = run_of(cid)
        if run_id and cid not in known:
            _repaired(uow, report, run_id if run_id in runs else None, "order", cid, "untracked",
                      "open at the broker but not in Weaver's records; cancel it from the broker if unwanted")
    mismatched = _mismatches(uow, broker, runs)
    filling = [o for o in ours if o.status in OPEN and _key(o.symbol) in mismatched]
    if filling:  # an order still working filled more between its snapshot and the positions' read: ask again
        _sync(uow, broker, clock, filling, report)
        mismatched = _mismatches(uow, broker, runs)
    for symbol, mine, theirs in mismatched.values():
        _repaired(uow, report, None, "position", symbol, "mismatch",
                  f"Weaver's runs hold {mine}, the account holds {theirs} (other activity on the account?)")
    return report


def _sync(uow: UnitOfWork, broker: Broker, clock: Clock, orders: list[Order], report: Report) -> None:
    """Bring each order to the broker's word on it. A fill no snapshot can price exactly (a part of the order,
    an average off the price grid) is booked at its own executions' prices and times, read from the account's
    FILL activities in one request, as a tick books them: derived from the broker's rounded average, a
    restart's fills were off by cents."""
    snapshots = {order.id: broker.order_by_client_id(order.client_order_id) for order in orders}
    ledger = Ledger(uow, clock)
    wanted = [s for order in orders
              if (s := snapshots[order.id]) is not None and wants_exact(s, order.filled_qty or ZERO)]
    if wanted:
        ledger.executions = read(broker, wanted) or {}
    for order in orders:
        before, snapshot = order.status, snapshots[order.id]
        if snapshot is None:
            ledger.mark_unknown(order, "the broker has no order with this client_order_id")
            _repaired(uow, report, order.run_id, "order", order.client_order_id, "marked_unknown", _lost(order, before))
            continue
        if ledger.apply(order, snapshot).changed:
            report.changed.append((order.run_id, order.client_order_id, order.status))
            _repaired(uow, report, order.run_id, "order", order.client_order_id, "synced",
                      f"{before} → {order.status} (filled {order.filled_qty})")


def _lost(order: Order, before: str) -> str:
    """What became of an order the broker does not know. One never acknowledged was decided, recorded and then
    lost with the worker before it was sent (trial 35: a SELL 1 SPY so lost read "was submitted; the broker does
    not know it", and the run kept the share it had decided to sell): it is not sent again, its bar has passed."""
    if before == "submitted" and not order.broker_order_id:
        what = " ".join(str(part) for part in (order.side.upper(), _amount(order), order.symbol))
        decided = f" on the bar of {order.bar_ts.isoformat().replace('+00:00', 'Z')}" if order.bar_ts else ""
        return (f"{what}, decided{decided}, never reached the broker: the worker stopped before sending it. It is "
                "not sent again (its bar has passed): the run holds what it held before it")
    return f"was {before}; the broker does not know it"


def _amount(order: Order) -> str:
    if order.qty is not None:
        return f"{order.qty.normalize():f}"
    if order.notional is not None:
        return f"${order.notional:,.2f} of"
    return f"{order.percent}% of equity in" if order.percent is not None else "an order of"


def run_of(client_order_id: str | None) -> str | None:
    """The run id that starts one of Weaver's client_order_ids (see app.marvin.gateway), if any."""
    if not client_order_id or len(client_order_id) < 37 or client_order_id[36] != "-":
        return None
    candidate = client_order_id[:36]
    return candidate if candidate.count("-") == 4 else None


def _key(symbol: str) -> str:
    return symbol.replace("/", "")


def _mismatches(uow: UnitOfWork, broker: Broker, runs: dict[str, Run]) -> dict[str, tuple[str, Decimal, Decimal]]:
    """Symbols whose positions differ: key → (symbol, Weaver's runs' total, the account's). Pairs are compared
    whatever their spelling (Alpaca answers BTCUSD or BTC/USD). A crypto long the account holds a little less
    of (at most CRYPTO_FEE_SHARE) is the buys' fees, taken in the coin: Veda books them when the run sells
    (app/veda/crypto_fees.py), so it is logged as such, not a mismatch."""
    uow.session.flush()
    believed: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for position in uow.session.scalars(select(Position).where(Position.run_id.in_(list(runs)))):
        key = _key(position.symbol)
        names[key] = position.symbol
        believed[key] = believed.get(key, Decimal(0)) + position.qty
    actual: dict[str, Decimal] = {}
    for p in broker.positions():
        key = _key(p.symbol)
        names.setdefault(key, p.symbol)
        actual[key] = p.signed_qty
    found: dict[str, tuple[str, Decimal, Decimal]] = {}
    for key in sorted(set(believed) | set(actual)):
        mine, theirs, symbol = believed.get(key, Decimal(0)), actual.get(key, Decimal(0)), names[key]
        if mine == theirs:
            continue
        if "/" in symbol and 0 < theirs < mine <= theirs * (1 + CRYPTO_FEE_SHARE):
            log.info("reconciliation: %s: the account holds %s less than Weaver's runs (%s): crypto fees "
                     "taken in the coin, booked when the run sells", symbol, mine - theirs, mine)
            continue
        found[key] = (symbol, mine, theirs)
    return found


def _repaired(uow: UnitOfWork, report: Report, run_id: str | None, subject: str, key: str, action: str,
              detail: str) -> None:
    report.repaired.append(f"{subject} {key}: {action} ({detail})")
    log.warning("reconciliation: %s %s %s: %s", subject, key, action, detail)
    uow.outbox.emit("reconcile.repaired", {"run_id": run_id, "subject": subject, "key": key, "action": action,
                                           "detail": detail}, run_id=run_id)
