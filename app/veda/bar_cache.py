"""One bar fetch per bar for all the runs that need it: runs on the same account and timeframe tick
on the same bar one after the other, so the first tick asks the broker for the new bar of every
symbol those runs trade and the others take theirs from here (ten runs, one request)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.veda.history import Row, fetch_rows, ns_of
from app.veda.ports import Broker


class BarCache:
    def __init__(self) -> None:
        self.key: tuple[int, str, datetime, datetime] | None = None
        self.rows: dict[str, list[Row]] = {}

    def new_rows(self, broker: Broker, symbols: list[str], timeframe: str, bar_ts: datetime, after: datetime,
                 also: Iterable[str] = ()) -> dict[str, list[Row]]:
        """Per symbol, the bars after `after` up to `bar_ts` (as fetch_rows); `also`: the symbols of the
        runs that will ask next, fetched in the same request."""
        key = (id(broker), timeframe, bar_ts, after)
        if key != self.key:
            self.key, self.rows = key, {}
        bar_ns = ns_of(bar_ts)
        missing = [s for s in symbols if not self.rows.get(s) or self.rows[s][-1][0] != bar_ns]
        if missing:  # a symbol whose bar the broker did not have yet is asked again, not taken from here
            ask = sorted(set(missing) | {s for s in also if s not in self.rows})
            self.rows.update(fetch_rows(broker, ask, timeframe, bar_ts, after))
        return {s: self.rows.get(s, []) for s in symbols}
