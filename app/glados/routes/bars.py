"""Market data: stored series, bars for charts, and CSV import."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from flask import Blueprint, request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.decimal_text import DecimalText
from app.glados.api import endpoint
from app.glados.context import services
from app.glados.errors import ApiError
from app.glados.schemas.common import Out
from app.services.bars import BarService
from app.services.specs import Timeframe, as_utc
from app.walle.repositories import BarRepository, InstrumentRepository

bp = Blueprint("bars", __name__, url_prefix="/api/v1/bars")
# Uploads are spooled to a temporary file and read in batches: the limit guards the disk, not memory.
IMPORT_LIMIT_BYTES = 2 * 1024 * 1024 * 1024
AssetClass = Literal["us_equity", "crypto", "other"]  # app/walle/models/instruments.py's ASSET_CLASSES


class SeriesOut(Out):
    symbol: str
    timeframe: str
    first_ts: datetime | None
    last_ts: datetime | None
    count: int
    source: str
    description: str | None
    asset_class: AssetClass | None = Field(None, description=(
        "the symbol's stored instrument's class (an import's --asset-class, the broker's assets); null: none stored. "
        "Forms pre-fill a run's asset_class with it: a run's own inputs choose the year its ratios are annualised by"))


class BarOut(Out):
    ts: datetime
    open: DecimalText
    high: DecimalText
    low: DecimalText
    close: DecimalText
    volume: DecimalText


class BarQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=32)
    timeframe: Timeframe = "1Day"
    start: datetime | None = None
    end: datetime | None = None
    limit: int = Field(5000, ge=1, le=100_000, description="the most recent bars of the window, at most")

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)


class ConflictOut(Out):
    ts: datetime
    column: str = Field(description="open, high, low, close or volume")
    stored: str = Field(description="the stored value, which was kept (decimal text)")
    file: str = Field(description="the file's value, which was not stored (decimal text)")


class ConflictsOut(Out):
    count: int = Field(description="rows already present whose prices differ from the stored bars")
    examples: list[ConflictOut] = Field(description="the first few differing prices, earliest first")


class ImportOut(Out):
    symbol: str
    timeframe: str
    rows: int
    inserted: int
    skipped: int
    error_count: int
    errors: list[dict[str, object]]
    warnings: list[str] = Field(description="e.g. a suspected split: the bars look unadjusted")
    conflicts: ConflictsOut = Field(description="stored bars never change: file rows for times already stored "
                                                "with other prices were not stored")


@endpoint(bp, "/series", summary="Stored symbols and timeframes with their ranges", response=[SeriesOut])
def series() -> list[SeriesOut]:
    with services().container.read_session() as session:
        series = BarRepository(session).series()
        classes = InstrumentRepository(session).asset_classes(sorted({s.symbol for s in series}))
        return [SeriesOut.model_validate({**dataclasses.asdict(s), "asset_class": classes.get(s.symbol)})
                for s in series]


@endpoint(bp, "", summary="Bars of one series (the most recent `limit` in the window)", query=BarQuery,
          response=[BarOut])
def bars(query: BarQuery) -> list[BarOut]:
    with services().container.read_session() as session:
        loaded = BarRepository(session).load(query.symbol.upper(), query.timeframe, query.start, query.end)
    first = max(0, len(loaded) - query.limit)
    return [
        BarOut(ts=datetime.fromtimestamp(int(t) / 1e9, UTC), open=_d(o), high=_d(h), low=_d(lo), close=_d(c),
               volume=_d(v))
        for t, o, h, lo, c, v in zip(loaded.ts[first:].tolist(), loaded.open[first:].tolist(),
                                     loaded.high[first:].tolist(), loaded.low[first:].tolist(),
                                     loaded.close[first:].tolist(), loaded.volume[first:].tolist(), strict=True)
    ]


def _d(value: float) -> Decimal:
    return Decimal(repr(value))


IMPORT_FORM = {
    "type": "object", "required": ["file", "symbol"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "the CSV (Yahoo-style or timestamp,open,…)"},
        "symbol": {"type": "string", "description": "ticker the bars belong to, e.g. AAPL"},
        "asset_class": {"type": "string", "enum": ["us_equity", "crypto", "other"],
                        "description": "store the symbol as this asset class (price steps, calendar)"},
        "timeframe": {"type": "string", "description": "1Min, 5Min, 1Hour, 1Day, … (default: the file's own spacing)"},
        "keep_good_rows": {"type": "string", "enum": ["true", "false"], "default": "false",
                           "description": "store the valid rows of a file that has bad ones"},
    },
}


@endpoint(bp, "/import", "POST", summary="Import a CSV of bars (multipart: file, symbol, timeframe)",
          response=ImportOut, status=201, errors=(400, 413, 422), form=IMPORT_FORM)
def import_csv() -> ImportOut:
    """Rows are validated first (readable times from 1970 to 2100, strictly increasing; prices positive,
    finite and within the price column; high ≥ max(open, close), low ≤ min(open, close); volume not
    negative); a file with any bad row stores nothing and the 422 lists them by line
    (`details.errors`), unless `keep_good_rows=true`. The upload is read from its temporary file in
    batches, so a large file does not grow the server's memory. Stored bars never change: rows for times
    already stored are skipped, and those whose prices differ are counted in `conflicts`."""
    request.max_content_length = IMPORT_LIMIT_BYTES
    upload = request.files.get("file")  # werkzeug spools a large upload to a temporary file, not memory
    if upload is None:
        raise ApiError(400, "missing_file", "send the CSV as a multipart form field named 'file'")
    keep = request.form.get("keep_good_rows", "false").lower() in ("1", "true", "yes")
    result = BarService(services().container.uow).import_csv(
        upload.stream, request.form.get("symbol", ""), request.form.get("timeframe") or None, keep_good_rows=keep,
        asset_class=request.form.get("asset_class") or None,
    )
    return ImportOut(symbol=result.symbol, timeframe=result.timeframe, rows=result.rows, inserted=result.inserted,
                     skipped=result.skipped, error_count=result.error_count,
                     errors=[{"line": e.line, "reason": e.reason} for e in result.errors], warnings=result.warnings,
                     conflicts=ConflictsOut(count=result.conflicts.count, examples=[
                         ConflictOut(ts=c.ts, column=c.column, stored=c.stored, file=c.given)
                         for c in result.conflicts.examples]))
