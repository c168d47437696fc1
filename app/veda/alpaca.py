"""The one adapter to Alpaca: alpaca-py's REST clients for one credential set (paper or live).

Every broker call of Weaver goes through here, on the pinned live worker. alpaca-py's own retry
(a fixed 3 s sleep, 429/504 only) is switched off; this adapter retries 5xx with capped exponential
backoff inside a time budget, a 429 after waiting until the broker's rate window reopens (its
Retry-After, else X-RateLimit-Reset) inside the tick's deadline, and never submits an order twice:
before a retry it asks the broker whether the `client_order_id` already exists. It implements the broker port
(app/veda/ports.py): Alpaca's JSON becomes typed, frozen snapshots here, at the edge.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import requests
from alpaca.common.exceptions import APIError
from alpaca.data.enums import Adjustment
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.trading.client import TradingClient

from app.config import AlpacaCredentials
from app.marvin.instruments import Instrument
from app.veda.ports import Account, Activity, Asset, BarRow, BrokerOrder, BrokerPosition, MarketClock, SessionDay
from app.veda.wire import account_of, activity_of, asset_of, bar_of, order_of, position_of, session_of, ts_of

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = {429, 500, 502, 503, 504}
REQUEST_TIMEOUT_SECONDS = 10
MIN_TIMEOUT_SECONDS = 2.0  # past the tick's deadline a call still gets this long (it is not retried)
RESET_SLACK_SECONDS = 0.25  # X-RateLimit-Reset is a whole second: ask a moment after it, not before


class BrokerError(Exception):
    """The broker said no, or could not be reached within the retry budget."""

    def __init__(self, message: str, status: int | None = None, code: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.status, self.code, self.message, self.retryable = status, code, message, retryable


class BrokerRejected(BrokerError):
    """A 4xx: the order (or request) is refused for good; its message is shown on the run."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_wait: float = 0.2
    max_wait: float = 2.0
    budget_seconds: float = 8.0  # keep one run's trouble from starving other runs' ticks


def rate_wait(exc: Exception, now: float) -> float | None:
    """Seconds until a 429's rate window lets a request through (Retry-After, else the Unix second
    in X-RateLimit-Reset, from `now`), or None when the answer says nothing of it."""
    response = getattr(exc, "response", None)
    if getattr(response, "status_code", None) != 429:
        return None
    headers = response.headers  # type: ignore[union-attr]
    try:
        if headers.get("Retry-After") is not None:
            return max(0.0, float(headers["Retry-After"]))
        if headers.get("X-RateLimit-Reset") is not None:
            return max(0.0, float(headers["X-RateLimit-Reset"]) - now)
    except ValueError:  # an HTTP date or garbage: fall back to the backoff
        pass
    return None


def _error_of(exc: Exception) -> BrokerError:
    if isinstance(exc, APIError):
        status = exc.status_code
        try:
            body = json.loads(str(exc))
            code, message = body.get("code"), body.get("message", str(exc))
        except (ValueError, AttributeError):
            code, message = None, str(exc)
        cls = BrokerError if status in RETRYABLE or status is None else BrokerRejected
        return cls(message, status=status, code=code, retryable=status in RETRYABLE)
    return BrokerError(f"{exc.__class__.__name__}: {exc}", retryable=True)  # network trouble


def instrument_of(symbol: str, asset: Asset) -> Instrument:
    """An asset record as an Instrument. Crypto states its own `price_increment` and
    `min_trade_increment`; a US equity follows the class's price rule and trades whole shares only
    when the asset is not fractionable."""
    if asset.asset_class == "crypto":
        return Instrument(symbol, "crypto", asset.price_increment, asset.min_trade_increment)
    if asset.asset_class == "us_equity":
        return Instrument(symbol, "us_equity", None, None if asset.fractionable else Decimal(1))
    return Instrument(symbol, "other")


