"""Fetch the warm-up history a live tick runs the strategy over, as BarFrames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from app.clock.realtime import live_timeframe
from app.marvin.bars import BarFrame
from app.veda.alpaca import AlpacaBroker

WARMUP_BARS = 300


def fetch_history(broker: AlpacaBroker, symbols: list[str], timeframe: str, bar_ts: datetime,
                  warmup: int = WARMUP_BARS) -> list[BarFrame]:
    """The last `warmup` bars up to and including `bar_ts`, per symbol. The window asked for is
    wider than `warmup` bars of wall time, because markets close at night and at weekends."""
    frame = live_timeframe(timeframe)
    span = warmup * frame.delta.total_seconds() * (1.6 if frame.daily else 1 if frame.unit == "Sec" else 4)
    start = bar_ts - timedelta(seconds=span)
    found = broker.bars(symbols, timeframe, _iso(start), _iso(bar_ts))
    frames = []
    for symbol in symbols:
        rows = [r for r in found.get(symbol, []) if _parse(r["t"]) <= bar_ts][-warmup:]
        frames.append(BarFrame(
            symbol, timeframe,
            np.array([int(_parse(r["t"]).timestamp() * 1_000_000) * 1000 for r in rows], dtype=np.int64),
            *(np.array([float(r[k]) for r in rows]) for k in ("o", "h", "l", "c", "v")),
        ))
    return frames


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
