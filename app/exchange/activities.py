"""Account activities in Alpaca's shapes: one FILL entry per execution, recorded where fills are
published, and one CFEE entry per crypto fee (app/exchange/fees.py), posted with its fill.

Each entry says how it moved the account's cash and positions, so portfolio history can undo it.
Alpaca's ids are `<New York time as YYYYMMDDHHMMSSmmm>::<uuid>`, so they sort by time and double as
page tokens; each entry keeps the order's cumulative and remaining qty and status as of that fill.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

from app.exchange.fees import Charge
from app.exchange.numbers import ZERO, cents, fmt
from app.exchange.orders import Order
from app.exchange.timefmt import NEW_YORK, iso, ny_date, to_datetime

# Alpaca's ActivityType enum (trading.yaml); FILL and CFEE happen on the local exchange.
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
    activity_type = "FILL"

    @classmethod
    def of(cls, order: Order, event: str, price: Decimal, qty: Decimal, now_ms: int) -> FillActivity:
        leaves = max((order.qty or order.filled_qty) - order.filled_qty, Decimal(0))
        return cls(activity_id(now_ms), now_ms, order.id, order.symbol, order.side, event, fmt(price) or "0",
                   fmt(qty) or "0", fmt(order.filled_qty) or "0", fmt(leaves) or "0", order.status)

    @property
    def signed_qty(self) -> Decimal:
        return Decimal(self.qty) if self.side == "buy" else -Decimal(self.qty)

    @property
    def cash_change(self) -> Decimal:
        return -cents(self.signed_qty * Decimal(self.price))

    @property
    def qty_change(self) -> Decimal:
        return self.signed_qty

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


@dataclass(frozen=True)
class FeeActivity:
    """A crypto fee as Alpaca posts it, a CFEE non-trade activity: a buy's fee in coin (`qty` negative,
    `net_amount` "0", `price` the fill's), a sell's in USD (`net_amount` negative, no qty or price)."""

    id: str
    ms: int
    order_id: str  # which fill it came with (Alpaca's CFEE does not say; kept in the state file only)
    symbol: str
    coin: str  # coins taken from the position (a buy), else "0"
    usd: str  # dollars taken from the proceeds (a sell), else "0"
    price: str
    activity_type = "CFEE"

    @classmethod
    def of(cls, order: Order, charge: Charge, now_ms: int) -> FeeActivity:
        return cls(activity_id(now_ms), now_ms, order.id, order.symbol, fmt(charge.coin) or "0",
                   fmt(charge.usd) or "0", fmt(charge.price) or "0")

    @property
    def cash_change(self) -> Decimal:
        return -Decimal(self.usd)

    @property
    def qty_change(self) -> Decimal:
        return -Decimal(self.coin)

    def to_json(self, account_id: str) -> dict[str, object]:
        body: dict[str, object] = {
            "id": self.id,
            "account_id": account_id,  # alpaca-py's NonTradeActivity (a BaseActivity) requires it
            "activity_type": "CFEE",
            "date": ny_date(self.ms).isoformat(),  # a day, as Alpaca's example and alpaca-py's model have it
            "net_amount": fmt(self.cash_change) or "0",
            "description": "Coin Pair Transaction Fee (Non USD)" if self.coin != "0" else
                           "Coin Pair Transaction Fee (USD)",
            "symbol": self.symbol.replace("/", ""),  # Alpaca's example: "ETHUSD"
            "status": "executed",
        }
        if self.coin != "0":
            body.update(qty=fmt(self.qty_change) or "0", price=self.price)
        return body

    def to_state(self) -> dict[str, object]:
        return {"activity_type": "CFEE", **asdict(self)}


Activity = FillActivity | FeeActivity


def activities_from_state(raws: list[dict]) -> list[Activity]:
    """The saved feed, oldest first. A FILL saved before fees became CFEEs carries its USD fee as `fee`:
    it comes back as that fill and a USD CFEE, so cash and history stay as they were."""
    restored: list[Activity] = []
    for raw in raws:
        data = dict(raw)
        if data.pop("activity_type", "FILL") == "CFEE":
            restored.append(FeeActivity(**data))
            continue
        fee = data.pop("fee", "0")
        fill = FillActivity(**data)
        restored.append(fill)
        if Decimal(fee) != ZERO:
            restored.append(FeeActivity(activity_id(fill.ms), fill.ms, fill.order_id, fill.symbol, "0", fee,
                                        fill.price))
    return restored
