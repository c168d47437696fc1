"""The order record and its Alpaca JSON form.

Every field alpaca-py's `Order` model or the OpenAPI `Order` schema knows is sent; money and
quantities as strings, as Alpaca does. `hwm`, `trail_price` and `trail_percent` are sent for trailing
stops only: the OpenAPI schema types them as non-nullable strings while Alpaca sends null for other
orders, and alpaca-py treats them as optional, so omitting them satisfies both.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from app.exchange.numbers import ZERO, fmt
from app.exchange.timefmt import iso

OPEN_STATUSES = frozenset({"new", "partially_filled", "accepted", "pending_new", "held"})
ASSET_NAMESPACE = uuid.UUID("6b3d2b6e-8b0b-4d43-9a3e-6f1f4c0a5e11")


def asset_id(symbol: str) -> str:
    """A stable asset id per symbol, so positions and orders agree across restarts."""
    return str(uuid.uuid5(ASSET_NAMESPACE, f"us_equity/{symbol}"))


@dataclass
class Order:
    """One order of one account; legs of a bracket are orders too, linked by parent_id/leg_ids."""

    id: str
    client_order_id: str
    account: str
    symbol: str
    side: str
    type: str
    time_in_force: str
    qty: Decimal | None
    notional: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    status: str
    created_ms: int
    order_class: str = "simple"
    extended_hours: bool = False
    position_intent: str | None = None
    updated_ms: int = 0
    filled_ms: int | None = None
    canceled_ms: int | None = None
    expired_ms: int | None = None
    failed_ms: int | None = None
    expires_ms: int | None = None  # day orders: the session close
    filled_qty: Decimal = ZERO
    filled_value: Decimal = ZERO  # sum of qty * price over fills, for the average
    parent_id: str | None = None
    leg_ids: list[str] = field(default_factory=list)
    leg_role: str | None = None  # "take_profit" or "stop_loss"
    triggered: bool = False  # a stop_limit whose stop has been hit
    trail_price: Decimal | None = None  # trailing stops: the stop follows hwm by this amount …
    trail_percent: Decimal | None = None  # … or by this percentage of it
    hwm: Decimal | None = None  # the best price since submission (highest for a sell, lowest for a buy)
    auction_ms: int | None = None  # opg/cls: the opening or closing auction this order waits for
    replaced_ms: int | None = None
    not_before_ms: int | None = None  # realistic fills: when the order reaches the market (accept + latency)
    budget_bar: int | None = None  # realistic fills: the bar whose volume share this order is using …
    budget_used: Decimal = ZERO  # … and how much of it it has taken
    replaced_by: str | None = None
    replaces: str | None = None
    checked_ms: int = 0  # resting orders are matched against the price path from here on
    asset_class: str = "us_equity"  # or "crypto" (BTC/USD …): Alpaca sends it with every order
    rested: bool = False  # met no price on a pass at the market: its later fills make liquidity (fees)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining_qty(self) -> Decimal | None:
        """None for an unfilled notional order (its qty is fixed by the fill price)."""
        return None if self.qty is None else self.qty - self.filled_qty

    @property
    def filled_avg_price(self) -> Decimal | None:
        if self.filled_qty == 0:
            return None
        return (self.filled_value / self.filled_qty).quantize(Decimal("0.0001")).normalize()

    def to_json(self, legs: list[dict] | None = None) -> dict[str, object]:
        created = iso(self.created_ms)
        body: dict[str, object] = {
            "id": self.id,
            "client_order_id": self.client_order_id,
            "created_at": created,
            "updated_at": iso(self.updated_ms or self.created_ms),
            "submitted_at": created,
            "filled_at": iso(self.filled_ms),
            "expired_at": iso(self.expired_ms),
            "expires_at": iso(self.expires_ms),
            "canceled_at": iso(self.canceled_ms),
            "failed_at": iso(self.failed_ms),
            "replaced_at": iso(self.replaced_ms),
            "replaced_by": self.replaced_by,
            "replaces": self.replaces,
            "asset_id": asset_id(self.symbol),
            "symbol": self.symbol,
            "asset_class": self.asset_class,
            "notional": fmt(self.notional),
            "qty": fmt(self.qty),
            "filled_qty": fmt(self.filled_qty),
            "filled_avg_price": fmt(self.filled_avg_price),
            "order_class": self.order_class,
            "order_type": self.type,
            "type": self.type,
            "side": self.side,
            "position_intent": self.position_intent,
            "time_in_force": self.time_in_force,
            "limit_price": fmt(self.limit_price),
            "stop_price": fmt(self.stop_price),
            "status": self.status,
            "extended_hours": self.extended_hours,
            "legs": legs,
        }
        if self.type == "trailing_stop":
            trail = {"trail_price": self.trail_price, "trail_percent": self.trail_percent, "hwm": self.hwm}
            body.update({name: fmt(value) for name, value in trail.items() if value is not None})
        return body

    def to_state(self) -> dict[str, object]:
        data = asdict(self)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}

    @classmethod
    def from_state(cls, data: dict[str, object]) -> Order:
        decimals = {f.name for f in fields(cls) if "Decimal" in str(f.type)}
        values = {k: (Decimal(str(v)) if k in decimals and v is not None else v) for k, v in data.items()}
        return cls(**values)
