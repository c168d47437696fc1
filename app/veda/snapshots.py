"""The account view the API shows: captured by the live worker (it owns every broker call)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.veda.alpaca import AlpacaBroker, BrokerError
from app.walle.models import AccountSnapshot
from app.walle.uow import UnitOfWork

ACCOUNT_FIELDS = ("cash", "equity", "buying_power", "last_equity", "status", "account_number", "portfolio_value")


def record_snapshot(uow: UnitOfWork, kind: str, broker: AlpacaBroker) -> AccountSnapshot:
    snapshot = uow.session.get(AccountSnapshot, kind) or AccountSnapshot(kind=kind)
    uow.session.add(snapshot)
    snapshot.captured_at = datetime.now(UTC)
    try:
        account = broker.account()
        snapshot.account = {k: account.get(k) for k in ACCOUNT_FIELDS}
        snapshot.positions = [{k: p.get(k) for k in ("symbol", "qty", "side", "avg_entry_price", "current_price",
                                                      "market_value", "unrealized_pl", "unrealized_intraday_pl")}
                              for p in broker.positions()]
        snapshot.open_orders = [{k: o.get(k) for k in ("id", "client_order_id", "symbol", "side", "type", "qty",
                                                         "limit_price", "stop_price", "status", "submitted_at")}
                                for o in broker.open_orders()]
        snapshot.error = None
    except BrokerError as exc:
        snapshot.error = exc.message
    return snapshot
