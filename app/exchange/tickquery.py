"""Historical trades and quotes: the tape's prints inside trading hours, paged as Alpaca pages them.

The tape prints in extended hours too (04:00–20:00 New York under `--hours nyse`, thin volume), where
extended-hours orders fill (datahours.py). Sorted by symbol, then time (or newest first with
`sort=desc`); at most `limit` items per page across symbols; `next_page_token` (symbol and print id) is
null once nothing is left. Only prints up to now are reported. The latest trade is the last print at or
before now (overnight and on closed days, the last one before after hours ended; after a replay's last
stored bar, that bar's last print); the latest quote stands at that moment around the path price.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np

from app.exchange.datahours import data_span, last_print_ms
from app.exchange.hours import MarketHours
from app.exchange.page_tokens import decode_token, encode_token
from app.exchange.quotes import bid_ask, quote_at, range_ratio
from app.exchange.timefmt import ny_date
from app.exchange.trades import MAX_PRINTS, Prints, Tape

CHUNK_BARS = 1024
VENUE = "V"  # IEX, the feed alpaca-py asks for by default
TAPES = {"NYSE": "A", "NASDAQ": "C"}  # the other listing exchanges print on tape B


def iso_us(us: int) -> str:
    whole, rest = divmod(us, 1_000_000)
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{rest:06d}Z"


def iso_us_many(us: np.ndarray) -> list[str]:
    """iso_us of a column, in one numpy pass (a page holds up to 10,000 stamps)."""
    return np.char.add(np.datetime_as_string(us.astype("datetime64[us]"), unit="us"), "Z").tolist()



class TickReader:
    """Answers one trades or quotes request."""

    def __init__(self, tape: Tape, hours: MarketHours, now_ms: int, base_bps: float) -> None:
        self.tape, self.hours, self.now_ms, self.base_bps = tape, hours, now_ms, base_bps
        self.bar_ms = tape.market.bar_ms
        self.end_us: int | None = None  # the request's end to the microsecond, when it gave one

    def page(self, symbols: list[str], kind: str, start: int, end: int, limit: int, token: str | None,
             descending: bool) -> tuple[dict[str, list[dict]], str | None]:
        ordered = sorted({s for s in symbols if self.tape.market.has(s)})
        resume_symbol, resume_id = decode_token(token) if token else (None, None)
        if resume_symbol is not None:
            ordered = [s for s in ordered if s >= resume_symbol]
        result: dict[str, list[dict]] = {}
        taken = 0
        for symbol in ordered:
            room = limit - taken
            resume = resume_id if symbol == resume_symbol else None
            found = self._collect(symbol, start, end, room + 1, resume, descending)
            if len(found):
                shown = found.take(np.arange(min(room, len(found))))
                result[symbol] = self.format(symbol, kind, shown)
                taken += len(shown)
            if len(found) > room:
                return result, encode_token(symbol, int(found.id[room]))
        return result, None

    def format(self, symbol: str, kind: str, prints: Prints) -> list[dict]:
        tape = TAPES.get(self.tape.market.configs[symbol].exchange, "B")
        stamps = iso_us_many(prints.t_us)
        if kind == "trades":
            return [{"t": t, "x": VENUE, "p": p, "s": s, "c": ["@"], "i": i, "z": tape} for t, p, s, i in
                    zip(stamps, prints.price.tolist(), prints.size.tolist(), prints.id.tolist(), strict=True)]
        bids, asks = bid_ask(prints, self.base_bps)
        return [{"t": t, "ax": VENUE, "ap": a, "as": a_lots, "bx": VENUE, "bp": b, "bs": b_lots, "c": ["R"], "z": tape}
                for t, b, a, b_lots, a_lots in zip(stamps, bids.tolist(), asks.tolist(), prints.bid_lots.tolist(),
                                                   prints.ask_lots.tolist(), strict=True)]

    def latest(self, symbol: str) -> tuple[dict, dict]:
        """(latest trade, latest quote): the last print and the quote standing now (or at the last close)."""
        at = last_print_ms(self.hours, self.now_ms)
        k = at // self.bar_ms
        market = self.tape.market
        last = self._last_print(symbol, at)
        trade = self.format(symbol, "trades", last)[0]
        ratio = float(range_ratio(market.configs[symbol], self.bar_ms, market.bars(symbol, k - 1, k))[0])
        bid, ask = quote_at(market.price_at(symbol, at), self.base_bps, ratio)  # the quote orders meet
        quote = self.format(symbol, "quotes", last)[0]
        quote.update({"t": iso_us(at * 1000), "bp": bid, "ap": ask})
        return trade, quote

    def _last_print(self, symbol: str, at: int) -> Prints:
        """The last print at or before the millisecond `at`: in the bar under way or the one before, or
        where a replay stored nothing, its last stored bar with volume. Before anything traded at all (a
        replay with no volume stored yet) a print of 100 at the price, as the latest-trade route's."""
        traded = self.tape.market.last_traded_bar(symbol, at // self.bar_ms)
        while traded is not None:
            prints = self.tape.prints(symbol, traded, traded + 1)
            prints = prints.take(prints.t_us < (at + 1) * 1000)  # every print within the millisecond `at`
            if len(prints):
                return prints.take(np.arange(len(prints) - 1, len(prints)))
            traded = self.tape.market.last_traded_bar(symbol, traded - 1)
        price = np.array([self.tape.market.price_at(symbol, at)])
        one = np.ones(1, dtype=np.int64)
        return Prints(one * at * 1000, price, one * 100, one * (at // self.bar_ms) * MAX_PRINTS, one, one,
                      np.ones(1))

    def _collect(self, symbol: str, start: int, end: int, want: int, resume: int | None,
                 descending: bool) -> Prints:
        hi_ms = min(end, self.now_ms)
        k_lo, k_hi = start // self.bar_ms, hi_ms // self.bar_ms + 1
        if resume is not None:
            k_lo, k_hi = (k_lo, min(k_hi, resume // MAX_PRINTS + 1)) if descending else \
                (max(k_lo, resume // MAX_PRINTS), k_hi)
        parts: list[Prints] = []
        total = 0
        for open_ms, close_ms, a, b in self._chunks(k_lo, k_hi, descending):
            prints = self.tape.prints(symbol, a, b)
            t = prints.t_us
            keep = (t >= max(start, open_ms) * 1000) & (t < (hi_ms + 1) * 1000) & (t < close_ms * 1000)
            if self.end_us is not None:
                keep &= t <= self.end_us
            if resume is not None:
                keep &= prints.id <= resume if descending else prints.id >= resume
            chosen = prints.take(np.flatnonzero(keep)[::-1] if descending else keep)
            parts.append(chosen)
            total += len(chosen)
            if total >= want:
                break
        if not parts:
            return Prints(*(np.zeros(0, dtype=np.int64),) * 7)
        return Prints(*(np.concatenate([getattr(p, f) for p in parts]) for f in Prints.__dataclass_fields__))

    def _chunks(self, k_lo: int, k_hi: int, descending: bool) -> Iterator[tuple[int, int, int, int]]:
        """(first print ms, end ms, first bar, end bar) spans of at most CHUNK_BARS bars, day by day."""
        if k_hi <= k_lo:
            return
        first, last = ny_date(k_lo * self.bar_ms), ny_date(k_hi * self.bar_ms - 1)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for day in reversed(days) if descending else days:
            session = self.hours.session(day)
            if session is None:
                continue
            open_ms, close_ms = data_span(session, calendar=False)
            a = max(k_lo, open_ms // self.bar_ms)
            b = min(k_hi, -(-close_ms // self.bar_ms))
            spans = [(s, min(s + CHUNK_BARS, b)) for s in range(a, b, CHUNK_BARS)]
            for s, e in reversed(spans) if descending else spans:
                yield open_ms, close_ms, s, e
