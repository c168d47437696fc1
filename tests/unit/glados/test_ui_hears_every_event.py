"""The UI's stream listens for every event type the server registers.

An EventSource delivers a named event only to a listener for that name, so a type missing from
`EVENT_TYPES` (ui/src/lib/stream/routing.ts) never reaches the page live: `run.bars_missed`,
`run.replay_mismatch`, `run.buying_power_short` and `run.orders_cancelled` were missing, and the run's
event log showed them only when some other event refetched it."""

from __future__ import annotations

import re
from pathlib import Path

from app.events.commands import PREFIX
from app.events.types import REGISTRY

ROUTING = Path(__file__).resolve().parents[3] / "ui" / "src" / "lib" / "stream" / "routing.ts"


def test_every_registered_event_type_is_in_the_uis_list() -> None:
    listed = set(re.findall(r"'([a-z_]+\.[a-z_]+)'", ROUTING.read_text()))
    events = {t for t in REGISTRY.types() if not t.startswith(PREFIX)}
    assert "run.resumed" in events and "order.filled" in events
    assert sorted(events - listed) == []
