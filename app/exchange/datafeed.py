"""The live market-data feed: bars as they complete, and the tape's trades and quotes as they print.

One thread per exchange runs while anyone is subscribed. It wakes at each bar's close (by the exchange's
clock) and at least every POLL_S, and hands every subscriber one batch (a list of messages, as Alpaca
frames them) with what it asked for. Timestamps stay integers (ns) here; the connection encodes them
for its wire format. Bars and prints flow while the tape prints: in extended hours too under `--hours
nyse` (04:00–20:00 New York, as the REST data; datahours.py); daily bars while the regular session forms.

A feed serves one universe: the equities (`/v2/iex`, …) or the crypto pairs (`/v1beta3/crypto/us`, with
crypto's 24/7 hours and its message shapes: trades `p, s, i, tks`, quotes `bp, bs, ap, as`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.exchange.barquery import BarReader
from app.exchange.datahours import printing, printing_mask
from app.exchange.hours import MarketHours
from app.exchange.quotes import bid_ask
from app.exchange.series import Bars
from app.exchange.tickquery import TAPES, VENUE
from app.exchange.timefmt import ny_date, ny_midnight, parse_time
from app.exchange.timeframes import parse_timeframe
from app.exchange.trades import Prints, Tape

CHANNELS = ("trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds", "corrections",
            "cancelErrors")
CHANNEL_OF = {"b": "bars", "d": "dailyBars", "q": "quotes", "t": "trades"}
POLL_S = 0.05
MAX_CATCH_UP_BARS = 100  # after a stall, publish at most this many missed bars (and their prints)


@dataclass(eq=False)
class DataSubscriber:
    """One authenticated data connection: its subscriptions and its outbox of message batches."""

    channels: dict[str, set[str]] = field(default_factory=lambda: {c: set() for c in CHANNELS})
    batches: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=10_000))
    dropped: threading.Event = field(default_factory=threading.Event)

    def wants(self, channel: str, symbol: str) -> bool:
        names = self.channels[channel]
        return symbol in names or "*" in names

    def still_wanted(self, batch: list[dict]) -> list[dict]:
        """What of a queued batch is still subscribed: nothing goes out after an unsubscribe's answer."""
        return [m for m in batch if self.wants(CHANNEL_OF[m["T"]], m["S"])]


