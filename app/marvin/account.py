"""What a strategy sees of its own trading: positions with prices, trades, orders, fills.

The same types come from Greta's simulated broker and from Veda's broker records, so a strategy
reads `self.position.avg_price` or gets `on_fill(fill)` identically in a backtest and live.

`Position` is a Decimal (the signed quantity) with the details as attributes, so strategies that
compare `self.position` with numbers, test it with `not`, or pass it as `size=` keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.marvin.gateway import OrderGateway

ZERO = Decimal(0)
_E6 = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class PositionDetail:
    """The broker's answer: signed quantity, average entry price of what is held, and the mark."""

    qty: Decimal
    avg_price: Decimal
    mark: Decimal


class Position(Decimal):
    """Signed quantity (negative when short) that also knows its prices; details are asked for lazily."""

    __slots__ = ("symbol", "_gateway")

    def __new__(cls, qty: Decimal, symbol: str, gateway: OrderGateway) -> Position:
        self = super().__new__(cls, qty)
        self.symbol, self._gateway = symbol, gateway
        return self

    @property
    def qty(self) -> Decimal:
        return Decimal(self)

    @property
    def is_long(self) -> bool:
        """Held long (backtesting.py's `position.is_long`, for strategies ported from it)."""
        return self > 0

    @property
    def is_short(self) -> bool:
        return self < 0

    @property
    def detail(self) -> PositionDetail:
        """Asked of the broker at each read: the mark moves with every bar, the quantity does not."""
        return ZERO_DETAIL if not self else self._gateway.position_detail(self.symbol)

    @property
    def avg_price(self) -> Decimal:
        """Quantity-weighted entry price of the open lots (0 when flat)."""
        return self.detail.avg_price

    @property
    def mark(self) -> Decimal:
        """The price the position is valued at: the latest close."""
        return self.detail.mark

    @property
    def market_value(self) -> Decimal:
        """Signed: negative for a short."""
        detail = self.detail
        return detail.qty * detail.mark

    @property
    def unrealized_pnl(self) -> Decimal:
        """(mark − average entry) × signed quantity, before fees."""
        detail = self.detail
        return (detail.mark - detail.avg_price) * detail.qty

    @property
    def unrealized_pnl_pct(self) -> Decimal:
        detail = self.detail
        cost = abs(detail.avg_price * detail.qty)
        return (self.unrealized_pnl * 100 / cost).quantize(_E6) if cost else ZERO

    def __repr__(self) -> str:
        return f"Position({self.symbol} {Decimal(self)})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (and copies) as the plain quantity
        return (Decimal, (str(self),))


ZERO_DETAIL = PositionDetail(ZERO, ZERO, ZERO)


@dataclass(frozen=True, slots=True)
class OrderInfo:
    """An order as the broker last reported it. `status`: new | held | partially_filled | filled |
    canceled | expired | rejected."""

    id: str
    symbol: str
    side: str
    type: str
    status: str
    qty: Decimal | None
    filled_qty: Decimal
    filled_avg_price: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    reject_reason: str | None
    parent_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in ("new", "held", "accepted", "partially_filled")


@dataclass(frozen=True, slots=True)
class Fill:
    order_id: str
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    time: datetime


@dataclass(frozen=True, slots=True)
class Trade:
    """A round trip (closed) or an open lot (exit fields None, pnl unrealised at the mark)."""

    symbol: str
    direction: str  # long | short
    size: Decimal
    entry_time: datetime
    entry_price: Decimal
    exit_time: datetime | None
    exit_price: Decimal | None
    pnl: Decimal  # closed: net of entry and exit fees; open: (mark − entry) × size, signed by direction

    @property
    def is_open(self) -> bool:
        return self.exit_time is None


# What the runner hands the callbacks, in the order things happened: ("fill", Fill) | ("order", OrderInfo).
Event = tuple[str, Any]
