"""The account view the API shows: captured by the live worker (it owns every broker call)."""

from __future__ import annotations

from dataclasses import asdict

from app.clock.system import Clock
from app.veda.alpaca import BrokerError
from app.veda.ports import Broker
from app.veda.wire import text
from app.walle.models import AccountSnapshot
from app.walle.uow import UnitOfWork

ACCOUNT_FIELDS = ("cash", "equity", "buying_power", "last_equity", "status", "account_number", "portfolio_value")
POSITION_FIELDS = ("symbol", "qty", "side", "avg_entry_price", "current_price", "market_value", "unrealized_pl",
                   "unrealized_intraday_pl")
ORDER_FIELDS = ("id", "client_order_id", "symbol", "side", "type", "qty", "notional", "filled_qty", "filled_avg_price",
                "limit_price", "stop_price", "status", "submitted_at")  # (trial 41: the Live page's Filled read 0)


def record_snapshot(uow: UnitOfWork, kind: str, broker: Broker, clock: Clock) -> AccountSnapshot:
    snapshot = uow.session.get(AccountSnapshot, kind) or AccountSnapshot(kind=kind)
    uow.session.add(snapshot)
    snapshot.captured_at = clock.now()
    try:
        account = asdict(broker.account())
        snapshot.account = {k: text(account.get(k)) for k in ACCOUNT_FIELDS}
        snapshot.positions = [{k: text(getattr(p, k)) for k in POSITION_FIELDS} for p in broker.positions()]
        snapshot.open_orders = [{k: text(getattr(o, k)) for k in ORDER_FIELDS} for o in broker.open_orders()]
        snapshot.error = None
    except BrokerError as exc:
        snapshot.error = exc.message
    return snapshot