class DataFeed:
    """Fans market data out to subscribers; thread-safe."""

    def __init__(self, tape: Tape, hours: MarketHours, clock: Callable[[], int], spread_bps: Callable[[], float],
                 max_bars: int, crypto: bool = False) -> None:
        self.tape, self.market, self.hours, self.clock = tape, tape.market, hours, clock
        self.crypto = crypto
        self.universe = sorted(s for s, c in tape.market.configs.items() if c.is_crypto == crypto)
        self.spread_bps, self.max_bars = spread_bps, max_bars
        self._lock = threading.Lock()
        self._subscribers: list[DataSubscriber] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.published = 0

    def subscribe(self) -> DataSubscriber:
        subscriber = DataSubscriber()
        with self._lock:
            self._subscribers.append(subscriber)
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="exchange-data-feed", daemon=True)
                self._thread.start()
        return subscriber

    def unsubscribe(self, subscriber: DataSubscriber) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)
            thread = self._thread if not self._subscribers else None
            if thread is not None:
                self._stop.set()
                self._thread = None
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    def count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    # -- the publishing loop -------------------------------------------------------------------
    def _run(self) -> None:
        bar_ms = self.market.bar_ms
        now = self.clock()
        last_bar, last_us = now // bar_ms, now * 1000  # bars completed before now were history already
        while not self._stop.is_set():
            now = self.clock()
            done = now // bar_ms
            if done > last_bar:
                self._publish_bars(max(last_bar, done - MAX_CATCH_UP_BARS), done)
                last_bar = done
            if now * 1000 > last_us:
                self._publish_prints(last_us, now * 1000)
                last_us = now * 1000
            until_close = ((now // bar_ms + 1) * bar_ms - self.clock()) / 1000
            self._stop.wait(min(max(until_close, 0.0005), POLL_S))

    def _targets(self) -> list[DataSubscriber]:
        with self._lock:
            return list(self._subscribers)

    def _symbols(self, subscribers: list[DataSubscriber], channels: tuple[str, ...]) -> list[str]:
        wanted = {s for sub in subscribers for c in channels for s in sub.channels[c]}
        return self.universe if "*" in wanted else sorted(s for s in wanted if s in self.universe)

    def _publish_bars(self, k0: int, k1: int) -> None:
        """Bars k0 .. k1 - 1 have just completed."""
        subscribers = self._targets()
        bar_ms = self.market.bar_ms
        open_bars = [k for k in range(k0, k1) if printing(self.hours, k * bar_ms)]
        if not open_bars:
            return
        in_session = any(self.hours.is_open(k * bar_ms) for k in open_bars)
        messages: list[dict] = []
        for symbol in self._symbols(subscribers, ("bars",)):
            bars = self.market.bars(symbol, open_bars[0], open_bars[-1] + 1)
            for i, k in enumerate(bars.k.tolist()):
                if k in open_bars and bars.n[i] > 0:  # no trades, no bar (a replay past its last stored bar)
                    messages.append(_bar_message(symbol, k * bar_ms, bars, i))
        self._deliver(subscribers, messages)
        if in_session and (k1 * bar_ms) % 60_000 == 0:  # after the bars, which must not wait for a day's aggregation
            symbols = self._symbols(subscribers, ("dailyBars",))
            daily = [m for symbol in symbols for m in self._daily(symbol, k1 * bar_ms)]
            self._deliver(subscribers, daily)

    def _daily(self, symbol: str, now_ms: int) -> list[dict]:
        reader = BarReader(self.market, self.hours, now_ms, self.max_bars)
        day = parse_timeframe("1Day", self.market.bar_ms)
        found, _ = reader.page([symbol], day, ny_midnight(ny_date(now_ms - 1)), now_ms, 1, None, True)
        return [{"T": "d", "S": symbol, "t": parse_time(str(bar["t"])) * 1_000_000, **_bar_fields(bar)}
                for bar in found.get(symbol, [])]

    def _publish_prints(self, lo_us: int, hi_us: int) -> None:
        """Trades printed in (lo_us, hi_us], each with the quote it traded inside."""
        subscribers = self._targets()
        bar_us = self.market.bar_ms * 1000
        lo_us = max(lo_us, hi_us - MAX_CATCH_UP_BARS * bar_us)  # after a stall (or a night), the recent prints
        if not (printing(self.hours, lo_us // 1000) or printing(self.hours, hi_us // 1000)):
            return
        messages: list[dict] = []
        for symbol in self._symbols(subscribers, ("trades", "quotes")):
            prints = self.tape.prints(symbol, lo_us // bar_us, hi_us // bar_us + 1)
            prints = prints.take((prints.t_us > lo_us) & (prints.t_us <= hi_us)
                                 & printing_mask(self.hours, prints.t_us // 1000))
            if not len(prints):
                continue
            tape = TAPES.get(self.market.configs[symbol].exchange, "B")
            bids, asks = bid_ask(prints, self.spread_bps())
            if self.crypto:
                messages.extend(_crypto_prints(symbol, prints, bids, asks))
                continue
            for j in range(len(prints)):
                t_ns = int(prints.t_us[j]) * 1000
                messages.append({"T": "q", "S": symbol, "t": t_ns, "bx": VENUE, "bp": float(bids[j]),
                                 "bs": int(prints.bid_lots[j]), "ax": VENUE, "ap": float(asks[j]),
                                 "as": int(prints.ask_lots[j]), "c": ["R"], "z": tape})
                messages.append({"T": "t", "S": symbol, "t": t_ns, "i": int(prints.id[j]), "x": VENUE,
                                 "p": float(prints.price[j]), "s": int(prints.size[j]), "c": ["@"], "z": tape})
        self._deliver(subscribers, messages)

    def _deliver(self, subscribers: list[DataSubscriber], messages: list[dict]) -> None:
        if not messages:
            return
        for subscriber in subscribers:
            batch = subscriber.still_wanted(messages)
            if not batch:
                continue
            try:
                subscriber.batches.put_nowait(batch)
            except queue.Full:  # a stuck client loses its connection rather than stalling the feed
                subscriber.dropped.set()
        self.published += len(messages)


def _crypto_prints(symbol: str, prints: Prints, bids: np.ndarray, asks: np.ndarray) -> list[dict]:
    """Crypto's quote and trade per print: no exchange, tape or conditions; `tks` by the tick rule."""
    messages: list[dict] = []
    for j in range(len(prints)):
        t_ns, price = int(prints.t_us[j]) * 1000, float(prints.price[j])
        taker = "B" if j == 0 or price >= float(prints.price[j - 1]) else "S"
        messages.append({"T": "q", "S": symbol, "t": t_ns, "bp": float(bids[j]), "bs": int(prints.bid_lots[j]),
                         "ap": float(asks[j]), "as": int(prints.ask_lots[j])})
        messages.append({"T": "t", "S": symbol, "t": t_ns, "p": price, "s": int(prints.size[j]),
                         "i": int(prints.id[j]), "tks": taker})
    return messages


def _bar_message(symbol: str, t_ms: int, bars: Bars, i: int) -> dict:
    o, h, low, c = (float(getattr(bars, f)[i]) for f in ("o", "h", "low", "c"))
    v, n = int(bars.v[i]), int(bars.n[i])
    vw = round(min(max((h + low + c) / 3, low), h), 4)  # the same typical price REST bars use
    return {"T": "b", "S": symbol, "t": t_ms * 1_000_000, "o": o, "h": h, "l": low, "c": c, "v": v, "n": n,
            "vw": vw}


def _bar_fields(bar: dict) -> dict:
    return {k: bar[k] for k in ("o", "h", "l", "c", "v", "n", "vw")}


