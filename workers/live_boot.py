"""What the live worker does when it boots: reconcile every account with Weaver's records, then
listen to each account's trade_updates stream (relayed into the live queue)."""

from __future__ import annotations

import logging
from typing import Any

import dramatiq
from dramatiq.middleware import Middleware

from app.veda.stream import TradeUpdatesRelay
from workers.runtime import runtime

log = logging.getLogger(__name__)


class LiveBoot(Middleware):
    def __init__(self, settings: Any, send_update: Any):
        self.settings = settings
        self.send_update = send_update
        self.relays: list[TradeUpdatesRelay] = []

    @staticmethod
    def _serves_live(worker: dramatiq.Worker) -> bool:
        queues = worker.consumer_whitelist
        return queues is None or "live" in queues

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        """Reconcile before the worker thread takes its first message: a process that replaces a
        killed one gets that one's tick back, and the tick must not book a fill the reconciliation
        is booking at the same moment (the live queue is one thread, this keeps it so)."""
        if not self._serves_live(worker):
            return
        try:
            repaired = runtime().live.reconcile()
            for kind, lines in repaired.items():
                log.info("reconciled the %s account: %d repair(s)", kind, len(lines))
        except Exception:
            log.exception("start-up reconciliation failed; runs will reconcile on their first tick")

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if not self._serves_live(worker):
            return
        for kind in ("paper", "live"):
            credentials = self.settings.alpaca(kind)
            if credentials is not None:
                relay = TradeUpdatesRelay(credentials, self.send_update)
                relay.start()
                self.relays.append(relay)

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if not self._serves_live(worker):  # standalone's backtest Worker, which may stop at the same time
            return
        for relay in self.relays:
            relay.stop()
        self.relays.clear()