class AlpacaBroker:
    def __init__(self, credentials: AlpacaCredentials, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.kind = credentials.kind
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        secret = credentials.secret_key.get_secret_value()
        self.trading = TradingClient(credentials.key_id, secret, paper=credentials.kind == "paper",
                                     raw_data=True, url_override=credentials.base_url)
        self.data = StockHistoricalDataClient(credentials.key_id, secret, raw_data=True,
                                              url_override=credentials.data_url)
        self.tick_deadline: float | None = None  # time.monotonic() by which the current tick must be done
        self.instruments: dict[str, Instrument] = {}  # symbol → what the asset list said, asked once
        for client in (self.trading, self.data):
            client._retry = 0  # we retry, with backoff and idempotency (see module docstring)
            session: requests.Session = client._session
            session.request = functools.partial(self._request, session.request)  # type: ignore

    def _request(self, send: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        kwargs["timeout"] = self._timeout()
        return send(*args, **kwargs)

    def _timeout(self) -> float:
        if self.tick_deadline is None:
            return REQUEST_TIMEOUT_SECONDS
        return max(MIN_TIMEOUT_SECONDS, min(REQUEST_TIMEOUT_SECONDS, self.tick_deadline - time.monotonic()))

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """No retry starts later than `seconds` from now, and request timeouts shrink towards it: one
        run's trouble with the broker then delays the other runs' ticks by about one bar, while a
        merely slow tick still makes each of its calls once."""
        self.tick_deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self.tick_deadline = None

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one read-only or idempotent broker call with retries on 429/5xx/network errors. A 429
        that says when its window reopens is waited out (not counted as an attempt) until then, within
        the tick's deadline rather than the retry budget: the limit is the account's, so every run
        waits for it anyway, and asking before the reset only spends requests the window refuses."""
        started = time.monotonic()
        deadline = started + self.policy.budget_seconds
        if self.tick_deadline is not None:  # a slow tick still makes each call once; it does not retry late
            deadline = min(deadline, self.tick_deadline)
        rate_deadline = self.tick_deadline if self.tick_deadline is not None else deadline
        wait, attempt, paused = self.policy.first_wait, 1, 0.0
        while True:
            try:
                return fn()
            except (APIError, requests.RequestException) as exc:
                error = _error_of(exc)
                until_reset = rate_wait(exc, time.time())
                if until_reset is not None and error.retryable:
                    pause = until_reset + RESET_SLACK_SECONDS
                    if max(time.monotonic(), started + paused) + pause > rate_deadline:
                        raise error from exc
                    log.warning("%s: rate limit reached (%s requests a minute); waiting %.1fs for the window to "
                                "reset", what, exc.response.headers.get("X-RateLimit-Limit", "?"), pause)  # type: ignore[union-attr]
                    self.sleep(pause)
                    paused += pause
                    continue
                if not error.retryable or attempt >= self.policy.attempts or time.monotonic() + wait > deadline:
                    raise error from exc
                log.warning("%s: broker answered %s (%s); retry %d in %.2fs", what, error.status or "no response",
                            error.message, attempt, wait)
                self.sleep(wait)
                wait, attempt = min(wait * 2, self.policy.max_wait), attempt + 1

    def submit_order(self, order: Any) -> BrokerOrder:
        """Submit an alpaca-py order request once, whatever happens on the wire: a retry first looks
        the order up by its client_order_id, so an order that reached the broker but whose answer was
        lost is found, not placed again."""
        client_order_id = order.client_order_id
        submitted = False

        def attempt() -> BrokerOrder:
            nonlocal submitted
            if submitted:
                existing = self.order_by_client_id(client_order_id, retry=False)
                if existing is not None:
                    return existing
            submitted = True
            return order_of(self.trading.submit_order(order))  # type: ignore[arg-type]

        try:
            return self.call(f"submit {client_order_id}", attempt)
        except BrokerRejected as exc:
            if exc.status == 422 and "client_order_id" in exc.message:
                existing = self.order_by_client_id(client_order_id)
                if existing is not None:
                    return existing
            raise

    def order_by_client_id(self, client_order_id: str, retry: bool = True) -> BrokerOrder | None:
        def fetch() -> BrokerOrder | None:
            try:
                return order_of(self.trading.get("/orders:by_client_order_id",  # type: ignore[arg-type]
                                                 {"client_order_id": client_order_id}))
            except APIError as exc:
                if exc.status_code == 404:
                    return None
                raise

        return self.call(f"find {client_order_id}", fetch) if retry else fetch()

    def asset(self, symbol: str) -> Asset | None:
        """The broker's asset record for `symbol`, or None when it has none."""
        def fetch() -> Asset | None:
            try:
                return asset_of(self.trading.get(f"/assets/{symbol}"))  # type: ignore[arg-type]
            except APIError as exc:
                if exc.status_code == 404:
                    return None
                raise

        return self.call(f"asset {symbol}", fetch)

    def instrument(self, symbol: str) -> Instrument | None:
        """The symbol's asset class and increments from the broker's asset list (asked once per symbol
        for the life of the worker), or None when the broker does not list it."""
        known = self.instruments.get(symbol)
        if known is None:
            asset = self.asset(symbol)
            if asset is None:
                return None
            known = self.instruments[symbol] = instrument_of(symbol, asset)
        return known

    def cancel_all(self) -> int:
        """Cancel every open order of the account; returns how many the broker accepted to cancel."""
        answers = self.call("cancel all", lambda: self.trading.delete("/orders")) or []
        return sum(1 for a in answers if int(a.get("status", 200)) < 300)

    def cancel_order(self, broker_order_id: str) -> bool:
        """True when a cancel was accepted; False when the order was no longer cancelable."""
        try:
            self.call(f"cancel {broker_order_id}", lambda: self.trading.delete(f"/orders/{broker_order_id}"))
            return True
        except BrokerRejected as exc:
            if exc.status in (404, 422):
                return False
            raise

    def open_orders(self) -> list[BrokerOrder]:
        """Every open order, a bracket's or OTO's working exit among them, each listed on its own: nested, an
        exit whose entry has filled was left out with its entry (trial 40: a stop-loss working at the broker, and
        the Live page said "No open orders")."""
        found = self.call("list open orders", lambda: self.trading.get(
            "/orders", {"status": "open", "limit": 500, "nested": False, "direction": "asc"}))
        return [order_of(o) for o in found or ()]  # type: ignore[union-attr]

    def positions(self) -> list[BrokerPosition]:
        return [position_of(p) for p in self.call("list positions", lambda: self.trading.get("/positions")) or ()]

    def account(self) -> Account:
        return account_of(self.call("account", lambda: self.trading.get("/account")))  # type: ignore[arg-type]

    def activities(self, kinds: str, page_token: str | None = None, after: datetime | None = None,
                   page_size: int = 100) -> list[Activity]:
        """One page of the account's activities of `kinds` (e.g. "FILL,CFEE"), oldest first, after the
        entry `page_token` names or after the time `after`. alpaca-py has no call for it: its client's HTTP."""
        params: dict[str, Any] = {"activity_types": kinds, "direction": "asc", "page_size": page_size}
        if page_token:
            params["page_token"] = page_token
        elif after is not None:
            params["after"] = after.isoformat().replace("+00:00", "Z")
        found = self.call("activities", lambda: self.trading.get("/account/activities", params))
        return [activity_of(a) for a in found or ()]  # type: ignore[union-attr]

    def clock(self) -> MarketClock:
        found: dict[str, Any] = self.call("clock", lambda: self.trading.get("/clock"))  # type: ignore[assignment]
        return MarketClock(ts_of(found["timestamp"]), bool(found["is_open"]),  # type: ignore[arg-type]
                           ts_of(found.get("next_open")), ts_of(found.get("next_close")))

    def calendar(self, start: str, end: str) -> list[SessionDay]:
        found = self.call("calendar", lambda: self.trading.get("/calendar", {"start": start, "end": end}))
        return [session_of(day) for day in found or ()]  # type: ignore[union-attr]

    def data_page(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """One raw page of the market data API (the caller follows next_page_token); crypto paths
        (`/crypto/us/bars`) are asked of v1beta3, as alpaca-py's crypto client asks them."""
        version = "v1beta3" if path.startswith("/crypto/") else "v2"
        return self.call(f"data {path}", lambda: self.data.get(path, params, api_version=version))

    def bars(self, symbols: list[str], timeframe: str, start_iso: str, end_iso: str | None = None,
             limit: int = 10_000, adjustment: str = "split") -> dict[str, list[BarRow]]:
        """Bars per symbol, every page (the data API pages with next_page_token). Split-adjusted by
        default, so a split inside the window is not a crash to the strategy's indicators. Pairs
        (`BTC/USD`) come from the crypto bars (`/v1beta3/crypto/us/bars`, as alpaca-py asks), stocks
        from `/v2/stocks/bars`."""
        found: dict[str, list[BarRow]] = {s: [] for s in symbols}
        pairs = [s for s in symbols if "/" in s]
        stocks = [s for s in symbols if "/" not in s]
        common: dict[str, Any] = {"timeframe": timeframe, "start": start_iso, "limit": limit}
        if end_iso:
            common["end"] = end_iso
        if stocks:
            self._pages("/stocks/bars", {"symbols": ",".join(stocks), **common, "feed": "iex",
                                         "adjustment": Adjustment(adjustment).value}, found)
        if pairs:
            self._pages("/crypto/us/bars", {"symbols": ",".join(pairs), **common}, found, "v1beta3")
        return found

    def _pages(self, path: str, params: dict[str, Any], found: dict[str, list[BarRow]],
               api_version: str = "v2") -> None:
        while True:
            page = self.call("bars", lambda p=dict(params): self.data.get(path, p, api_version=api_version))
            for symbol, rows in (page.get("bars") or {}).items():  # type: ignore[union-attr]
                found.setdefault(symbol, []).extend(bar_of(r) for r in rows)
            token = page.get("next_page_token")  # type: ignore[union-attr]
            if not token:
                return
            params["page_token"] = token
