"""Historical bars: aggregation of the base bars into timeframes, session by session, with paging.

Only completed base bars are reported, so the newest bucket of a coarse timeframe forms as time
passes. Intraday buckets cover extended hours and daily (weekly, monthly) ones the regular session
only, as Alpaca's (datahours.py). Pages follow Alpaca: sorted by symbol, then time; at most `limit` bars
per page across symbols; `next_page_token` (symbol and bucket start) is null once nothing is left, so
alpaca-py's paging loop ends. A page also ends early (with a token) when it would synthesise too many base bars.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from app.exchange.datahours import data_span, last_print_ms, printing
from app.exchange.errors import bad_request
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.page_tokens import decode_token, encode_token
from app.exchange.timefmt import iso_bar, ny_date
from app.exchange.timeframes import Timeframe, calendar_bucket

CHUNK_BARS = 65_536


@dataclass
class Piece:
    """A bucket, or the part of one seen so far (pv: sum of price x volume, for the vwap)."""

    t: int
    o: float
    h: float
    low: float
    c: float
    v: float
    n: float
    pv: float

    def merged(self, later: Piece) -> Piece:
        return Piece(self.t, self.o, max(self.h, later.h), min(self.low, later.low), later.c,
                     self.v + later.v, self.n + later.n, self.pv + later.pv)

    def to_json(self) -> dict[str, object]:
        vw = round(min(max(self.pv / self.v, self.low), self.h), 4) if self.v else self.c
        return {"t": iso_bar(self.t), "o": self.o, "h": self.h, "l": self.low, "c": self.c,
                "v": int(self.v), "n": int(self.n), "vw": vw}



class BarReader:
    """Answers one bars request; holds the count of base bars it has synthesised."""

    def __init__(self, market: Market, hours: MarketHours, now_ms: int, max_base_bars: int) -> None:
        self.market, self.hours, self.max_base_bars = market, hours, max_base_bars
        self.bar_ms = market.bar_ms
        self.complete_ms = now_ms // self.bar_ms * self.bar_ms  # base bars starting before this are done
        self.generated = 0

    def page(self, symbols: list[str], tf: Timeframe, start: int, end: int, limit: int,
             token: str | None, descending: bool) -> tuple[dict[str, list[dict]], str | None]:
        ordered = sorted({s for s in symbols if self.market.has(s)})
        resume_symbol, resume_t = decode_token(token) if token else (None, None)
        if resume_symbol is not None:
            ordered = [s for s in ordered if s >= resume_symbol]
        result: dict[str, list[dict]] = {}
        taken = 0
        for symbol in ordered:
            room = limit - taken
            resume = resume_t if symbol == resume_symbol else None
            pieces, capped_at = self._collect(symbol, tf, start, end, room + 1, resume, descending)
            if pieces[:room]:
                result[symbol] = [p.to_json() for p in pieces[:room]]
                taken += len(pieces[:room])
            if len(pieces) > room:
                return result, encode_token(symbol, pieces[room].t)
            if capped_at is not None:
                return result, encode_token(symbol, capped_at)
        return result, None

    def latest(self, symbol: str) -> dict[str, object]:
        """The last completed base bar the tape printed in (extended hours included; after a replay's
        last stored bar, that bar)."""
        k = self.complete_ms // self.bar_ms - 1
        if not printing(self.hours, k * self.bar_ms):
            k = last_print_ms(self.hours, k * self.bar_ms) // self.bar_ms
        traded = self.market.last_traded_bar(symbol, k)
        k = k if traded is None else traded
        bars = self.market.bars(symbol, k, k + 1)
        piece = Piece(int(bars.k[0]) * self.bar_ms, *(float(getattr(bars, f)[0]) for f in
                      ("o", "h", "low", "c", "v", "n")), 0.0)
        piece.pv = min(max((piece.h + piece.low + piece.c) / 3, piece.low), piece.h) * piece.v
        return piece.to_json()

    def _collect(self, symbol: str, tf: Timeframe, start: int, end: int, want: int, resume: int | None,
                 descending: bool) -> tuple[list[Piece], int | None]:
        lo, hi = self._first_bucket(tf, start), self._bucket_end(tf, end)
        if resume is not None:
            lo, hi = (lo, min(hi, self._bucket_end(tf, resume))) if descending else (max(lo, resume), hi)
        hi = min(hi, self.complete_ms)
        pieces: list[Piece] = []
        for chunk in self._chunks(symbol, tf, lo, hi, descending):
            for piece in chunk:
                if not start <= piece.t <= end:
                    continue
                if pieces and pieces[-1].t == piece.t:
                    pieces[-1] = piece.merged(pieces[-1]) if descending else pieces[-1].merged(piece)
                else:
                    pieces.append(piece)
            if len(pieces) >= want:
                return pieces, None
            if self.generated > self.max_base_bars and len(pieces) >= 2:
                return pieces[:-1], pieces[-1].t
        return pieces, None

    def _first_bucket(self, tf: Timeframe, start: int) -> int:
        fixed = tf.milliseconds
        if fixed is not None:
            return -(-start // fixed) * fixed
        day = ny_date(start)
        while calendar_bucket(tf, day) < start:
            day += timedelta(days=1)
        return calendar_bucket(tf, day)

    def _bucket_end(self, tf: Timeframe, t: int) -> int:
        """End (exclusive) of the bucket holding time t."""
        fixed = tf.milliseconds
        if fixed is not None:
            return t // fixed * fixed + fixed
        day = ny_date(t)
        bucket = calendar_bucket(tf, day)
        while calendar_bucket(tf, day) == bucket:
            day += timedelta(days=1)
        return calendar_bucket(tf, day)

    def _chunks(self, symbol: str, tf: Timeframe, lo: int, hi: int, descending: bool) -> Iterator[list[Piece]]:
        if hi <= lo:
            return
        first, last = ny_date(lo), ny_date(hi - 1)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for day in reversed(days) if descending else days:
            session = self.hours.session(day)
            if session is None:
                continue
            span_lo, span_hi = data_span(session, tf.milliseconds is None)
            seg_lo, seg_hi = max(lo, span_lo), min(hi, span_hi)
            if seg_lo >= seg_hi:
                continue
            k_a, k_b = -(-seg_lo // self.bar_ms), -(-seg_hi // self.bar_ms)
            for c_a, c_b in self._spans(tf, k_a, k_b, descending):
                pieces = self._aggregate(symbol, tf, c_a, c_b, calendar_bucket(tf, day))
                yield pieces[::-1] if descending else pieces

    def _spans(self, tf: Timeframe, k_a: int, k_b: int, descending: bool) -> Iterator[tuple[int, int]]:
        fixed = tf.milliseconds
        if fixed is None:
            yield k_a, k_b
            return
        per_bucket = fixed // self.bar_ms
        span = max(1, CHUNK_BARS // per_bucket) * per_bucket
        if not descending:
            k = k_a
            while k < k_b:
                stop = min(k_b, (k // per_bucket) * per_bucket + span)
                yield k, stop
                k = stop
        else:
            k = k_b
            while k > k_a:
                begin = max(k_a, ((k - 1) // per_bucket) * per_bucket - span + per_bucket)
                yield begin, k
                k = begin

    def _aggregate(self, symbol: str, tf: Timeframe, k_a: int, k_b: int, calendar_t: int) -> list[Piece]:
        if self.generated > 10 * self.max_base_bars:  # one bucket alone is too big (e.g. 1Month of 1s bars)
            raise bad_request("request needs too many bars; ask for a shorter range")
        bars = self.market.bars(symbol, k_a, k_b)
        self.generated += len(bars)
        fixed = tf.milliseconds
        if fixed is not None:
            stamps = bars.k // (fixed // self.bar_ms) * fixed
        else:
            stamps = np.full(len(bars), calendar_t, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, stamps[1:] != stamps[:-1]])
        ends = np.r_[starts[1:], len(bars)] - 1
        typical = np.clip((bars.h + bars.low + bars.c) / 3, bars.low, bars.h)
        columns = (
            stamps[starts], bars.o[starts], np.maximum.reduceat(bars.h, starts),
            np.minimum.reduceat(bars.low, starts), bars.c[ends], np.add.reduceat(bars.v, starts),
            np.add.reduceat(bars.n, starts), np.add.reduceat(typical * bars.v, starts),
        )
        traded = columns[6] > 0  # no trades, no bar (a replay where nothing is stored), as Alpaca's
        return [Piece(int(t), *values) for t, *values in zip(*(c[traded].tolist() for c in columns), strict=True)]
