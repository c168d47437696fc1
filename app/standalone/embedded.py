"""Wire and run every part of Weaver in one process: the same application code as the Procfile
deployment, with the embedded adapters (SQLite, Dramatiq's in-memory broker, threads).

DESIGN (serving): werkzeug's threaded server starts one thread per connection, with no pool to run
out of, so idle SSE/WebSocket clients cannot starve other requests; gevent is not an option here
because the in-process workers, relay and scheduler must stay real threads (monkey-patching is
process-wide). A stream costs a sleeping thread (its stack is mostly untouched virtual memory) and
ends within a second of its client leaving; non-stream requests get the same deadline as `weaver web`.
The limit: thousands of streams mean thousands of threads, fine for a desktop's few tabs, while a
deployment that expects many clients runs `weaver web`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import dramatiq
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from app.bootstrap import Container, Services, build_services
from app.config import Settings, load_settings
from app.events.commands import ApplyTradeUpdate, CreateSweepCells, StartBacktest, StartBacktests, issue
from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.exchange.config import DEFAULT_CRYPTO
from app.exchange.execution import REALISTIC_HALF_SPREAD_BPS
from app.glados.app import create_app
from app.glados.deadline import install_request_deadline
from app.services.sweeps import sweep_message_size
from app.standalone.demo import DEMO_SYMBOLS, load_demo_data
from app.standalone.home import Home, remembered_strategy_paths
from app.walle import migrate
from app.walle.models import BarSeries, Run, Sweep
from app.walle.uow import UnitOfWork
from scheduler.heartbeat import SchedulerHeartbeat
from scheduler.notifications import NotificationJobs
from scheduler.ticks import TickScheduler
from workers import runtime as worker_runtime
from workers.live_boot import LiveBoot
from workers.queues import consumed

log = logging.getLogger(__name__)
# Standalone runs a backtest and a live Dramatiq Worker on one broker, and each Worker adds its own
# internal middleware to it: expected here, so Dramatiq's "same type twice" warning about it is noise.
logging.getLogger("dramatiq.broker.StubBroker").addFilter(lambda record: "_WorkerMiddleware" not in record.getMessage())


@dataclass
class Embedded:
    home: Home
    host: str = "127.0.0.1"
    port: int = 8000
    exchange_enabled: bool = True
    # One: every part shares this process's GIL, so a second backtest thread ran a walk-forward no faster
    # (7,237 cells: 33-44 s against 37-39 s) and made a 1Sec paper run's ticks start later after their bar
    # closed: p50 0.6-1.3 s, p90 1.7-3.0 s, in two of three runs 6-7 of 42-44 bars never ticked, against p50
    # 0.54-0.56 s, p90 0.64-0.69 s and none missed (benchmarks/standalone_ticks.py).
    backtest_threads: int = 1
    exchange_bar_seconds: int = 60  # the local exchange's shortest bar (1: second bars, for quick tests)
    exchange_fills: str = "realistic"  # how the local exchange fills orders (app/exchange/execution.py)
    first_start: bool = False
    settings_overrides: dict[str, Any] = field(default_factory=dict)  # e.g. Postgres + Redis for e2e tests
    strategy_paths: tuple[str, ...] = ()  # --strategy-path: added to WEAVER_STRATEGY_PATHS
    queue_namespace: str | None = None
    settings: Settings | None = None
    container: Container | None = None
    services: Services | None = None
    server: BaseWSGIServer | None = None
    parts: list[Any] = field(default_factory=list)

    def start(self) -> str:
        """Bring everything up; returns the ready-to-click URL (it carries the API token)."""
        self.home.prepare()
        exchange = self._start_exchange() if self.exchange_enabled else None
        self.settings = self._settings(exchange)
        migrate.upgrade(self.settings.database_url)
        services = self.services = build_services(self.settings, namespace=self.queue_namespace)
        self.container = services.container
        with self.container.read_session() as session:
            self.first_start = not session.scalar(select(BarSeries.id).limit(1))
        if self.first_start:
            stored = load_demo_data(services.bars)
            log.info("loaded %d synthetic demo bars", sum(stored.values()))
        queue = services.queue
        queue.broker.add_middleware(LiveBoot(self.settings, lambda order: queue.send(ApplyTradeUpdate(order))))
        worker_runtime.install(services)
        # An idle consumer polls its queue with a backoff up to worker_timeout: the live queue's tick is due
        # at once (a bar's ticks act within its settle delay), so it polls at most 20 ms apart.
        served = ((consumed(["backtest"]), self.backtest_threads, 250), (consumed(["live"]), 1, 20))
        for queues, threads, idle_ms in served:
            worker = dramatiq.Worker(queue.broker, queues=queues, worker_threads=threads, worker_timeout=idle_ms)
            worker.start()
            self.parts.append(worker)
        self._requeue_interrupted()
        services.relay.start()  # the scheduler's job in the Procfile deployment
        self.parts.append(services.relay)
        scheduler = TickScheduler(self.container.read_session, services.uow,
                                  settle=timedelta(milliseconds=self.settings.settle_delay_ms), clock=services.clock)
        scheduler.start()
        self.parts.append(scheduler)
        notifying = NotificationJobs(services)  # the scheduler process's notifications too
        notifying.start()
        self.parts.append(notifying)
        self.parts.append(SchedulerHeartbeat(queue.heartbeats).start())  # /health: the in-process scheduler
        app = create_app({"SETTINGS": self.settings, "SERVICES": services})
        self.parts.append(app.extensions["weaver"].broadcaster)
        install_request_deadline(app, self.settings.request_timeout_seconds)
        # A thread per connection, not a pool (see the module docstring): streams cannot starve the API.
        self.server = make_server(self.host, self.port, app, threaded=True)
        # It checks for shutdown() every poll interval (0.5 s by default): short, so that stop() waits little.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="web",
                         daemon=True).start()
        token = self.settings.api_token.get_secret_value()
        shown_host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{shown_host}:{self.server.server_port}/?token={token}"

    def _start_exchange(self) -> ExchangeServer:
        key, secret = self.home.exchange_keys()
        config = ExchangeConfig(
            # the demo stocks, and BTC/USD and ETH/USD, so a crypto paper run can start (trial 24: refused as "not a
            # tradable asset at the paper broker", where the README offers the local exchange for crypto too)
            symbols=(*(SymbolConfig(symbol, price) for symbol, price in DEMO_SYMBOLS.items()), *DEFAULT_CRYPTO),
            # shorting: like Alpaca's paper accounts (margin accounts), so allow_short runs can trade
            accounts=(AccountConfig("paper", key, secret, "100000", shorting=True),),
            bar_seconds=self.exchange_bar_seconds, hours="always",
            state_file=self.home.exchange_state, fills=self.exchange_fills,  # type: ignore[arg-type]
            half_spread_bps=REALISTIC_HALF_SPREAD_BPS if self.exchange_fills == "realistic" else 0.0,
        )
        server = ExchangeServer(config).start()
        self.parts.append(server)
        self.home.remember_exchange_url(server.url)  # for `weaver bars fetch` and the rest on this folder
        return server

    def _settings(self, exchange: ExchangeServer | None) -> Settings:
        values: dict[str, Any] = {
            "database_url": self.home.database_url, "broker": "memory", "api_token": self.home.api_token(),
            "data_dir": self.home.root,
        }
        if exchange is not None:
            key, secret = self.home.exchange_keys()
            values.update(alpaca_paper_key_id=key, alpaca_paper_secret_key=secret, alpaca_paper_base_url=exchange.url,
                          alpaca_paper_data_url=exchange.url, alpaca_paper_stream_url=exchange.stream_url)
        values.update(self.settings_overrides)
        settings = load_settings(**values)
        given = tuple(str(Path(p).resolve()) if Path(p).is_dir() else p for p in self.strategy_paths)
        if not given:  # trial 35: a restart without the flag put every run of the user's strategies in error
            given = remembered_strategy_paths(self.home.root)
            if given:
                log.info("strategies also from %s, as the last start on this folder was given (give --strategy-path "
                         "to change them)", ", ".join(given))
        self.home.remember_strategy_paths(given)
        if given:
            settings = load_settings(**{**values, "strategy_paths": (*settings.strategy_paths, *given)})
        return settings

    def _requeue_interrupted(self) -> None:
        """The in-memory queue died with the last process, with any command the relay had handed it:
        command the unfinished backtests, and the sweeps still creating their cells, again."""
        assert self.services is not None
        with self.services.uow() as uow:
            again = requeue_interrupted(uow)
            uow.commit()
        if again.backtests or again.creating:
            log.info("queued %d interrupted backtest(s) again (%d of them cells of %d sweep(s), in %d message(s)), "
                     "and %d sweep(s) still making their cells", again.backtests, again.cells, again.sweeps,
                     again.messages, again.creating)

    def stop(self) -> None:
        """Stop accepting requests, then stop every part in reverse order of starting, except that the
        Dramatiq Workers (started one after the other, sharing nothing but the broker) stop together:
        each waits for its idle threads to see the stop (up to its worker_timeout, twice), and a running
        backtest (given up to 10 s, then queued again at the next start) does not hold up the live one."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        parts = list(reversed(self.parts))
        while parts:
            stage = [parts.pop(0)]
            while isinstance(stage[0], dramatiq.Worker) and parts and isinstance(parts[0], dramatiq.Worker):
                stage.append(parts.pop(0))
            others = [threading.Thread(target=self._stop_part, args=(part,), name="stop-worker") for part in stage[1:]]
            for thread in others:
                thread.start()
            self._stop_part(stage[0])
            for thread in others:
                thread.join()
        worker_runtime.install(None)
        if self.services is not None:
            self.services.close()

    @staticmethod
    def _stop_part(part: Any) -> None:
        try:
            if isinstance(part, dramatiq.Worker):
                part.stop(timeout=10_000)
            elif isinstance(part, dramatiq.Broker):
                part.close()
            else:
                part.stop()
        except Exception:  # keep shutting the rest down
            log.exception("error while stopping %s", part)


