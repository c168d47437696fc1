"""Account activities: one FILL entry per execution, in Alpaca's shape, recorded where fills are published.

Alpaca's ids are `<New York time as YYYYMMDDHHMMSSmmm>::<uuid>`, so they sort by time and double as
page tokens; each entry keeps the order's cumulative and remaining qty and status as of that fill.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

from app.exchange.numbers import fmt
from app.exchange.orders import Order
from app.exchange.timefmt import NEW_YORK, iso, to_datetime

# Alpaca's ActivityType enum (trading.yaml); only FILL ever happens on the local exchange.
ACTIVITY_TYPES = frozenset({
    "FILL", "TRANS", "MISC", "ACATC", "ACATS", "CSD", "CSW", "DIV", "DIVCGL", "DIVCGS", "DIVFEE", "DIVFT",
    "DIVNRA", "DIVROC", "DIVTW", "DIVTXEX", "INT", "INTNRA", "INTTW", "JNL", "JNLC", "JNLS", "MA", "NC",
    "OPASN", "OPEXP", "OPXRC", "PTC", "PTR", "REORG", "SC", "SSO", "SSP", "CFEE", "FEE",
})


def activity_id(ms: int) -> str:
    stamp = to_datetime(ms, NEW_YORK).strftime("%Y%m%d%H%M%S") + f"{ms % 1000:03d}"
    return f"{stamp}::{uuid.uuid4()}"


@dataclass(frozen=True)
class FillActivity:
    """One execution of one order, as the account's activity feed reports it."""

    id: str
    ms: int
    order_id: str
    symbol: str
    side: str
    type: str  # fill | partial_fill
    price: str
    qty: str
    cum_qty: str
    leaves_qty: str
    order_status: str
    fee: str = "0"  # USD charged on this fill (crypto, app/exchange/fees.py); kept so history can undo it

    @classmethod
    def of(cls, order: Order, event: str, price: Decimal, qty: Decimal, now_ms: int,
           fee: Decimal | None = None) -> FillActivity:
        leaves = max((order.qty or order.filled_qty) - order.filled_qty, Decimal(0))
        return cls(activity_id(now_ms), now_ms, order.id, order.symbol, order.side, event, fmt(price) or "0",
                   fmt(qty) or "0", fmt(order.filled_qty) or "0", fmt(leaves) or "0", order.status,
                   fmt(fee) or "0")

    @property
    def signed_qty(self) -> Decimal:
        return Decimal(self.qty) if self.side == "buy" else -Decimal(self.qty)

    def to_json(self, account_id: str) -> dict[str, object]:
        return {
            "id": self.id,
            "account_id": account_id,  # alpaca-py's TradeActivity requires it; the document omits it
            "activity_type": "FILL",
            "transaction_time": iso(self.ms),
            "type": self.type,
            "price": self.price,
            "qty": self.qty,
            "side": self.side,
            "symbol": self.symbol,
            "leaves_qty": self.leaves_qty,
            "order_id": self.order_id,
            "cum_qty": self.cum_qty,
            "order_status": self.order_status,
        }

    def to_state(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_state(cls, data: dict) -> FillActivity:
        return cls(**data)
