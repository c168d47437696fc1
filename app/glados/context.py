"""What a request handler can reach: the process's services (from the composition root) and the
web-only parts (the SSE broadcaster), attached to the Flask app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from app.bootstrap import Container
from app.bootstrap import Services as AppServices
from app.glados.broadcaster import Broadcaster
from app.services.live_control import LiveControl
from app.services.runs import RunService
from app.services.sweeps import SweepService


@dataclass
class Services:
    app: AppServices
    broadcaster: Broadcaster
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def container(self) -> Container:
        return self.app.container

    @property
    def runs(self) -> RunService:
        return self.app.runs

    @property
    def sweeps(self) -> SweepService:
        return self.app.sweeps

    @property
    def live_control(self) -> LiveControl:
        return self.app.live_control


def services() -> Services:
    return current_app.extensions["weaver"]
