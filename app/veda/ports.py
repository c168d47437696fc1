"""The broker port: what Veda asks of a broker, answered with typed, frozen snapshots.

The alpaca-py adapter (app/veda/alpaca.py) converts Alpaca's JSON at its edge; the in-memory fake
(tests/fakes/broker.py) answers the same way, so Veda's tick is unit-tested without HTTP. Money and
quantities are Decimal, times are aware UTC datetimes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from app.clock.system import Clock
from app.marvin.instruments import Instrument

__all__ = ["Account", "Activity", "Asset", "BarRow", "Broker", "BrokerOrder", "BrokerPosition", "Clock", "Fill",
           "MarketClock", "SessionDay"]


@dataclass(frozen=True)
class Account:
    cash: Decimal
    equity: Decimal
    buying_power: Decimal
    last_equity: Decimal | None = None
    portfolio_value: Decimal | None = None
    status: str = "ACTIVE"
    account_number: str | None = None


@dataclass(frozen=True)
class BrokerPosition:
    symbol: str
    qty: Decimal  # as the broker states it (a short may say a positive qty with side "short")
    side: str = "long"
    avg_entry_price: Decimal | None = None
    current_price: Decimal | None = None
    market_value: Decimal | None = None
    unrealized_pl: Decimal | None = None
    unrealized_intraday_pl: Decimal | None = None

    @property
    def signed_qty(self) -> Decimal:
        return -abs(self.qty) if self.side == "short" else self.qty


@dataclass(frozen=True)
class BrokerOrder:
    """An order as the broker last reported it; `legs` are the exits of a bracket."""

    id: str
    client_order_id: str
    symbol: str
    side: str
    status: str
    type: str = "market"
    order_class: str = "simple"
    time_in_force: str = "day"
    qty: Decimal | None = None
    notional: Decimal | None = None
    filled_qty: Decimal = Decimal(0)
    filled_avg_price: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    filled_at: datetime | None = None
    legs: tuple[BrokerOrder, ...] = ()


@dataclass(frozen=True)
class Fill:
    """One execution of an order (the fake broker scripts these; Alpaca reports them cumulatively)."""

    client_order_id: str
    qty: Decimal
    price: Decimal
    ts: datetime


@dataclass(frozen=True)
class Activity:
    """One FILL or CFEE entry of the account's activity feed. A CFEE names no order (Alpaca's does not):
    it is told apart by the FILL it follows. A coin fee has `qty` (negative: coins taken) and `price`;
    a dollar fee has `net_amount` (negative) only."""

    id: str  # Alpaca's `<time>::<uuid>`: the feed's order, and a page token
    kind: str  # FILL | CFEE
    symbol: str  # a FILL says BTC/USD, a CFEE BTCUSD
    order_id: str | None = None  # FILL
    side: str | None = None  # FILL
    cum_qty: Decimal | None = None  # FILL: the order's filled qty after it
    qty: Decimal | None = None
    price: Decimal | None = None
    net_amount: Decimal | None = None  # CFEE
    ts: datetime | None = None  # its transaction_time


@dataclass(frozen=True)
class Asset:
    symbol: str
    asset_class: str
    tradable: bool = True
    fractionable: bool = True
    price_increment: Decimal | None = None
    min_trade_increment: Decimal | None = None


@dataclass(frozen=True)
class MarketClock:
    timestamp: datetime
    is_open: bool
    next_open: datetime | None = None
    next_close: datetime | None = None


@dataclass(frozen=True)
class SessionDay:
    """One trading day of the broker's calendar, times as Alpaca writes them (HH:MM, New York)."""

    date: date
    open: str
    close: str


@dataclass(frozen=True)
class BarRow:
    """One bar as the data API gives it; prices as the API wrote them (the caller rounds)."""

    ts: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


class Broker(Protocol):
    """One credential set's account at the broker (paper or live)."""

    kind: str

    def deadline(self, seconds: float) -> AbstractContextManager[None]: ...
    def submit_order(self, order: Any) -> BrokerOrder: ...
    def order_by_client_id(self, client_order_id: str, retry: bool = True) -> BrokerOrder | None: ...
    def cancel_order(self, broker_order_id: str) -> bool: ...
    def cancel_all(self) -> int: ...
    def open_orders(self) -> list[BrokerOrder]: ...
    def positions(self) -> list[BrokerPosition]: ...
    def account(self) -> Account: ...
    def asset(self, symbol: str) -> Asset | None: ...
    def instrument(self, symbol: str) -> Instrument | None: ...
    def clock(self) -> MarketClock: ...
    def calendar(self, start: str, end: str) -> list[SessionDay]: ...
    def bars(self, symbols: list[str], timeframe: str, start_iso: str, end_iso: str | None = None
             ) -> dict[str, list[BarRow]]: ...
    def activities(self, kinds: str, page_token: str | None = None, after: datetime | None = None,
                   page_size: int = 100) -> list[Activity]: ...
