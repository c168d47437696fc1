"""Registry of event types and their payload schemas: an unknown type or a bad payload is refused.

Payloads are thin (keys and status); clients fetch details through REST.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError


class EventError(ValueError):
    """An event that must not be stored."""


class UnknownEventType(EventError):
    def __init__(self, event_type: str):
        super().__init__(f"unknown event type {event_type!r}; register it in app.events.types first")
        self.event_type = event_type


class InvalidEventPayload(EventError):
    def __init__(self, event_type: str, problems: list[str]):
        super().__init__(f"invalid payload for {event_type!r}: " + "; ".join(problems))
        self.event_type = event_type
        self.problems = problems


class EventRegistry:
    """Maps an event type name (`run.started`) to the pydantic model of its payload."""

    def __init__(self) -> None:
        self._schemas: dict[str, type[BaseModel]] = {}

    def register(self, event_type: str, schema: type[BaseModel]) -> None:
        if event_type in self._schemas and self._schemas[event_type] is not schema:
            raise ValueError(f"event type {event_type!r} is already registered")
        self._schemas[event_type] = schema

    def types(self) -> list[str]:
        return sorted(self._schemas)

    def schema(self, event_type: str) -> type[BaseModel]:
        try:
            return self._schemas[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def validate(self, event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload as it will be stored (JSON-ready), or an EventError saying what is wrong."""
        model = self.schema(event_type)
        try:
            return model.model_validate(payload).model_dump(mode="json", exclude_none=True)
        except ValidationError as exc:
            problems = [f"{'.'.join(map(str, e['loc'])) or 'payload'}: {e['msg']}" for e in exc.errors()]
            raise InvalidEventPayload(event_type, problems) from None


def default_registry() -> EventRegistry:
    """The registry of every Weaver event type (built once, on first use)."""
    from app.events.types import REGISTRY

    return REGISTRY
