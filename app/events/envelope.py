"""The event envelope of the seed: identity chain, time, and a thin payload."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Event:
    """An immutable fact. `seq` is unset until the outbox stores it; `id` is what consumers dedupe on.

    corr_id ties every event of one user action together (it is the request's correlation id);
    causation_id is the id of the event or command that directly caused this one; trace_id spans
    processes (API → worker → broker).
    """

    type: str
    payload: dict[str, Any]
    run_id: str | None = None
    id: str = field(default_factory=_uuid)
    corr_id: str | None = None
    causation_id: str | None = None
    trace_id: str | None = None
    ts: datetime = field(default_factory=_now)
    seq: int | None = None

    def caused(self, type: str, payload: dict[str, Any], run_id: str | None = None) -> Event:
        """A follow-up event that inherits this one's correlation and trace, caused by it."""
        return Event(
            type=type,
            payload=payload,
            run_id=run_id if run_id is not None else self.run_id,
            corr_id=self.corr_id,
            causation_id=self.id,
            trace_id=self.trace_id,
        )

    def with_seq(self, seq: int) -> Event:
        stored = copy.copy(self)  # dataclasses.replace re-runs __init__: too slow on the hot path
        object.__setattr__(stored, "seq", seq)
        return stored

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "type": self.type,
            "run_id": self.run_id,
            "corr_id": self.corr_id,
            "causation_id": self.causation_id,
            "trace_id": self.trace_id,
            "ts": self.ts.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "payload": self.payload,
        }
