"""`weaver bars fetch`: download bars from Alpaca (alpaca-py's data client) into the bars table.

Each page is committed as it arrives, so an interrupted download keeps what it got, and the next
call resumes after the last stored bar of each series: a second call fetches nothing new.

How many bars a window holds is not known before it is downloaded (market hours, holidays, halts,
thin IEX minutes), and `window / timeframe` overcounts intraday bars about fourfold. So progress
reports an estimate instead: the bars so far, scaled by how much of the window they cover. It is
exact for evenly spaced bars, refines with every page, and becomes the true count at the end.

Bars are split-adjusted by default (`adjustment="split"`): raw bars show each split as a crash
(a 4:1 split quarters the price overnight). The adjustment is stored with
the series, and a series is only ever extended with bars of its own adjustment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select

from app.clock.realtime import bar_seconds
from app.services.bars import FETCH_TIMEFRAMES, TIMEFRAMES, check_series
from app.services.errors import ValidationFailed
from app.walle.models import BarSeries
from app.walle.models.bars import ADJUSTMENTS
from app.walle.uow import UnitOfWork

PAGE = 10_000
Progress = Callable[[int, int | None], None]  # (bars fetched, estimated total)


@dataclass(frozen=True)
class FetchResult:
    symbol: str
    timeframe: str
    fetched: int
    inserted: int
    start: datetime | None
    adjustment: str = "split"


class BarFetcher:
    """Pages through the broker's bars for one series and stores them (all or, per page, nothing)."""

    def __init__(self, uow: Callable[[], UnitOfWork], data_get: Callable[[str, dict[str, Any]], dict[str, Any]],
                 seconds: bool = False, source: str = "alpaca", description: str | None = None):
        self.uow = uow
        # What `bars list` says the bars came from (trial 37: "alpaca" for the local exchange's).
        self.source = source[:32]
        self.description = description  # the Data page's line (the local exchange's: not real prices)
        self.data_get = data_get  # AlpacaBroker.data_page: a path and its parameters → one raw JSON page
        # The data source serves second bars: the local exchange does, Alpaca's data API does not (trial 35: the
        # command pointed at the standalone's exchange still refused 1Sec, and the bars were fetched by hand).
        self.seconds = seconds

    def fetch(self, symbol: str, timeframe: str, start: datetime, end: datetime | None = None,
              progress: Progress | None = None, adjustment: str = "split") -> FetchResult:
        if timeframe.endswith("Sec") and not self.seconds:
            raise ValidationFailed({"timeframe": "Alpaca's data API has no second bars; fetch 1Min or longer "
                                                 "(second bars come from the local exchange or a CSV import)"})
        symbol = check_series(symbol, timeframe, TIMEFRAMES if self.seconds else FETCH_TIMEFRAMES)
        if adjustment not in ADJUSTMENTS:
            raise ValidationFailed({"adjustment": f"one of {', '.join(ADJUSTMENTS)}"})
        with self.uow() as uow:
            last = uow.bars.last_ts(symbol, timeframe)
            _check_same_adjustment(uow, symbol, timeframe, adjustment, last)
        if last is not None and last >= start:
            start = last + timedelta(seconds=bar_seconds(timeframe))  # resume after what we have
        if end is not None and start > end:
            return FetchResult(symbol, timeframe, 0, 0, None, adjustment)
        crypto = "/" in symbol  # a pair (BTC/USD): the crypto bars, which have no feed and no adjustment
        path = "/crypto/us/bars" if crypto else "/stocks/bars"
        params: dict[str, Any] = {"symbols": symbol, "timeframe": timeframe, "start": _iso(start), "limit": PAGE}
        if not crypto:
            params |= {"adjustment": adjustment, "feed": "iex"}
        if end is not None:
            params["end"] = _iso(end)
        fetched = inserted = 0
        span = _Span(start, end or datetime.now(UTC), bar_seconds(timeframe))
        while True:
            page = self.data_get(path, dict(params))
            rows = (page.get("bars") or {}).get(symbol, [])
            if rows:
                inserted += self._store(symbol, timeframe, rows, adjustment)
                fetched += len(rows)
                if progress:
                    progress(fetched, span.estimate(fetched, _ns(rows[-1]["t"])))
            token = page.get("next_page_token")
            if not token:
                if progress:
                    progress(fetched, fetched)
                return FetchResult(symbol, timeframe, fetched, inserted, start, adjustment)
            params["page_token"] = token

    def _store(self, symbol: str, timeframe: str, rows: list[dict[str, Any]], adjustment: str) -> int:
        ts = np.array([_ns(r["t"]) for r in rows], dtype=np.int64)
        columns = [[_exact(r[key]) for r in rows] for key in ("o", "h", "l", "c", "v")]
        with self.uow() as uow:
            inserted = uow.bars.insert_columns(symbol, timeframe, ts, *columns, source=self.source,
                                               description=self.description, adjustment=adjustment)
            if uow.instruments.get(symbol) is None:  # Alpaca's stock bars: a US equity; a pair's: crypto
                asset_class = "crypto" if "/" in symbol else "us_equity"  # (the broker's own record wins)
                uow.instruments.upsert(symbol, asset_class, None, None, source=self.source)
            uow.outbox.emit("bars.imported", {"symbol": symbol, "timeframe": timeframe, "rows": inserted,
                                              "source": self.source})
            uow.commit()
        return inserted


@dataclass(frozen=True)
class _Span:
    """The requested window, to estimate how many bars it holds from how much of it is covered."""

    start: datetime
    end: datetime
    step: float  # seconds per bar

    def estimate(self, fetched: int, last_ns: int) -> int:
        # Bars are labelled by their start, so a bar at `end` still covers one more step.
        covered = last_ns / 1e9 - self.start.timestamp() + self.step
        whole = max(self.end.timestamp() - self.start.timestamp() + self.step, covered)
        return max(fetched, round(fetched * whole / covered)) if covered > 0 else fetched


def _check_same_adjustment(uow: UnitOfWork, symbol: str, timeframe: str, adjustment: str,
                           last: datetime | None) -> None:
    """Refuse to extend stored bars with bars adjusted another way: the seam would be a fake jump."""
    if last is None:
        return
    stored = uow.session.scalar(select(BarSeries.adjustment).where(BarSeries.symbol == symbol,
                                                                     BarSeries.timeframe == timeframe))
    if stored is not None and stored != adjustment:
        raise ValidationFailed({"adjustment": f"{symbol} {timeframe} is stored with adjustment {stored}: fetch "
                                              f"with --adjustment {stored} to extend it"})


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _ns(stamp: str) -> int:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def _exact(value: Any) -> str:
    # JSON numbers arrive as floats; their shortest repr is the decimal the server wrote.
    return str(Decimal(repr(value))) if isinstance(value, float) else str(value)
