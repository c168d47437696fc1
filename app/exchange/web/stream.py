"""The trade_updates WebSocket at /stream, speaking Alpaca's JSON protocol.

authenticate (either form) -> authorization; listen -> listening; then one text frame per trade
update of that account only. A `drop` (fault injection) cuts the TCP connection without a close
frame, as a network failure would; server shutdown closes politely.
"""

from __future__ import annotations

import json
import queue
import socket

from flask import Blueprint
from flask_sock import Sock

from app.exchange.events import Subscriber
from app.exchange.exchange import Exchange
from app.exchange.web.app import exchange_of_app

bp = Blueprint("stream", __name__)
sock = Sock()
AUTH_TIMEOUT_S = 10
POLL_S = 0.02


@sock.route("/stream", bp=bp)
def trade_updates(ws) -> None:  # noqa: ANN001 - simple_websocket.Server
    exchange = exchange_of_app()
    subscriber = _authenticate(ws, exchange)
    if subscriber is None:
        return
    try:
        _serve(ws, exchange, subscriber)
    finally:
        exchange.hub.unsubscribe(subscriber)


def _authenticate(ws, exchange: Exchange) -> Subscriber | None:  # noqa: ANN001
    raw = ws.receive(timeout=AUTH_TIMEOUT_S)
    message = _parse(raw)
    action = message.get("action")
    if action == "authenticate":  # alpaca-py's form
        data = message.get("data") or {}
        key, secret = data.get("key_id"), data.get("secret_key")
    elif action == "auth":  # the form in Alpaca's current docs
        key, secret = message.get("key"), message.get("secret")
    else:
        key = secret = None
    account = exchange.authenticate(key, secret) if key and secret else None
    status = "authorized" if account else "unauthorized"
    ws.send(json.dumps({"stream": "authorization", "data": {"status": status, "action": "authenticate"}}))
    if account is None:
        ws.close(reason=1008, message="unauthorized")
        return None
    return exchange.hub.subscribe(account.name)


def _serve(ws, exchange: Exchange, subscriber: Subscriber) -> None:  # noqa: ANN001
    while ws.connected:
        if subscriber.dropped.is_set():
            _cut(ws)
            return
        if exchange.hub.closing.is_set():
            ws.close(reason=1001, message="server shutting down")
            return
        raw = ws.receive(timeout=0)
        if raw is not None:
            _handle(ws, subscriber, _parse(raw))
        try:
            message = subscriber.messages.get(timeout=POLL_S)
        except queue.Empty:
            continue
        ws.send(json.dumps(message))


def _handle(ws, subscriber: Subscriber, message: dict) -> None:  # noqa: ANN001
    if message.get("action") != "listen":
        return
    streams = [s for s in (message.get("data") or {}).get("streams", []) if s == "trade_updates"]
    subscriber.listening = bool(streams)
    ws.send(json.dumps({"stream": "listening", "data": {"streams": streams}}))


def _parse(raw: object) -> dict:
    try:
        message = json.loads(raw) if raw is not None else {}
    except (TypeError, ValueError):
        return {}
    return message if isinstance(message, dict) else {}


def _cut(ws) -> None:  # noqa: ANN001
    """Drop the TCP connection with no close frame."""
    try:
        ws.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    ws.connected = False
