"""What a live run saw, written down: its bars (live_bars) and its strategy's saved state (live_state).

Read back by the replay after a restart (app/veda/resume.py) and by the drift report. A tick's bar
is recorded before the strategy runs on it, so an order is never on record for a bar that is not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from app.marvin.bars import ns_to_datetime
from app.marvin.saved_state import as_saved
from app.veda.history import Row, RunHistory
from app.walle.models import LiveBar, LiveState, OutboxEvent
from app.walle.uow import UnitOfWork


def record_bars(uow: UnitOfWork, run_id: str, history: RunHistory, rows: dict[str, list[Row]], bar_ns: int,
                in_session: Callable[[datetime], bool], check_known: bool = True,
                pending: list[dict[str, Any]] | None = None) -> int:
    """Record the new rows (the tick's bar processed, every earlier one history only), append them to
    the run's history in memory, and return how many bars the run missed: bars between its last
    bar and this one inside a trading session, on which it never ran (ticks skipped while it was
    down). Those are announced once as `run.bars_missed`. Rows already on record are not written
    twice; `check_known=False` when the caller knows none can be (its history in memory holds every
    row it recorded, and these are all newer). `pending`: the rows are added to it, for the caller
    to write with other runs' in one statement (`write_bars`) in the same unit of work."""
    first_tick = history.empty
    if any(rows.values()):
        earliest = ns_to_datetime(min(r[0] for symbol_rows in rows.values() for r in symbol_rows))
        known = set(uow.session.execute(select(LiveBar.symbol, LiveBar.ts).where(
            LiveBar.run_id == run_id, LiveBar.ts >= earliest)).all()) if check_known else set()
        values = [_values(run_id, symbol, row, row[0] != bar_ns) for symbol, symbol_rows in rows.items()
                  for row in symbol_rows if (symbol, ns_to_datetime(row[0])) not in known]
        if pending is not None:
            pending.extend(values)
        else:
            write_bars(uow, values)
    for symbol, symbol_rows in rows.items():
        history.extend(symbol, symbol_rows)
    history.processed.append(bar_ns)
    if first_tick:
        return 0
    gap = sorted({ns_to_datetime(r[0]) for symbol_rows in rows.values() for r in symbol_rows if r[0] != bar_ns})
    missed = [ts for ts in gap if in_session(ts)]
    if missed:
        uow.outbox.emit("run.bars_missed", {"run_id": run_id, "count": len(missed), "first": missed[0].isoformat(),
                                            "last": missed[-1].isoformat(), "why": _why(uow, run_id, history)},
                        run_id=run_id)
    return len(missed)


def _why(uow: UnitOfWork, run_id: str, history: RunHistory) -> str:
    """`stopped` when the run was stopped since the last bar it ran on (and started again), else `down`: no tick
    ran while it was meant to trade (trial 41: a crash and a stop read alike, "stopped, or down")."""
    since = ns_to_datetime(history.processed[-2]) if len(history.processed) > 1 else None
    query = select(OutboxEvent.seq).where(OutboxEvent.run_id == run_id, OutboxEvent.type == "run.stopped")
    if since is not None:
        query = query.where(OutboxEvent.ts > since)
    return "stopped" if uow.session.scalar(query.limit(1)) is not None else "down"


def write_bars(uow: UnitOfWork, values: list[dict[str, Any]]) -> None:
    if values:
        uow.session.execute(insert(LiveBar), values)


def _values(run_id: str, symbol: str, row: Row, warmup: bool) -> dict[str, Any]:
    ts, o, h, lo, c, v = row
    return {"run_id": run_id, "symbol": symbol, "ts": ns_to_datetime(ts), "open": Decimal(repr(o)),
            "high": Decimal(repr(h)), "low": Decimal(repr(lo)), "close": Decimal(repr(c)), "volume": Decimal(repr(v)),
            "warmup": warmup}


def save_state(uow: UnitOfWork, run_id: str, bar_ts: datetime, state: dict[str, Any]) -> None:
    """Keep what the strategy's on_save() returned on `bar_ts` (it must be JSON: checked here, by
    the round trip, so a state that could not be loaded back fails the tick that made it)."""
    state = as_saved(state)
    row = uow.session.get(LiveState, run_id)
    if row is None:
        uow.session.add(LiveState(run_id=run_id, bar_ts=bar_ts, state=state))
    else:
        row.bar_ts, row.state = bar_ts, state
