"""A run's records: orders, fills, trades, positions, equity curve and events (always run-scoped)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
from flask import Blueprint, Response, stream_with_context
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.events.reader import read_events
from app.glados.api import endpoint
from app.glados.context import services
from app.glados.routes.bars import BarOut
from app.glados.schemas.common import EventOut, RecordPageQuery, page, page_of_cache
from app.glados.schemas.runs import EquityPointOut, EquityQuery, EventQuery, FillOut, OrderOut, PositionOut, TradeOut
from app.marvin.bars import ns_to_datetime
from app.services import exports, live_records
from app.services.bars_from import refuse_unstored
from app.services.downsample import min_max_indices
from app.services.short_ids import no_such_run
from app.services.specs import as_utc
from app.walle.repositories import BarRepository, RunRecords, RunRepository
from app.walle.repositories.live_records import LiveRecords

bp = Blueprint("records", __name__, url_prefix="/api/v1/runs")


def _records(session, run_id: str) -> RunRecords:  # type: ignore[no-untyped-def]
    if RunRepository(session).get(run_id) is None:
        raise no_such_run(run_id)
    return RunRecords(session)


def _full_records(run_id: str) -> None:
    """A sweep cell keeps only its summary until opened: store its orders, fills, trades and whole
    equity curve first (before the read session starts, so it sees them), the same as the backtest run alone."""
    services().app.backtests.complete_records(run_id)


@endpoint(bp, "/<run_id>/orders", summary="The run's orders, every state with its time", query=RecordPageQuery,
          response=page_of_cache(OrderOut))
def orders(run_id: str, query: RecordPageQuery):  # type: ignore[no-untyped-def]
    _full_records(run_id)
    with services().container.read_session() as session:
        rows, total = _records(session, run_id).orders(run_id, limit=query.per_page, offset=query.offset,
                                                       descending=query.order == "desc")
        return page(OrderOut, rows, total, query)


@endpoint(bp, "/<run_id>/fills", summary="The run's fills", query=RecordPageQuery, response=page_of_cache(FillOut))
def fills(run_id: str, query: RecordPageQuery):  # type: ignore[no-untyped-def]
    _full_records(run_id)
    with services().container.read_session() as session:
        rows, total = _records(session, run_id).fills(run_id, limit=query.per_page, offset=query.offset,
                                                      descending=query.order == "desc")
        return page(FillOut, rows, total, query)


@endpoint(bp, "/<run_id>/trades", summary="The run's closed round trips", query=RecordPageQuery,
          response=page_of_cache(TradeOut))
def trades(run_id: str, query: RecordPageQuery):  # type: ignore[no-untyped-def]
    _full_records(run_id)
    descending = query.order == "desc"
    with services().container.read_session() as session:
        run = RunRepository(session).get(run_id)
        if run is not None and run.mode in live_records.LIVE_MODES:  # paired from its fills as they close
            closed = live_records.closed_trades(session, run_id)[::-1 if descending else 1]
            return page(TradeOut, closed[query.offset:query.offset + query.per_page], len(closed), query)
        rows, total = _records(session, run_id).trades(run_id, limit=query.per_page, offset=query.offset,
                                                       descending=descending)
        return page(TradeOut, rows, total, query)


class RunBarQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=32)
    start: datetime | None = None
    end: datetime | None = None
    limit: int = Field(5000, ge=1, le=100_000, description="the most recent bars of the window, at most")

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)


@endpoint(bp, "/<run_id>/bars", summary="The bars the run traded on, at its timeframe (the most recent `limit`)",
          query=RunBarQuery, response=[BarOut], errors=(404, 409, 422))
def run_bars(run_id: str, query: RunBarQuery) -> list[BarOut]:
    """A paper or live run: the bars its worker recorded as it saw them; a backtest: the stored series (409 for
    a `weaver backtest` run on a file, whose bars Weaver never stored)."""
    with services().container.read_session() as session:
        run = RunRepository(session).get(run_id)
        if run is None:
            raise no_such_run(run_id)
        if run.mode in live_records.LIVE_MODES:
            rows = LiveRecords(session).bars(run_id, query.symbol.upper(), query.start, query.end, query.limit)
            return [BarOut.model_validate(row) for row in rows]
        refuse_unstored(run, query.symbol.upper())
        loaded = BarRepository(session).load(query.symbol.upper(), run.timeframe, query.start, query.end)
    first = max(0, len(loaded) - query.limit)
    return [BarOut(ts=datetime.fromtimestamp(int(t) / 1e9, UTC), open=Decimal(repr(o)), high=Decimal(repr(h)),
                   low=Decimal(repr(lo)), close=Decimal(repr(c)), volume=Decimal(repr(v)))
            for t, o, h, lo, c, v in zip(loaded.ts[first:].tolist(), loaded.open[first:].tolist(),
                                         loaded.high[first:].tolist(), loaded.low[first:].tolist(),
                                         loaded.close[first:].tolist(), loaded.volume[first:].tolist(), strict=True)]


@endpoint(bp, "/<run_id>/positions", summary="The run's positions, marked", response=[PositionOut])
def positions(run_id: str) -> list[PositionOut]:
    with services().container.read_session() as session:
        found = []
        for row in _records(session, run_id).positions(run_id):
            out = PositionOut.model_validate(row)
            if row.mark_price is not None:
                out.market_value = (row.qty * row.mark_price).quantize(row.mark_price.__class__("0.01"))
                out.unrealized_pl = ((row.mark_price - row.avg_price) * row.qty).quantize(
                    row.mark_price.__class__("0.01"))
            found.append(out)
        return found


@endpoint(bp, "/<run_id>/equity", summary="The equity curve with drawdown (downsampled with ?points=N)",
          query=EquityQuery, response=[EquityPointOut])
def equity(run_id: str, query: EquityQuery) -> list[EquityPointOut]:
    """With `points`, the curve is reduced on its values as arrays first, and only the points kept are read
    as rows (trial 26: a 200,000-point curve took 6-8 s for 2,000 points, as long as for all of them)."""
    _full_records(run_id)
    with services().container.read_session() as session:
        records = _records(session, run_id)
        values = records.equity_columns(run_id, values=("equity",))
        equity = values.equity if values.equity is not None else np.empty(0)
        keep = min_max_indices(equity, query.points) if query.points else np.arange(len(equity))
        if len(keep) == len(equity):
            rows = records.equity(run_id)
        else:
            rows = records.equity_at(run_id, [ns_to_datetime(int(ns)) for ns in values.ts[keep]])
    if len(rows) == len(keep):
        drawdown = _drawdowns(equity)[keep]
    else:  # (a point written meanwhile: the rows read are the curve)
        drawdown = _drawdowns(np.array([float(row.equity) for row in rows]))
    points = []
    for row, down in zip(rows, drawdown.tolist(), strict=True):
        point = EquityPointOut.model_validate(row)
        point.drawdown = down
        points.append(point)
    return points


def _drawdowns(equity: np.ndarray) -> np.ndarray:
    """How far each point stands below the highest before it, as a fraction ≤ 0 (0 while the peak is 0)."""
    peak = np.maximum.accumulate(equity) if len(equity) else equity
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(peak != 0, equity / np.where(peak != 0, peak, 1.0) - 1.0, 0.0)


@endpoint(bp, "/<run_id>/events", summary="The run's events in seq order", query=EventQuery, response=[EventOut])
def events(run_id: str, query: EventQuery) -> list[EventOut]:
    with services().container.read_session() as session:
        _records(session, run_id)
        return [EventOut(**e.to_dict()) for e in read_events(session, query.after, run_id=run_id, types=query.types(),
                                                              limit=query.limit, newest_first=query.order == "desc")]


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = Field("csv", pattern="^(csv|json)$")


@endpoint(bp, "/<run_id>/export/<kind>", summary="Download trades, orders, fills or the equity curve (CSV or JSON)",
          query=ExportQuery, content_type=("text/csv", "application/json"), response=str)
def export(run_id: str, kind: str, query: ExportQuery) -> Response:
    """`kind` is trades, orders, fills or equity; the file is streamed, so long curves export fine."""
    exports.check(kind, query.format)
    _full_records(run_id)
    session = services().container.read_session()
    chunks = exports.render(session, run_id, kind, query.format)
    try:
        first = next(chunks)  # raises NotFound now, while an error response can still be sent
    except Exception:
        session.close()
        raise

    def body():  # type: ignore[no-untyped-def]
        try:
            yield first
            yield from chunks
        finally:
            session.close()

    mimetype = "application/json" if query.format == "json" else "text/csv"
    return Response(stream_with_context(body()), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="run-{run_id[:8]}-{kind}.{query.format}"'})
