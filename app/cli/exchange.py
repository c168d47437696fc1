"""`weaver exchange`, composed: the exchange's own command with Weaver's database as the source of
`--market replay` bars (the exchange package itself stands alone)."""

from __future__ import annotations

from app.cli.stored_bars import load_stored
from app.exchange.cli import exchange
from app.exchange.replay_options import use_stored_bars

use_stored_bars(load_stored)

__all__ = ["exchange"]
