"""The shared state the trading and matching functions work on, and how they report changes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from app.exchange.accounts import Account
from app.exchange.activities import FillActivity
from app.exchange.datahours import last_print_ms
from app.exchange.events import EventHub
from app.exchange.execution import Execution
from app.exchange.fees import CryptoFees
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.numbers import fmt, price_decimal
from app.exchange.orders import Order
from app.exchange.quotes import quote_at, range_ratio
from app.exchange.timefmt import iso

AROUND_THE_CLOCK = MarketHours("always")  # crypto's hours


@dataclass
class Venue:
    """Accounts, market and event hub; every method runs under the exchange lock."""

    market: Market
    hours: MarketHours
    hub: EventHub
    accounts: dict[str, Account]
    half_spread_bps: float = 0.0
    on_change: Callable[[], None] = lambda: None
    partial_fill: float = 1.0  # share of a market order filled on arrival (tests of partial fills)
    execution: Execution = Execution()  # ideal or realistic fills (app/exchange/execution.py)
    fees: CryptoFees = CryptoFees()  # crypto maker/taker basis points (app/exchange/fees.py)

    def hours_for(self, symbol: str) -> MarketHours:
        """When `symbol` trades: crypto around the clock whatever `--hours` says, equities by the venue's hours."""
        config = self.market.configs.get(symbol)
        return AROUND_THE_CLOCK if config is not None and config.is_crypto else self.hours

    def marked_at(self, symbol: str, now_ms: int) -> int:
        """The moment whose price `symbol` stands at now: now while it trades (extended hours included) or
        while a test pins it; when the market is closed (overnight, closed days) the last extended-hours
        print, as the data API's latest trade (datahours.py): nothing trades there, so no mark moves."""
        if self.market.pinned(symbol):
            return now_ms
        return last_print_ms(self.hours_for(symbol), now_ms)

    def price(self, symbol: str, now_ms: int) -> Decimal:
        """What `symbol` is marked at and orders are checked against now."""
        return price_decimal(self.market.price_at(symbol, self.marked_at(symbol, now_ms)))

    def quote(self, symbol: str, now_ms: int) -> tuple[Decimal, Decimal]:
        """(bid, ask) now: the latest-quote route's model around the current trade price, a few basis
        points apart, wider after a volatile bar (the previous bar's range: a quote does not know how
        its own bar will move)."""
        at = self.marked_at(symbol, now_ms)
        k = self.market.bar_index(at)
        bar = self.market.bars(symbol, k - 1, k)
        ratio = float(range_ratio(self.market.configs[symbol], self.market.bar_ms, bar)[0])
        bid, ask = quote_at(self.market.price_at(symbol, at), self.half_spread_bps, ratio)
        return price_decimal(max(bid, 0.01)), price_decimal(ask)

    def price_of(self, now_ms: int) -> Callable[[str], Decimal]:
        cache: dict[str, Decimal] = {}

        def lookup(symbol: str) -> Decimal:
            if symbol not in cache:
                cache[symbol] = self.price(symbol, now_ms)
            return cache[symbol]

        return lookup

    def order_json(self, account: Account, order: Order, nested: bool = True) -> dict[str, object]:
        legs = None
        if nested and order.leg_ids:
            legs = [account.orders[leg].to_json() for leg in order.leg_ids]
        return order.to_json(legs)

    def set_status(self, account: Account, order: Order, status: str, now_ms: int) -> None:
        """Move an order to a final or resting status and tell its account's stream."""
        order.status = status
        order.updated_ms = now_ms
        if status == "canceled":
            order.canceled_ms = now_ms
        elif status == "expired":
            order.expired_ms = now_ms
        elif status == "rejected":
            order.failed_ms = now_ms
        event = {"held": None}.get(status, status)
        if event:
            self.publish(account, order, event, now_ms)
        self.on_change()

    def publish(self, account: Account, order: Order, event: str, now_ms: int, **fill: Decimal) -> None:
        data: dict[str, object] = {
            "event": event,
            "timestamp": iso(now_ms),
            "order": self.order_json(account, order),
        }
        if fill:
            if event in ("fill", "partial_fill"):  # the account's FILL activity, as Alpaca lists it
                account.activities.append(FillActivity.of(order, event, fill["price"], fill["qty"], now_ms))
            data["execution_id"] = str(uuid.uuid4())
            data.update({name: fmt(value) for name, value in fill.items()})
        self.hub.publish(account.name, {"stream": "trade_updates", "data": data})
