"""An in-memory broker behind Veda's broker port (app/veda/ports.py), with fills you script.

Market orders fill at once at the symbol's last bar close unless `auto_fill` is off; other orders
rest until the test fills them (`fill`), cancels them, or the kill switch does. A test can make the
next submit be refused (`reject_next`) or go unanswered (`lose_next`), as Alpaca would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.marvin.instruments import Instrument
from app.veda.alpaca import BrokerError, BrokerRejected, instrument_of
from app.veda.ports import (
    Account,
    Activity,
    Asset,
    BarRow,
    BrokerOrder,
    BrokerPosition,
    Clock,
    Fill,
    MarketClock,
    SessionDay,
)

OPEN = {"new", "accepted", "partially_filled"}


class FakeBroker:
    def __init__(self, clock: Clock, kind: str = "paper", cash: Decimal = Decimal("100000"), auto_fill: bool = True):
        self.clock = clock
        self.kind = kind
        self.cash = cash
        self.auto_fill = auto_fill
        self.orders: dict[str, BrokerOrder] = {}  # client_order_id → the order as it stands
        self.fills: list[Fill] = []
        self.requests: list[Any] = []  # every alpaca-py request submitted, in order
        self.history: dict[str, list[BarRow]] = {}
        self.assets: dict[str, Asset] = {}
        self.steps: dict[str, timedelta] = {}
        self.closed_days: set[date] = set()
        self._reject: str | None = None
        self._lose = False
        self.feed: list[Activity] = []  # the account's FILL and CFEE activities, oldest first
        self.activity_reads: list[str | None] = []  # the page_token of each read
        self.crypto_bps: Decimal | None = None  # set: a pair's fills pay Alpaca's fee (coins on a buy, USD on a sale)
        self.fee_coins: dict[str, Decimal] = {}
        self.fee_usd = Decimal(0)
        self.avg_places: int | None = None  # set: filled_avg_price rounded so (the local exchange: 4)

    # --- scripting ---------------------------------------------------------------------------
    def add_bars(self, symbol: str, start: datetime, closes: list[float], step: timedelta) -> None:
        self.steps[symbol] = step
        rows = self.history.setdefault(symbol, [])
        for i, close in enumerate(closes):
            price = Decimal(repr(close))
            rows.append(BarRow(start + i * step, price, price, price, price, Decimal(100)))

    def reject_next(self, message: str = "insufficient buying power") -> None:
        self._reject = message

    def lose_next(self) -> None:
        """The next order reaches the broker but its answer is lost on the way back."""
        self._lose = True

    def fill(self, client_order_id: str, qty: Decimal | str, price: Decimal | str,
             at: datetime | None = None) -> BrokerOrder:
        order = self.orders[client_order_id]
        qty, price, at = Decimal(str(qty)), Decimal(str(price)), at or self.clock.now()
        total = order.filled_qty + qty
        paid = sum((f.qty * f.price for f in self.fills if f.client_order_id == client_order_id), qty * price)
        average = paid / total if self.avg_places is None else (paid / total).quantize(Decimal(10) ** -self.avg_places)
        status = "filled" if order.qty is not None and total >= order.qty else "partially_filled"
        self.fills.append(Fill(client_order_id, qty, price, at))
        self._post(Activity("", "FILL", order.symbol, order.id, order.side, total, qty, price, ts=at))
        if self.crypto_bps is not None and "/" in order.symbol:
            rate, pair = self.crypto_bps / 10_000, order.symbol.replace("/", "")
            if order.side == "buy":  # as the local exchange and Alpaca: the coins, half up to 1e-9
                coins = (qty * rate).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
                self.fee_coins[order.symbol] = self.fee_coins.get(order.symbol, Decimal(0)) + coins
                self._post(Activity("", "CFEE", pair, qty=-coins, price=price, net_amount=Decimal(0)))
            else:
                usd = (qty * price * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                self.fee_usd += usd
                self._post(Activity("", "CFEE", pair, net_amount=-usd))
        self.orders[client_order_id] = replace(order, filled_qty=total, filled_avg_price=average, status=status,
                                               filled_at=at, updated_at=at)
        return self.orders[client_order_id]

    def _post(self, activity: Activity) -> None:
        self.feed.append(replace(activity, id=f"{len(self.feed) + 1:08d}::{activity.kind.lower()}"))

    def last_close(self, symbol: str) -> Decimal:
        """The close of the symbol's last bar that has closed by now (what a market order fills at)."""
        now, step = self.clock.now(), self.steps[symbol]
        return [r for r in self.history[symbol] if r.ts + step <= now][-1].close

    # --- the port ----------------------------------------------------------------------------
    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        yield

    def submit_order(self, order: Any) -> BrokerOrder:
        self.requests.append(order)
        if self._reject is not None:
            message, self._reject = self._reject, None
            raise BrokerRejected(message, status=403)
        cid = order.client_order_id
        if cid in self.orders:
            raise BrokerRejected("client_order_id must be unique", status=422)
        kind, now = getattr(order.type, "value", str(order.type)), self.clock.now()
        self.orders[cid] = BrokerOrder(
            f"fake-{len(self.orders) + 1}", cid, order.symbol, getattr(order.side, "value", str(order.side)), "new",
            type=kind, qty=Decimal(repr(order.qty)), limit_price=_dec(getattr(order, "limit_price", None)),
            stop_price=_dec(getattr(order, "stop_price", None)), submitted_at=now, updated_at=now)
        if self.auto_fill and kind == "market":
            self.fill(cid, self.orders[cid].qty or Decimal(0), self.last_close(order.symbol))
        if self._lose:
            self._lose = False
            raise BrokerError("the answer was lost", retryable=True)
        return self.orders[cid]

    def order_by_client_id(self, client_order_id: str, retry: bool = True) -> BrokerOrder | None:
        return self.orders.get(client_order_id)

    def cancel_order(self, broker_order_id: str) -> bool:
        for cid, order in self.orders.items():
            if order.id == broker_order_id and order.status in OPEN:
                self.orders[cid] = replace(order, status="canceled", updated_at=self.clock.now())
                return True
        return False

    def cancel_all(self) -> int:
        return sum(self.cancel_order(o.id) for o in list(self.orders.values()))

    def open_orders(self) -> list[BrokerOrder]:
        return [o for o in self.orders.values() if o.status in OPEN]

    def positions(self) -> list[BrokerPosition]:
        held: dict[str, Decimal] = {}
        for fill in self.fills:
            order = self.orders[fill.client_order_id]
            held[order.symbol] = held.get(order.symbol, Decimal(0)) + (fill.qty if order.side == "buy" else -fill.qty)
        for symbol, coins in self.fee_coins.items():
            held[symbol] -= coins
        return [BrokerPosition(s, abs(q), "long" if q > 0 else "short") for s, q in held.items() if q]

    def account(self) -> Account:
        # each fill settled to the cent, half up, as Alpaca's account (and the local exchange) moves cash
        spent = sum(((f.qty * f.price).quantize(Decimal("0.01"), ROUND_HALF_UP)
                     * (1 if self.orders[f.client_order_id].side == "buy" else -1) for f in self.fills), Decimal(0))
        return Account(self.cash - spent - self.fee_usd, self.cash, self.cash - spent - self.fee_usd)

    def asset(self, symbol: str) -> Asset | None:
        return self.assets.get(symbol, Asset(symbol, "us_equity") if symbol in self.history else None)

    def instrument(self, symbol: str) -> Instrument | None:
        asset = self.asset(symbol)
        return None if asset is None else instrument_of(symbol, asset)

    def clock(self) -> MarketClock:
        return MarketClock(self.clock.now(), self.clock.now().date() not in self.closed_days)

    def calendar(self, start: str, end: str) -> list[SessionDay]:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        return [SessionDay(d, "00:00", "23:59") for d in days if d not in self.closed_days]

    def activities(self, kinds: str, page_token: str | None = None, after: datetime | None = None,
                   page_size: int = 100) -> list[Activity]:
        self.activity_reads.append(page_token)
        wanted = set(kinds.split(","))
        start = 0
        if page_token is not None:
            ids = [a.id for a in self.feed]
            if page_token not in ids:
                raise BrokerRejected("invalid page_token", status=422, code=40010001)
            start = ids.index(page_token) + 1
        return [a for a in self.feed[start:] if a.kind in wanted][:page_size]

    def bars(self, symbols: list[str], timeframe: str, start_iso: str, end_iso: str | None = None
             ) -> dict[str, list[BarRow]]:
        start = datetime.fromisoformat(start_iso.replace("Z", "+00:00"))
        end = datetime.fromisoformat(end_iso.replace("Z", "+00:00")) if end_iso else None
        now = self.clock.now()
        return {s: [r for r in self.history.get(s, []) if r.ts >= start and (end is None or r.ts <= end)
                    and r.ts + self.steps[s] <= now] for s in symbols}


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(repr(value))
