"""Write a finished backtest's results through WallE in one transaction, in bulk.

Orders, fills, trades, positions, metrics and the equity curve (one point per bar) go in with a
handful of bulk statements (COPY on Postgres), never one INSERT per row.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.greta.records import BacktestResult
from app.greta.specs import FeeSpec, SlippageSpec
from app.services.ledger_copy import copy_ledger
from app.walle.binary_copy import equity_copy
from app.walle.bulk import bulk_insert
from app.walle.models import EquityPoint, Fill, Order, Position, Run, RunMetric, Trade
from app.walle.uow import UnitOfWork

E4 = Decimal("0.0001")


def row_id(run_id: str, local_id: str) -> str:
    """A global, deterministic id for one of a run's records (`o-000001` → a uuid): uuid5 of the local id in
    the run's namespace, worked out from a SHA-1 already fed the namespace (a fifth of uuid.uuid5's time:
    a million-bar run names 136,000 records)."""
    sha = _namespace(run_id).copy()
    sha.update(local_id.encode())
    digest = bytearray(sha.digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest[:16].hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.lru_cache(maxsize=64)
def _namespace(run_id: str) -> Any:
    return hashlib.sha1(uuid.UUID(run_id).bytes, usedforsecurity=False)


def write_result(uow: UnitOfWork, run_id: str, result: BacktestResult, *, fresh: bool = False) -> None:
    """Replace the run's records with `result` (a rerun leaves no trace of an earlier attempt). `fresh`: the
    run has none yet (its records go in with its completion, so a run completing now has none), and the
    six deletes, a round trip each, are skipped."""
    if not fresh:
        uow.records.clear(run_id)
    _write_ledger(uow, run_id, result)
    _write_outcome(uow, run_id, result)
    _write_equity(uow, run_id, result)


def write_summary(uow: UnitOfWork, run_id: str, result: BacktestResult) -> None:
    """What a sweep's table needs of a cell: its metrics and positions. Its orders, fills, trades and
    equity curve are the same backtest's, rebuilt on demand (BacktestService.complete_records) before
    anything reads them: storing a thousand trades and forty thousand points for every cell would cost
    several times more than running it. (A 200-point summary curve was stored too, but every reader -
    the equity, export, analysis, robustness and drift routes - rebuilt the full curve first, so nothing
    read it; it was a third of a sweep's Postgres time.) Nothing to clear first: a run has records only
    once completed, and a completed run never runs again."""
    write_summaries(uow, [(run_id, result)])


def write_summaries(uow: UnitOfWork, cells: Sequence[tuple[str, BacktestResult]]) -> None:
    """Several cells' summaries (write_summary). On Postgres every insert of every cell travels
    together (one round trip): a short cell's time goes to the engine."""
    if uow.session.get_bind().dialect.name != "postgresql":
        for run_id, result in cells:
            _write_outcome(uow, run_id, result)
        return
    run_ids = [run_id for run_id, _ in cells]
    positions, metrics = _Columns(), _Columns()
    for cell, (run_id, result) in enumerate(cells, start=1):
        for p in result.positions:
            if p.qty != 0:
                positions.add(row_id(run_id, f"p-{p.symbol}"), run_id, p.symbol, p.qty, p.avg_price, p.mark_price,
                              p.realized_pl, result.end)
        for name, value in sorted(result.metrics.items()):
            metrics.add(cell, name, None if value is None else float(value))
    connection = uow.session.connection().connection.driver_connection  # type: ignore[union-attr]
    with connection.pipeline(), connection.cursor() as cursor:
        if positions.rows:
            cursor.execute(_PG_POSITIONS, positions.values, prepare=True)
        if metrics.rows:
            cursor.execute(_PG_METRICS, [run_ids, *metrics.values], prepare=True)


class _Columns:
    """Rows gathered column by column: one statement over arrays inserts every cell's rows (the metrics'
    statement trigger, 0009, then rewrites the group's runs once, not once per cell)."""

    def __init__(self) -> None:
        self.values: list[list[Any]] = []
        self.rows = 0

    def add(self, *row: Any) -> None:
        if not self.values:
            self.values = [[] for _ in row]
        for values, value in zip(self.values, row, strict=True):
            values.append(value)
        self.rows += 1


# Sweep cells' summaries as two fixed statements over arrays (prepared once per connection).
_PG_POSITIONS = (
    "INSERT INTO positions (id, run_id, symbol, qty, avg_price, mark_price, realized_pl, updated_at) "
    "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::numeric[], %s::numeric[], %s::numeric[], "
    "%s::numeric[], %s::timestamptz[])"
)
_PG_METRICS = (  # a metric names its run by its place in the first array
    "INSERT INTO run_metrics (run_id, name, value) SELECT (%s::text[])[cell], name, value "
    "FROM unnest(%s::int4[], %s::text[], %s::float8[]) AS t(cell, name, value)"
)

def _write_ledger(uow: UnitOfWork, run_id: str, result: BacktestResult) -> None:
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":  # a line of COPY text per record (ledger_copy)
        copy_ledger(session.connection().connection.driver_connection.cursor(), run_id, result,  # type: ignore[union-attr]
                    row_id)
        return
    rows = ledger_rows(run_id, result)
    for model in (Order, Fill, Trade):
        bulk_insert(session, model.__table__, rows[model.__tablename__])  # type: ignore[arg-type]


def ledger_rows(run_id: str, result: BacktestResult) -> dict[str, list[dict[str, Any]]]:
    """The orders, fills and trades as a dict per row, by table (SQLite's insert; on Postgres the COPY
    lines of ledger_copy hold the same values, and its test holds them to these)."""
    ids = {o.id: row_id(run_id, o.id) for o in result.orders}
    orders = [
        {"id": ids[o.id], "run_id": run_id, "client_order_id": o.client_order_id, "broker_order_id": None,
         "parent_id": ids.get(o.parent_id) if o.parent_id else None, "symbol": o.symbol, "side": o.side,
         "type": o.type, "order_class": o.order_class, "time_in_force": o.time_in_force, "qty": o.qty,
         "notional": o.notional, "percent": o.percent, "limit_price": o.limit_price, "stop_price": o.stop_price,
         "status": o.status, "filled_qty": o.filled_qty, "filled_avg_price": o.filled_avg_price,
         "reject_reason": o.reject_reason, "bar_ts": o.submitted_at, "submitted_at": o.submitted_at,
         "filled_at": o.filled_at, "updated_at": o.history[-1].ts if o.history else o.submitted_at,
         "history": [{"status": e.status, "ts": _iso(e.ts)} for e in o.history]}
        for o in result.orders
    ]
    orders.sort(key=lambda row: row["parent_id"] is not None)  # parents first: SQLite checks the key per row
    fills = [{"id": row_id(run_id, f.id), "run_id": run_id, "order_id": ids[f.order_id], "broker_fill_id": None,
              "symbol": f.symbol, "side": f.side, "qty": f.qty, "price": f.price, "fee": f.fee, "ts": f.ts}
             for f in result.fills]
    trades = [{"id": row_id(run_id, t.id), "run_id": run_id, "symbol": t.symbol, "direction": t.direction,
               "qty": t.qty, "entry_ts": t.entry_ts, "entry_price": t.entry_price, "exit_ts": t.exit_ts,
               "exit_price": t.exit_price, "pnl": t.pnl, "return_pct": t.return_pct, "fees": t.fees,
               "bars_held": t.bars_held} for t in result.trades]
    return {"orders": orders, "fills": fills, "trades": trades}


def _write_outcome(uow: UnitOfWork, run_id: str, result: BacktestResult) -> None:
    session = uow.session
    bulk_insert(session, Position.__table__, [  # type: ignore[arg-type]
        {"id": row_id(run_id, f"p-{p.symbol}"), "run_id": run_id, "symbol": p.symbol, "qty": p.qty,
         "avg_price": p.avg_price, "mark_price": p.mark_price, "realized_pl": p.realized_pl,
         "updated_at": result.end}
        for p in result.positions if p.qty != 0
    ])
    bulk_insert(session, RunMetric.__table__, [  # type: ignore[arg-type]
        {"run_id": run_id, "name": name, "value": None if value is None else float(value)}
        for name, value in sorted(result.metrics.items())
    ])


def record_backtest(uow: UnitOfWork, run_id: str, result: BacktestResult, *, name: str | None = None,
                    bars_from: dict[str, str] | None = None) -> Run:
    """Store a backtest that ran outside the workers (`weaver backtest`) as a completed run: the run row,
    its lifecycle events and every record, in the caller's transaction. `bars_from`: symbol → where its bars
    came from when they are not stored ("the file AAPL.csv"), kept in the run's options: what is stored under
    that symbol is other bars, which its chart and robustness test must not read as the run's."""
    from app.services.runs import now, transition

    config = result.config
    run = uow.runs.add(Run(
        id=run_id, mode="backtest", name=name, strategy=config["strategy"], params=dict(config["params"]),
        symbols=list(result.symbols), timeframe=result.timeframe, start_at=result.start, end_at=result.end,
        cash=Decimal(config["cash"]), fees=FeeSpec.parse(config["fees"]).to_dict(),
        slippage=SlippageSpec.parse(config["slippage"]).to_dict(),
        options={"fractional": config["fractional"], "allow_short": config["allow_short"], "risk": None,
                 "asset_class": config.get("asset_class"), "annualisation": config.get("annualisation"),
                 "rejections": result.rejections(), **({"warnings": list(result.warnings)} if result.warnings else {}),
                 "source": "cli", **({"bars_from": dict(bars_from)} if bars_from else {})},
        status="created", created_at=now(), updated_at=now(),
    ))
    uow.outbox.emit("run.created", {"run_id": run.id, "status": "created", "mode": run.mode}, run_id=run.id)
    for status in ("queued", "running"):
        transition(uow, run, status)
    uow.session.flush()  # the run row must exist before the records' bulk COPY refers to it
    write_result(uow, run_id, result, fresh=True)  # made just now
    run.progress = 1.0
    transition(uow, run, "completed")
    return run


def _write_equity(uow: UnitOfWork, run_id: str, result: BacktestResult) -> None:
    curve = result.equity
    if not len(curve):
        return
    if uow.session.get_bind().dialect.name != "postgresql":
        rows = [{"run_id": run_id, "ts": p.ts, "equity": p.equity, "cash": p.cash, "benchmark": p.benchmark}
                for p in curve.points()]
        bulk_insert(uow.session, EquityPoint.__table__, rows)  # type: ignore[arg-type]
        return
    # Fixed-size binary rows from the int64 columns (binary_copy): a million points in well under a second.
    payload = equity_copy(run_id, curve.ts, curve.equity_e4, curve.cash_e4, curve.benchmark_e4)
    cursor = uow.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy("COPY equity_points (run_id, ts, equity, cash, benchmark) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(payload)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def metrics_summary(metrics: dict[str, Any]) -> str:
    keys = ("total_return_pct", "sharpe", "max_drawdown_pct", "trades")
    return ", ".join(f"{k}={metrics.get(k)}" for k in keys)
