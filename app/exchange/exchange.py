"""The exchange itself: composition of market, accounts and streams, its lock, ticker and admin verbs.

Every state change happens under one lock (`session()`); the ticker thread re-checks resting orders
every `tick_seconds`, so a crossing price fills within a tick; pinning a price matches at once.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from app.exchange import matching, state
from app.exchange.accounts import Account
from app.exchange.config import AccountConfig, ConfigError, ExchangeConfig
from app.exchange.errors import ExchangeError, invalid, not_found
from app.exchange.events import EventHub
from app.exchange.faults import FaultBook, FaultRule
from app.exchange.fees import CryptoFees
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.numbers import ZERO, fmt, price_decimal, to_decimal
from app.exchange.orders import Order
from app.exchange.replay import StoredBars
from app.exchange.timefmt import from_datetime, wall_clock_ms
from app.exchange.venue import Venue
from app.exchange.views import account_json, positions_json


class Exchange:
    """One running exchange; thread-safe."""

    def __init__(self, config: ExchangeConfig, clock: Callable[[], int] = wall_clock_ms,
                 replay: dict[str, StoredBars] | None = None) -> None:
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        saved = state.load(config.state_file)
        now = clock()
        if config.anchor is not None:
            self.anchor_ms = from_datetime(config.anchor)
        else:
            self.anchor_ms = int(saved["anchor_ms"]) if saved else now
        self.faults = FaultBook()
        self.hub = EventHub()
        self.market = Market(config.symbols, config.seed, config.bar_ms, self.anchor_ms, config.correlation, replay)
        self._account_configs = list(config.accounts)
        self.venue = Venue(self.market, MarketHours(config.hours), self.hub, {}, config.half_spread_bps,
                           self._changed, config.partial_fill, config.execution,
                           CryptoFees(config.crypto_maker_bps, config.crypto_taker_bps))
        self._open_accounts(now)
        for name, data in (saved or {}).get("accounts", {}).items():
            if name in self.venue.accounts:
                state.restore(self.venue.accounts[name], data)
        self._dirty = False
        self._saved_ms = now
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- sessions and identity -------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[tuple[Venue, int]]:
        """The venue and the current time, under the exchange lock."""
        with self.lock:
            yield self.venue, self.clock()

    def authenticate(self, key: str | None, secret: str | None) -> Account | None:
        with self.lock:
            for account in self.venue.accounts.values():
                if account.config.key == key and account.config.secret == secret:
                    return account
        return None

    def add_account(self, config: AccountConfig) -> Account:
        with self.lock:
            if any(c.name == config.name or c.key == config.key for c in self._account_configs):
                raise invalid(f"account {config.name!r} or its key already exists")
            self._account_configs.append(config)
            account = Account.open(config, self.clock())
            self.venue.accounts[config.name] = account
            self._changed()
            return account

    # -- prices ------------------------------------------------------------------------------
    def pin_price(self, symbol: str, price: object) -> None:
        """Hold `symbol` at `price` until released; resting orders it crosses fill before this returns."""
        with self.session() as (venue, now):
            self._require_symbol(symbol)
            value = to_decimal(price)
            if value < Decimal("0.01"):
                raise invalid("price must be at least 0.01")
            self.market.pin(symbol, float(value), now)
            matching.match_symbol(venue, symbol, now, price_decimal(float(value)))

    def release_price(self, symbol: str) -> None:
        with self.session() as (_, now):
            self._require_symbol(symbol)
            self.market.release(symbol, now)

    def prices(self) -> dict[str, str | None]:
        with self.session() as (venue, now):
            return {s: fmt(venue.price(s, now)) for s in self.market.configs}

    # -- faults and streams -----------------------------------------------------------------
    def add_fault(self, **spec: object) -> FaultRule:
        return self.faults.add(spec)

    def clear_faults(self) -> None:
        self.faults.clear()

    def drop_streams(self, account: str | None = None) -> int:
        return self.hub.drop(account)

    def set_execution(self, half_spread_bps: object = None, partial_fill: object = None,
                      **model: object) -> dict[str, object]:
        """Change how orders execute from now on: the half spread, the share of an ideal market order filled
        on arrival, and the execution model (`fills`, `volume_share`, `latency_ms`, `random_partials`)."""
        with self.session() as (venue, _):
            if half_spread_bps is not None:
                if not isinstance(half_spread_bps, int | float) or not 0 <= half_spread_bps <= 10_000:
                    raise ValueError("half_spread_bps must be a number within [0, 10000]")
                venue.half_spread_bps = float(half_spread_bps)
            if partial_fill is not None:
                if not isinstance(partial_fill, int | float) or not 0 < partial_fill <= 1:
                    raise ValueError("partial_fill must be a number within (0, 1]")
                venue.partial_fill = float(partial_fill)
            changes = {name: value for name, value in model.items() if value is not None}
            unknown = sorted(set(changes) - {"fills", "volume_share", "latency_ms", "random_partials"})
            if unknown:
                raise ValueError(f"unknown execution setting(s): {', '.join(unknown)}")
            try:
                venue.execution = dataclasses.replace(venue.execution, **changes)  # type: ignore[arg-type]
            except TypeError as exc:  # a setting of the wrong type
                raise ValueError(f"invalid execution setting: {exc}") from exc
            e = venue.execution
            return {"half_spread_bps": venue.half_spread_bps, "partial_fill": venue.partial_fill, "fills": e.fills,
                    "volume_share": e.volume_share, "latency_ms": e.latency_ms, "random_partials": e.random_partials}

    # -- forcing outcomes ---------------------------------------------------------------------
    def force_fill(self, order_id: str, qty: object = None, price: object = None) -> dict[str, object]:
        """Fill (part of) an open order now, at `price` or the last price."""
        with self.session() as (venue, now):
            account, order = self._find(order_id)
            if not order.is_open or order.status == "held":
                raise invalid(f'order is in "{order.status}" state')
            remaining = order.remaining_qty
            amount = to_decimal(qty) if qty is not None else remaining
            if amount is not None and (amount <= 0 or remaining is not None and amount > remaining):
                raise invalid("qty must be > 0 and at most the unfilled qty")
            at = to_decimal(price) if price is not None else venue.price(order.symbol, now)
            matching.fill(venue, account, order, amount or ZERO, at, now)
            return venue.order_json(account, order)

    def reject(self, order_id: str) -> dict[str, object]:
        """Reject an open order as a venue would after accepting it (trade update "rejected")."""
        with self.session() as (venue, now):
            account, order = self._find(order_id)
            if not order.is_open:
                raise invalid(f'order is in "{order.status}" state')
            venue.set_status(account, order, "rejected", now)
            for leg_id in order.leg_ids:
                if account.orders[leg_id].is_open:
                    venue.set_status(account, account.orders[leg_id], "canceled", now)
            return venue.order_json(account, order)

    def expire_day_orders(self) -> int:
        """End the trading day early: every open day order expires now."""
        with self.session() as (venue, now):
            expiring = [(a, o) for a in venue.accounts.values() for o in a.open_orders()
                        if o.time_in_force == "day"]
            for account, order in expiring:
                matching.expire(venue, account, order, now)  # a no-op for legs already canceled
            return len(expiring)

    def tick(self) -> None:
        with self.session() as (venue, now):
            matching.tick(venue, now)

    def reset(self) -> None:
        """Back to the configured accounts (runtime ones go), the pure price process and no faults."""
        with self.lock:
            self._account_configs = list(self.config.accounts)
            self.market.reset()
            self.faults.clear()
            self.venue.half_spread_bps, self.venue.partial_fill = self.config.half_spread_bps, self.config.partial_fill
            self.venue.execution = self.config.execution
            self._open_accounts(self.clock())
            self._changed()

    # -- inspection and persistence ---------------------------------------------------------
    def snapshot(self) -> dict[str, object]:
        with self.session() as (venue, now):
            accounts = {
                name: {
                    "key": a.config.key,
                    "shorting": a.config.shorting,
                    "realized_pl": fmt(a.realized_pl),
                    "account": account_json(venue, a, now),
                    "positions": positions_json(venue, a, now),
                    "orders": [venue.order_json(a, o, nested=False) for o in a.orders.values()],
                }
                for name, a in venue.accounts.items()
            }
            return {"accounts": accounts, "prices": self.prices(), "pins": self.market.pins(),
                    "faults": self.faults.rules(), "streams": self.hub.count(),
                    "bar_seconds": self.config.bar_seconds, "hours": self.config.hours}

    def save(self) -> None:
        if self.config.state_file is None:
            return
        with self.lock:  # written under the lock, so no later change can be confirmed before it is on disk
            data = state.snapshot(self.venue.accounts, self.anchor_ms)
            self._dirty = False
            self._saved_ms = self.clock()
            state.save(self.config.state_file, data)

    # -- ticker ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._ticker is None:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._run, name="exchange-ticker", daemon=True)
            self._ticker.start()

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._dirty:
            self.save()

    def _run(self) -> None:
        while not self._stop.wait(self.config.tick_seconds):
            self.tick()

    # -- helpers -----------------------------------------------------------------------------
    def _changed(self) -> None:
        """Saved at once, under the lock, before the change is answered: a broker never forgets an
        order or a fill it has confirmed, even when its process is killed the next moment."""
        self._dirty = True
        if self.config.state_file is not None:
            self.save()

    def _open_accounts(self, now: int) -> None:
        self.venue.accounts.clear()
        for config in self._account_configs:
            self.venue.accounts[config.name] = Account.open(config, now)

    def _find(self, order_id: str) -> tuple[Account, Order]:
        for account in self.venue.accounts.values():
            if order_id in account.orders:
                return account, account.orders[order_id]
        raise not_found("order not found")

    def _require_symbol(self, symbol: str) -> None:
        if not self.market.has(symbol):
            raise ExchangeError(404, 40410000, f'asset "{symbol}" not found')


__all__ = ["ConfigError", "Exchange"]
