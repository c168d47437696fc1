"""Relay Alpaca's trade_updates stream (alpaca-py's TradingStream) into the live queue.

The stream runs in its own thread, but it never touches Weaver's records: each update becomes a
`live.update` message, so the one live worker thread applies it in order with everything else.
The message is the event's order, and for a `fill`/`partial_fill` also that execution's own price
and qty (under `trade_update`): the fill is booked at them, not at a change of the rounded average.
If the stream drops, alpaca-py reconnects; the tick-time polling of open orders covers the gap.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from alpaca.trading.stream import TradingStream

from app.config import AlpacaCredentials
from app.veda.executions import TRADE_UPDATE

log = logging.getLogger(__name__)


def stream_url(credentials: AlpacaCredentials) -> str:
    if credentials.stream_url:
        return credentials.stream_url
    base = credentials.base_url.replace("https://", "wss://").replace("http://", "ws://")
    return f"{base}/stream"


class TradeUpdatesRelay:
    def __init__(self, credentials: AlpacaCredentials, on_update: Callable[[dict[str, Any]], None]):
        self.credentials = credentials
        self.on_update = on_update
        self._stream: TradingStream | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        secret = self.credentials.secret_key.get_secret_value()
        self._stream = TradingStream(self.credentials.key_id, secret, paper=self.credentials.kind == "paper",
                                     raw_data=True, url_override=stream_url(self.credentials))
        self._stream.subscribe_trade_updates(self._handle)
        self._thread = threading.Thread(target=self._run, name=f"trade-updates-{self.credentials.kind}",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except Exception:  # never take the worker down with the stream
            log.exception("%s trade_updates stream stopped", self.credentials.kind)

    async def _serve(self) -> None:
        """TradingStream.run() (in alpaca-py 0.44, `asyncio.run(self._run_forever())`), with its task kept
        so that stop() can cancel it: alpaca-py's own stop() is seen only when its receive loop wakes,
        which an idle stream does every 5 s, so a worker's stop took up to 5 s."""
        assert self._stream is not None
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        if self._stopping.is_set():  # stopped before it got here: stop() may have seen no task to cancel
            return
        try:
            await self._stream._run_forever()
        except asyncio.CancelledError:
            await self._stream.close()  # a clean close frame to the exchange
            log.info("%s trade_updates stream stopped", self.credentials.kind)

    async def _handle(self, frame: dict[str, Any]) -> None:
        # With raw_data, alpaca-py hands over the whole frame: {"stream": "trade_updates", "data": {"event", "order"}}.
        update = frame.get("data") if isinstance(frame, dict) else None
        order = update.get("order") if isinstance(update, dict) else None
        if order:
            if update.get("event") in ("fill", "partial_fill"):  # the execution itself (app/veda/executions.py)
                order = {**order, TRADE_UPDATE: {k: update.get(k) for k in ("event", "price", "qty", "timestamp",
                                                                             "position_qty", "execution_id")}}
            await asyncio.to_thread(self.on_update, order)

    def stop(self) -> None:
        """Cancel the stream where it waits. An update being handed over still is: `on_update` runs to
        its end in its own thread, and the stream's event loop waits for it before closing."""
        self._stopping.set()
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:  # the loop is already closed: the stream has ended
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
