"""Dramatiq as the command queue: the relay hands it the outbox's commands (`deliver`), and the
live worker's stream thread sends trade updates to its own queue (`send`). A message carries the
command's type, id and primitive payload, never objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq

from app.config import Settings
from app.events import context
from app.events.commands import COMMANDS, Command
from app.events.envelope import Event
from workers.actors import declare_actors
from workers.broker import build_broker
from workers.heartbeat import HeartbeatStore


def message_of(event: Event) -> dict[str, Any]:
    return {"id": event.id, "type": event.type, "payload": event.payload, "run_id": event.run_id,
            "corr_id": event.corr_id, "trace_id": event.trace_id}


@dataclass
class DramatiqQueue:
    broker: dramatiq.Broker
    heartbeats: HeartbeatStore
    actors: dict[str, dramatiq.Actor]

    def deliver(self, event: Event) -> None:
        """Enqueue one stored command on its queue (raises when the queue is away)."""
        self.actors[COMMANDS[event.type].queue].send(message_of(event))

    def send(self, command: Command) -> None:
        """Enqueue a command that is not stored first (the live worker's own trade updates)."""
        corr = context.current()
        self.deliver(Event(type=command.type(), payload=command.payload(), run_id=command.run_id_of,
                           corr_id=corr.corr_id, trace_id=corr.trace_id))

    def close(self) -> None:
        self.broker.close()


def build_queue(settings: Settings, *, namespace: str | None = None,
                live_info: Callable[[], dict[str, Any]] | None = None) -> DramatiqQueue:
    broker, heartbeats = build_broker(settings, namespace=namespace, live_info=live_info)
    return DramatiqQueue(broker, heartbeats, declare_actors(broker))
