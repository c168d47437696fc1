"""Live-side use cases the API triggers: the kill switch and account views. The API never calls the
broker: it changes run states (with their events) and writes the command for the live worker in the
same transaction, so a web process that cannot reach the queue still records the kill switch."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.events.commands import KillSwitch, RefreshAccount, issue
from app.services.run_state import STOPPED_BY_KILL_SWITCH
from app.services.runs import transition
from app.veda.shared_account import active_cash
from app.walle.models import AccountSnapshot, Run
from app.walle.uow import UnitOfWork

SNAPSHOT_MAX_AGE = timedelta(seconds=10)
FRESH_WAIT_SECONDS = 2.0  # how long GET /accounts waits for the live worker's fresh view of a stale account
FRESH_POLL_SECONDS = 0.1


class LiveControl:
    def __init__(self, uow: Callable[[], UnitOfWork], configured: Callable[[str], bool],
                 broker: Callable[[str], str | None] | None = None, fresh_wait: float = FRESH_WAIT_SECONDS,
                 pause: Callable[[float], None] = time.sleep):
        self.uow = uow
        self.fresh_wait, self.pause = fresh_wait, pause
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
        """The account views the live worker captured. One older than SNAPSHOT_MAX_AGE is asked for again, and
        the answer waits up to FRESH_WAIT_SECONDS for it: trial 17's first look after a paper run showed the
        start-up snapshot's positions (none) until the page's next poll, 15 s later. A live worker that does
        not answer in time leaves the old view, its `captured_at` saying how old."""
        asked: dict[str, datetime | None] = {}
        with self.uow() as uow:
            for kind in ("paper", "live"):
                snapshot = uow.session.get(AccountSnapshot, kind)
                if self.configured(kind) and (snapshot is None
                                              or datetime.now(UTC) - snapshot.captured_at > SNAPSHOT_MAX_AGE):
                    issue(uow.outbox, RefreshAccount(kind))
                    asked[kind] = snapshot.captured_at if snapshot else None
            if asked:
                uow.commit()
        deadline = time.monotonic() + self.fresh_wait
        while asked and time.monotonic() < deadline:
            self.pause(FRESH_POLL_SECONDS)
            with self.uow() as uow:
                captured = dict(uow.session.execute(select(AccountSnapshot.kind, AccountSnapshot.captured_at)
                                                    .where(AccountSnapshot.kind.in_(list(asked)))).all())
            asked = {kind: before for kind, before in asked.items()
                     if captured.get(kind) is None or (before is not None and captured[kind] <= before)}
        return self._views()

    def _views(self) -> list[dict[str, Any]]:
        views = []
        with self.uow() as uow:
            for kind in ("paper", "live"):
                snapshot = uow.session.get(AccountSnapshot, kind)
                configured = self.configured(kind)
                views.append({
                    "kind": kind, "configured": configured, "broker": self.broker(kind) if configured else None,
                    "captured_at": snapshot.captured_at if snapshot else None,
                    "account": snapshot.account if snapshot else None,
                    "positions": snapshot.positions if snapshot else [],
                    "open_orders": snapshot.open_orders if snapshot else [],
                    "error": snapshot.error if snapshot else (None if configured else "not configured"),
                    "runs_cash": runs_cash_view(active_cash(uow, kind)),
                })
        return views


def runs_cash_view(runs: list[tuple[str, str | None, Decimal]]) -> dict[str, Any]:
    """The active runs on an account and the cash they have left to spend (the New run form weighs a new
    run's cash against the buying power beside it, before the run starts)."""
    return {"runs": len(runs), "cash": str(sum((cash for _, _, cash in runs), Decimal(0)))}
