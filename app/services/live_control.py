"""Live-side use cases the API triggers: the kill switch and account views. The API never calls the
broker: it changes run states (with their events) and writes the command for the live worker in the
same transaction, so a web process that cannot reach the queue still records the kill switch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.events.commands import KillSwitch, RefreshAccount, issue
from app.services.run_state import STOPPED_BY_KILL_SWITCH
from app.services.runs import transition
from app.walle.models import AccountSnapshot, Run
from app.walle.uow import UnitOfWork

SNAPSHOT_MAX_AGE = timedelta(seconds=10)


class LiveControl:
    def __init__(self, uow: Callable[[], UnitOfWork], configured: Callable[[str], bool],
                 broker: Callable[[str], str | None] | None = None):
        self.uow = uow
        self.configured = configured
        # "alpaca" when the account's trading URL is Alpaca's, "other" for any other exchange (the
        # standalone's local one): the UI names the broker a paper run trades on honestly.
        self.broker = broker or (lambda kind: None)

    def kill(self) -> dict[str, int]:
        """Every running paper/live run goes to `stopping` now; the live worker then cancels every
        open order on both accounts and marks the runs stopped (event `kill.activated`)."""
        with self.uow() as uow:
            runs = uow.session.scalars(select(Run).where(Run.mode.in_(("paper", "live")), Run.status == "running"))
            stopping = 0
            for run in runs:
                transition(uow, run, "stopping", error=STOPPED_BY_KILL_SWITCH)
                stopping += 1
            issue(uow.outbox, KillSwitch())
            uow.commit()
        return {"runs_stopping": stopping}

    def accounts(self) -> list[dict[str, Any]]:
        """The last account views the live worker captured; asks for a fresh one when stale."""
        views, refresh = [], False
        with self.uow() as uow:
            for kind in ("paper", "live"):
                snapshot = uow.session.get(AccountSnapshot, kind)
                configured = self.configured(kind)
                stale = snapshot is None or datetime.now(UTC) - snapshot.captured_at > SNAPSHOT_MAX_AGE
                if configured and stale:
                    issue(uow.outbox, RefreshAccount(kind))
                    refresh = True
                views.append({
                    "kind": kind, "configured": configured, "broker": self.broker(kind) if configured else None,
                    "captured_at": snapshot.captured_at if snapshot else None,
                    "account": snapshot.account if snapshot else None,
                    "positions": snapshot.positions if snapshot else [],
                    "open_orders": snapshot.open_orders if snapshot else [],
                    "error": snapshot.error if snapshot else (None if configured else "not configured"),
                })
            if refresh:
                uow.commit()
        return views