@dataclass(frozen=True)
class Requeued:
    backtests: int
    cells: int
    sweeps: int
    messages: int  # of the cells
    creating: int


def requeue_interrupted(uow: UnitOfWork) -> Requeued:
    """Commands for the unfinished backtests and the sweeps still creating their cells (the handlers skip
    any that needs nothing). A sweep's cells go again in messages of several, as the sweep first sent
    them: one message a cell made a 2,243-cell walk-forward interrupted half-way finish at a third of
    its pace (trial 17)."""
    pending = uow.session.execute(select(Run.id, Run.sweep_id).where(
        Run.mode == "backtest", Run.status.in_(("queued", "running"))).order_by(Run.created_at, Run.id)).all()
    cells: dict[str, list[str]] = {}
    for run_id, sweep_id in pending:
        if sweep_id is None:
            issue(uow.outbox, StartBacktest(run_id))
        else:
            cells.setdefault(sweep_id, []).append(run_id)
    messages = 0
    for run_ids in cells.values():
        step = sweep_message_size(len(run_ids))
        for first in range(0, len(run_ids), step):
            issue(uow.outbox, StartBacktests(tuple(run_ids[first:first + step])))
            messages += 1
    creating = uow.session.scalars(select(Sweep.id).where(Sweep.status == "creating")).all()
    for sweep_id in creating:
        issue(uow.outbox, CreateSweepCells(sweep_id))
    return Requeued(len(pending), sum(map(len, cells.values())), len(cells), messages, len(creating))
