"""The market-data WebSockets that alpaca-py's StockDataStream (`url_override=ws://…/v2/iex`) and
CryptoDataStream (`ws://…/v1beta3/crypto/us`) connect to.

Alpaca's protocol: on connect [{"T":"success","msg":"connected"}]; {"action":"auth","key","secret"} ->
"authenticated" (or error 402 and a close); {"action":"subscribe"|"unsubscribe", "trades":[…],
"quotes":[…], "bars":[…], "updatedBars":[…], "dailyBars":[…]} -> a "subscription" message listing
everything subscribed; then arrays of T=t/q/b/d messages. Frames are msgpack when the client asks for
`Content-Type: application/msgpack` (alpaca-py does; timestamps are msgpack Timestamps, which its parser
turns into datetimes), JSON text otherwise (timestamps RFC 3339).
"""

from __future__ import annotations

import json
import queue
import threading
import time

import msgpack
from flask import Blueprint, current_app, request
from flask_sock import Sock

from app.exchange.datafeed import CHANNELS, DataFeed, DataSubscriber
from app.exchange.exchange import Exchange
from app.exchange.tickquery import iso_us
from app.exchange.venue import AROUND_THE_CLOCK
from app.exchange.web.app import exchange_of_app
from app.exchange.web.marketdata import tape_of_app

bp = Blueprint("datastream", __name__)
sock = Sock()
CRYPTO_PATH = "/v1beta3/crypto/us"  # CryptoDataStream's; the others are StockDataStream's feeds
PATHS = ("/v2/iex", "/v2/sip", "/v2/delayed_sip", "/v2/test", CRYPTO_PATH)
AUTH_TIMEOUT_S = 10
POLL_S = 0.02
_feed_lock = threading.Lock()


def feed_of_app(crypto: bool = False) -> DataFeed:
    """One feed per app and universe (equities, crypto pairs); its thread runs only while someone is subscribed."""
    key = "weaver_exchange_crypto_feed" if crypto else "weaver_exchange_data_feed"
    with _feed_lock:
        feed = current_app.extensions.get(key)
        if feed is None:
            exchange = exchange_of_app()
            venue = exchange.venue
            feed = DataFeed(tape_of_app(), AROUND_THE_CLOCK if crypto else venue.hours, exchange.clock,
                            lambda: venue.half_spread_bps, exchange.config.max_bars_per_request, crypto)
            current_app.extensions[key] = feed
        return feed


class _Wire:
    """One connection's encoding: msgpack (binary frames) or JSON (text frames)."""

    def __init__(self, ws, binary: bool) -> None:  # noqa: ANN001 - simple_websocket.Server
        self.ws, self.binary = ws, binary

    def send(self, messages: list[dict]) -> None:
        if self.binary:
            packed = [{**m, "t": msgpack.Timestamp.from_unix_nano(m["t"])} if "t" in m else m for m in messages]
            self.ws.send(msgpack.packb(packed))
        else:
            self.ws.send(json.dumps([{**m, "t": _rfc3339(m["t"])} if "t" in m else m for m in messages]))

    def receive(self, timeout: float) -> dict:
        raw = self.ws.receive(timeout=timeout)
        if raw is None:
            return {}
        try:
            message = msgpack.unpackb(raw) if isinstance(raw, bytes) else json.loads(raw)
        except (ValueError, msgpack.UnpackException):
            return {"action": None}
        return message if isinstance(message, dict) else {"action": None}


def market_data(ws) -> None:  # noqa: ANN001
    wire = _Wire(ws, "msgpack" in request.headers.get("Content-Type", ""))
    wire.send([{"T": "success", "msg": "connected"}])
    exchange = exchange_of_app()
    if not _authenticate(ws, wire, exchange):
        return
    feed = feed_of_app(crypto=request.path == CRYPTO_PATH)
    subscriber = feed.subscribe()
    try:
        _serve(ws, wire, exchange.hub.closing, subscriber)
    finally:
        feed.unsubscribe(subscriber)


def _authenticate(ws, wire: _Wire, exchange: Exchange) -> bool:  # noqa: ANN001
    """Alpaca's answers: 401 for anything before auth, 402 for wrong keys, 404 when none come in time."""
    deadline = time.monotonic() + AUTH_TIMEOUT_S
    while ws.connected and time.monotonic() < deadline:
        message = wire.receive(max(deadline - time.monotonic(), 0))
        if not message:
            continue
        if message.get("action") != "auth":
            wire.send([{"T": "error", "code": 401, "msg": "not authenticated"}])
            continue
        key, secret = message.get("key"), message.get("secret")
        if key and secret and exchange.authenticate(key, secret):
            wire.send([{"T": "success", "msg": "authenticated"}])
            return True
        wire.send([{"T": "error", "code": 402, "msg": "auth failed"}])
        ws.close(reason=1008, message="auth failed")
        return False
    if ws.connected:
        wire.send([{"T": "error", "code": 404, "msg": "auth timeout"}])
        ws.close(reason=1008, message="auth timeout")
    return False


for _path in PATHS:
    sock.route(_path, bp=bp, endpoint=f"market_data_{_path.rsplit('/', 1)[1]}")(market_data)


def _serve(ws, wire: _Wire, closing: threading.Event, subscriber: DataSubscriber) -> None:  # noqa: ANN001
    while ws.connected:
        if subscriber.dropped.is_set():
            wire.send([{"T": "error", "code": 407, "msg": "slow client"}])
            ws.close(reason=1011, message="slow client")
            return
        if closing.is_set():
            ws.close(reason=1001, message="server shutting down")
            return
        message = wire.receive(0)
        if message:
            _handle(wire, subscriber, message)
        try:
            batch = subscriber.still_wanted(subscriber.batches.get(timeout=POLL_S))
        except queue.Empty:
            continue
        if batch:
            wire.send(batch)


def _handle(wire: _Wire, subscriber: DataSubscriber, message: dict) -> None:
    action = message.get("action")
    if action == "auth":
        wire.send([{"T": "error", "code": 403, "msg": "already authenticated"}])
        return
    if action not in ("subscribe", "unsubscribe"):
        wire.send([{"T": "error", "code": 400, "msg": "invalid syntax"}])
        return
    for channel in CHANNELS:
        names = message.get(channel) or []
        if not isinstance(names, list):
            continue
        names = {str(n).upper() if n != "*" else "*" for n in names}
        current = subscriber.channels[channel]  # replaced, never mutated: the feed thread reads it
        subscriber.channels[channel] = current | names if action == "subscribe" else current - names
    wire.send([{"T": "subscription", **{c: sorted(subscriber.channels[c]) for c in CHANNELS}}])


def _rfc3339(t_ns: int) -> str:
    return iso_us(t_ns // 1000)[:-1] + f"{t_ns % 1000:03d}Z"
