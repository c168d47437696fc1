"""Notification channels (WEAVER_NOTIFY_URLS, shown masked) and a test message to each."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.common import Out

bp = Blueprint("notifications", __name__, url_prefix="/api/v1")


class DeliveryOut(Out):
    status: str  # delivered | failed
    attempts: int
    subject: str
    detail: str | None = None
    at: datetime


class ChannelOut(Out):
    id: str
    service: str
    url: str  # masked: tokens and passwords never leave the server
    valid: bool
    position: int | None
    last: DeliveryOut | None


class NotificationsOut(Out):
    channels: list[ChannelOut]
    events: list[str]


class TestResultOut(Out):
    id: str
    service: str
    url: str
    delivered: bool
    detail: str | None


class TestOut(Out):
    results: list[TestResultOut]


@endpoint(bp, "/notifications", summary="Notification channels, masked, with each one's last delivery",
          response=NotificationsOut)
def channels() -> NotificationsOut:
    """`position` is the outbox seq the channel has told up to (null until the scheduler first follows it)."""
    status = services().app.notifications.status()
    return NotificationsOut(events=status["events"], channels=[ChannelOut(**c) for c in status["channels"]])


@endpoint(bp, "/notifications/test", "POST", summary="Send a test notification to every channel",
          response=TestOut)
def send_test() -> TestOut:
    """One attempt per channel, at once; the answer says which channels it reached (no channels: empty)."""
    return TestOut(results=[TestResultOut(**r) for r in services().app.notifications.send_test()])
