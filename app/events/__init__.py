"""Events: envelope, type registry, transactional outbox, notifiers, reader and consumers."""

from app.events.envelope import Event
from app.events.registry import EventError, InvalidEventPayload, UnknownEventType

__all__ = ["Event", "EventError", "InvalidEventPayload", "UnknownEventType"]
