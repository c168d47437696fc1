"""Results out: a run's trades, orders, fills or equity curve as CSV or JSON (API and CLI share it).

Orders lead with their `id`, the `order_id` of their fills, so the two files join on it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.decimal_text import decimal_text
from app.services import live_records
from app.services.errors import ValidationFailed
from app.services.short_ids import no_such_run
from app.walle.models import EquityPoint, Fill, Order, Run, Trade

KINDS: dict[str, tuple[Any, tuple[str, ...], tuple[Any, ...]]] = {
    "trades": (Trade, ("symbol", "direction", "qty", "entry_ts", "entry_price", "exit_ts", "exit_price", "pnl",
                       "return_pct", "fees", "bars_held"), (Trade.exit_ts, Trade.id)),
    "orders": (Order, ("id", "client_order_id", "symbol", "side", "type", "order_class", "time_in_force", "qty",
                       "notional", "percent", "limit_price", "stop_price", "status", "filled_qty", "filled_avg_price",
                       "reject_reason", "submitted_at", "filled_at"), (Order.submitted_at, Order.id)),
    "fills": (Fill, ("order_id", "symbol", "side", "qty", "price", "fee", "fee_qty", "ts"), (Fill.ts, Fill.id)),
    "equity": (EquityPoint, ("ts", "equity", "cash", "benchmark"), (EquityPoint.ts,)),
}
FORMATS = ("csv", "json")


def check(kind: str, fmt: str) -> None:
    problems = {}
    if kind not in KINDS:
        problems["kind"] = f"one of {', '.join(KINDS)}"
    if fmt not in FORMATS:
        problems["format"] = "csv or json"
    if problems:
        raise ValidationFailed(problems)


def exact_text(value: Decimal) -> str:
    """The value with every digit it holds and none the column's scale added: a stored quantity 686 reads
    `686`, not `686.000000000`, and a price 0.000012345 stays `0.000012345` (what the backtest's JSON says)."""
    text = decimal_text(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return exact_text(value)
    return value


def rows(session: Session, run_id: str, kind: str) -> Iterator[dict[str, Any]]:
    model, columns, order_by = KINDS[kind]
    run = session.get(Run, run_id)
    if run is None:
        raise no_such_run(run_id)
    if kind == "trades" and run.mode in live_records.LIVE_MODES:  # paired from its fills (no trades rows)
        for trade in live_records.closed_trades(session, run_id):
            yield {name: _text(getattr(trade, name)) for name in columns}
        return
    query = select(model).where(model.run_id == run_id).order_by(*order_by).execution_options(yield_per=5000)
    for record in session.scalars(query):
        yield {name: _text(getattr(record, name)) for name in columns}


def render(session: Session, run_id: str, kind: str, fmt: str) -> Iterator[str]:
    """The export as text chunks (streamed: a million equity points never sit in memory at once)."""
    check(kind, fmt)
    records = rows(session, run_id, kind)
    columns = KINDS[kind][1]
    if fmt == "json":
        yield "["
        for index, record in enumerate(records):
            yield ("," if index else "") + json.dumps(record)
        yield "]\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for index, record in enumerate(records, 1):
        writer.writerow(record)
        if index % 5000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
