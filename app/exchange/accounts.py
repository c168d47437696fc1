"""Accounts: cash, positions, realised P&L and the orders placed through each account's keys.

Buying-power model (documented for the live engineer): no leverage. Buying power is
`cash - 2 * |short market value| - reserved`, floored at zero, where `reserved` is what open
opening orders may cost (remaining qty x limit/stop/last price, or the notional). For a cash account
(shorting off) that is simply cash minus open buy orders; for a shorting account a short sale uses
buying power equal to its value (100% margin), and covering gives it back.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from app.exchange.activities import Activity
from app.exchange.config import AccountConfig
from app.exchange.fees import Charge
from app.exchange.numbers import ZERO, cents
from app.exchange.orders import Order
from app.exchange.settings import AccountSettings
from app.exchange.watchlists import Watchlist

ACCOUNT_NAMESPACE = uuid.UUID("0f8b8a9e-3c7d-4d9e-8f31-2b7e1c5d9a40")
PriceOf = Callable[[str], Decimal]


@dataclass
class Position:
    """A signed quantity (negative = short) with its average entry price."""

    symbol: str
    qty: Decimal
    avg_entry_price: Decimal
    opened_ms: int

    def to_state(self) -> dict[str, object]:
        return {"symbol": self.symbol, "qty": str(self.qty), "avg": str(self.avg_entry_price),
                "opened_ms": self.opened_ms}

    @classmethod
    def from_state(cls, data: dict) -> Position:
        return cls(data["symbol"], Decimal(data["qty"]), Decimal(data["avg"]), int(data["opened_ms"]))


@dataclass
class Account:
    """One account's money, positions and orders; mutated only under the exchange lock."""

    config: AccountConfig
    id: str
    number: str
    created_ms: int
    cash: Decimal
    realized_pl: Decimal = ZERO
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    by_client_id: dict[str, str] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)  # oldest first
    watchlists: dict[str, Watchlist] = field(default_factory=dict)
    settings: AccountSettings = field(default_factory=AccountSettings)

    @classmethod
    def open(cls, config: AccountConfig, now_ms: int) -> Account:
        account_id = str(uuid.uuid5(ACCOUNT_NAMESPACE, config.name))
        number = f"PA{zlib.crc32(config.name.encode()) % 10**10:010d}"
        return cls(config, account_id, number, now_ms, Decimal(config.cash),
                   settings=AccountSettings.default(config.shorting))

    @property
    def name(self) -> str:
        return self.config.name

    def add_order(self, order: Order) -> None:
        self.orders[order.id] = order
        self.by_client_id[order.client_order_id] = order.id

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        return [o for o in self.orders.values() if o.is_open and (symbol is None or o.symbol == symbol)]

    def position_qty(self, symbol: str) -> Decimal:
        position = self.positions.get(symbol)
        return position.qty if position else ZERO

    def apply_fill(self, symbol: str, side: str, qty: Decimal, price: Decimal, now_ms: int) -> Decimal:
        """Move cash and the position for one fill; returns the position qty after it."""
        signed = qty if side == "buy" else -qty
        self.cash -= cents(signed * price)
        position = self.positions.get(symbol)
        if position is None or position.qty == 0:
            self.positions[symbol] = Position(symbol, signed, price, now_ms)
            return signed
        if (position.qty > 0) == (signed > 0):  # adding to the position
            total = position.qty + signed
            position.avg_entry_price = (position.qty * position.avg_entry_price + signed * price) / total
            position.qty = total
            return total
        closing = min(abs(signed), abs(position.qty))
        direction = 1 if position.qty > 0 else -1
        self.realized_pl += cents(closing * (price - position.avg_entry_price) * direction)
        position.qty += signed
        if position.qty == 0:
            del self.positions[symbol]
            return ZERO
        if (position.qty > 0) != (direction > 0):  # crossed through flat (only via forced fills)
            position.avg_entry_price, position.opened_ms = price, now_ms
        return position.qty

    def pay_fee(self, symbol: str, charge: Charge) -> Decimal:
        """Take a crypto fee from what the fill credited (app/exchange/fees.py): coins from the position
        a buy just added to, dollars from a sale's proceeds; returns the position qty after it."""
        self.cash -= charge.usd
        position = self.positions.get(symbol)
        if position is None:
            return ZERO
        position.qty -= charge.coin
        if position.qty == 0:
            del self.positions[symbol]
            return ZERO
        return position.qty

    def held_for_sale(self, symbol: str, exclude: str | None = None) -> Decimal:
        """Shares already promised to open sell orders (one leg per bracket: they cancel each other)."""
        return sum(
            (o.remaining_qty or ZERO for o in self.open_orders(symbol)
             if o.side == "sell" and o.leg_role != "stop_loss" and o.id != exclude and o.status != "held"),
            ZERO,
        )

    def reserved(self, price_of: PriceOf) -> Decimal:
        """What open orders that open or add to positions may still cost."""
        total = ZERO
        for order in self.open_orders():
            if order.status == "held" or order.parent_id is not None:
                continue
            total += self.order_cost(order, price_of)
        return total

    def order_cost(self, order: Order, price_of: PriceOf) -> Decimal:
        held = self.position_qty(order.symbol)
        if order.side == "sell" and held > 0:
            return ZERO  # selling what we hold frees money
        if order.side == "buy" and held < 0:
            return ZERO  # covering a short frees buying power
        if order.qty is None:
            return order.notional or ZERO
        reference = order.limit_price or order.stop_price or price_of(order.symbol)
        return (order.remaining_qty or ZERO) * reference

    def market_values(self, price_of: PriceOf) -> tuple[Decimal, Decimal]:
        """(long market value, short market value); the short one is negative, as Alpaca's."""
        long_value = short_value = ZERO
        for position in self.positions.values():
            value = position.qty * price_of(position.symbol)
            if value >= 0:
                long_value += value
            else:
                short_value += value
        return cents(long_value), cents(short_value)

    def buying_power(self, price_of: PriceOf) -> Decimal:
        _, short_value = self.market_values(price_of)
        return max(cents(self.cash + 2 * short_value - self.reserved(price_of)), ZERO)
