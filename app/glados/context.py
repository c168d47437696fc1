"""What a request handler can reach: the process's services, attached to the Flask app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from app.bootstrap import Container
from app.glados.broadcaster import Broadcaster
from app.services.ports import CommandBus
from app.services.runs import RunService


@dataclass
class Services:
    container: Container
    commands: CommandBus
    runs: RunService
    broadcaster: Broadcaster
    health_probes: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)


def services() -> Services:
    return current_app.extensions["weaver"]
