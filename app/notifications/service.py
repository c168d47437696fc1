"""The notification channels of one process: their followers (started by the scheduler process and
standalone only), their last results for the UI, and a test message sent on demand."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.events.notifier import LocalNotifier
from app.notifications.channels import Attempt, Channel
from app.notifications.follower import Backoff, ChannelFollower
from app.notifications.messages import TOLD
from app.walle.models import ConsumerOffset, OutboxEvent
from app.walle.uow import UnitOfWork

TEST_TITLE = "Weaver: test notification"
TEST_BODY = "If you can read this, Weaver's notifications reach this channel."
RECENT_RESULTS = 1000  # how far back the page looks for each channel's last result


class NotificationService:
    def __init__(self, channels: list[Channel], session_factory: sessionmaker[Session],
                 read_session: Callable[[], Session], uow: Callable[[], UnitOfWork], notifier: LocalNotifier,
                 backoff: Backoff | None = None):
        self.channels = channels
        self.read_session = read_session
        self.uow = uow
        self.followers = [ChannelFollower(c, session_factory, read_session, uow, notifier, backoff=backoff)
                          for c in channels if c.valid]

    def start(self) -> None:
        for follower in self.followers:
            follower.start()

    def stop(self) -> None:
        for follower in self.followers:
            follower.stop()

    def status(self) -> dict[str, Any]:
        """Each channel, masked, with its last delivery result and its position in the outbox."""
        with self.read_session() as session:
            rows = session.execute(select(OutboxEvent.payload, OutboxEvent.ts).where(
                OutboxEvent.type == "notification.sent").order_by(OutboxEvent.seq.desc()).limit(RECENT_RESULTS)).all()
            offsets = {row.consumer: row.last_seq for row in session.scalars(select(ConsumerOffset).where(
                ConsumerOffset.consumer.in_([f"notify:{c.id}" for c in self.channels])))}
        last: dict[str, dict[str, Any]] = {}
        for payload, ts in rows:
            last.setdefault(payload["channel"], {**payload, "at": ts})
        return {"events": list(TOLD), "channels": [{
            "id": c.id, "service": c.service, "url": c.masked, "valid": c.valid,
            "position": offsets.get(f"notify:{c.id}"), "last": last.get(c.id),
        } for c in self.channels]}

    def send_test(self) -> list[dict[str, Any]]:
        """One attempt per channel, all at once; each result is recorded like any other delivery."""
        if not self.channels:
            return []
        with ThreadPoolExecutor(max_workers=min(8, len(self.channels))) as pool:
            attempts: list[Attempt] = list(pool.map(lambda c: c.send(TEST_TITLE, TEST_BODY, "info"), self.channels))
        with self.uow() as uow:
            for channel, attempt in zip(self.channels, attempts, strict=True):
                uow.outbox.emit("notification.sent", {
                    "channel": channel.id, "status": "delivered" if attempt.ok else "failed", "attempts": 1,
                    "subject": "test", "detail": attempt.detail if not attempt.ok else TEST_TITLE,
                })
            uow.commit()
        return [{"id": c.id, "service": c.service, "url": c.masked, "delivered": a.ok, "detail": a.detail}
                for c, a in zip(self.channels, attempts, strict=True)]
