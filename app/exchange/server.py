"""`ExchangeServer`: the exchange on a threaded werkzeug server (HTTP + WebSocket) in the background.

    with ExchangeServer(ExchangeConfig(bar_seconds=1)) as server:
        client = TradingClient("PAPERKEY", "PAPERSECRET", url_override=server.url)
        stream = TradingStream("PAPERKEY", "PAPERSECRET", url_override=server.stream_url)

`stop()` closes streams politely, stops accepting, cuts idle keep-alive connections and joins every
thread it started, then saves the state file (if any).
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from app.exchange.config import AccountConfig, ExchangeConfig
from app.exchange.exchange import Exchange
from app.exchange.faults import FaultRule
from app.exchange.replay import StoredBars
from app.exchange.timefmt import wall_clock_ms
from app.exchange.web import create_app

log = logging.getLogger(__name__)
JOIN_TIMEOUT_S = 5.0


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (tests make thousands); errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_request(code, size)

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:
            if not self.server.stopping:  # type: ignore[attr-defined]
                raise


class _Server(ThreadedWSGIServer):
    """Remembers its connection threads and sockets so that stop() can end and join them."""

    verbose = False
    stopping = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._connections_lock = threading.Lock()

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        thread = threading.Thread(target=self._serve_connection, args=(request, client_address),
                                  name="exchange-connection", daemon=True)
        with self._connections_lock:
            self._connections[thread] = request
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: object) -> None:
        try:
            self.process_request_thread(request, client_address)  # type: ignore[arg-type]
        finally:
            with self._connections_lock:
                self._connections.pop(threading.current_thread(), None)

    def end_connections(self) -> None:
        with self._connections_lock:
            pending = dict(self._connections)
        for request in pending.values():
            try:
                request.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in pending:
            thread.join(JOIN_TIMEOUT_S)


class ExchangeServer:
    """The local Alpaca-compatible exchange, embeddable in tests and in Weaver's standalone mode."""

    def __init__(self, config: ExchangeConfig | None = None, host: str = "127.0.0.1", port: int = 0,
                 clock: Callable[[], int] | None = None, verbose: bool = False,
                 replay: dict[str, StoredBars] | None = None) -> None:
        self.config = config or ExchangeConfig()
        self.admin_token = self.config.admin_token or secrets.token_hex(16)
        self.exchange = Exchange(self.config, clock or wall_clock_ms, replay)
        self._host, self._port, self._verbose = host, port, verbose
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> ExchangeServer:
        if self._server is not None:
            return self
        app = create_app(self.exchange, self.admin_token)
        server = _Server(self._host, self._port, app, handler=_QuietHandler)
        server.verbose = self._verbose
        self._server = server
        self.exchange.start()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="exchange-server", daemon=True)
        self._thread.start()
        log.info("local exchange listening on %s", self.url)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self.exchange.hub.closing.set()
        deadline = time.monotonic() + 2
        while self.exchange.hub.count() and time.monotonic() < deadline:
            time.sleep(0.01)
        server.stopping = True
        server.shutdown()
        thread.join(JOIN_TIMEOUT_S)
        server.end_connections()
        server.server_close()
        self.exchange.stop()
        self.exchange.hub.closing.clear()
        self._server = self._thread = None

    def __enter__(self) -> ExchangeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the exchange server is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        """What alpaca-py's `url_override` takes for TradingClient and StockHistoricalDataClient."""
        return f"http://{self._host}:{self.port}"

    @property
    def stream_url(self) -> str:
        """What TradingStream's `url_override` takes."""
        return f"ws://{self._host}:{self.port}/stream"

    @property
    def data_stream_url(self) -> str:
        """What StockDataStream's `url_override` takes."""
        return f"ws://{self._host}:{self.port}/v2/iex"

    # -- the Python admin API (the same verbs as /_exchange) ---------------------------------
    def pin_price(self, symbol: str, price: object) -> None:
        self.exchange.pin_price(symbol, price)

    def release_price(self, symbol: str) -> None:
        self.exchange.release_price(symbol)

    def add_fault(self, **spec: object) -> FaultRule:
        return self.exchange.add_fault(**spec)

    def clear_faults(self) -> None:
        self.exchange.clear_faults()

    def drop_streams(self, account: str | None = None) -> int:
        return self.exchange.drop_streams(account)

    def force_fill(self, order_id: str, qty: object = None, price: object = None) -> dict[str, object]:
        return self.exchange.force_fill(order_id, qty, price)

    def reject(self, order_id: str) -> dict[str, object]:
        return self.exchange.reject(order_id)

    def expire_day_orders(self) -> int:
        return self.exchange.expire_day_orders()

    def tick(self) -> None:
        self.exchange.tick()

    def reset(self) -> None:
        self.exchange.reset()

    def snapshot(self) -> dict[str, object]:
        return self.exchange.snapshot()

    def add_account(self, account: AccountConfig) -> None:
        self.exchange.add_account(account)
