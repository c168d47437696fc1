"""The synthetic market: per-symbol price processes in real time, plus the pins tests put on them.

Inside a bar the price walks open -> low -> high -> close (or open -> high -> low -> close when the
bar falls) in thirds of the bar, so every price a bar reports is actually traded through, and a
resting order is filled exactly when the path crosses it.
"""

from __future__ import annotations

import copy
import threading

import numpy as np

from app.exchange.config import SymbolConfig
from app.exchange.overlay import Ohlc, Overlay
from app.exchange.replay import ReplaySeries, StoredBars
from app.exchange.series import Bars, SymbolSeries

FRACTIONS = (0.0, 1 / 3, 2 / 3, 1.0)
MAX_STILL_BARS = 600  # how far back price_since looks for the last change of a price outside a pin


def round_bars(bars: Bars) -> Bars:
    """Prices to the cent, with wicks still enclosing open and close after rounding."""
    o, c = np.round(bars.o, 2), np.round(bars.c, 2)
    h = np.maximum(np.round(bars.h, 2), np.maximum(o, c))
    low = np.maximum(np.minimum(np.round(bars.low, 2), np.minimum(o, c)), 0.01)
    o, c, h = np.maximum(o, 0.01), np.maximum(c, 0.01), np.maximum(h, 0.01)
    return Bars(bars.k, o, h, low, c, bars.v, bars.n)


def _path(ohlc: Ohlc) -> tuple[float, float, float, float]:
    o, h, low, c = ohlc
    return (o, low, h, c) if c >= o else (o, h, low, c)


class Market:
    """Prices of every configured symbol; thread-safe."""

    def __init__(
        self, symbols: tuple[SymbolConfig, ...], seed: int, bar_ms: int, anchor_ms: int, correlation: float = 0.0,
        replay: dict[str, StoredBars] | None = None,
    ) -> None:
        self.bar_ms = bar_ms
        self.anchor_ms = anchor_ms
        self.configs = {s.symbol: s for s in symbols}
        self._series: dict[str, SymbolSeries | ReplaySeries] = {
            s.symbol: SymbolSeries(s, seed, bar_ms, anchor_ms // bar_ms, correlation) for s in symbols}
        for symbol, stored in (replay or {}).items():  # stored bars instead of the synthetic process
            self._series[symbol] = ReplaySeries(stored, anchor_ms // bar_ms)
        self._overlays: dict[str, Overlay] = {s.symbol: Overlay() for s in symbols}
        self._lock = threading.RLock()

    def has(self, symbol: str) -> bool:
        return symbol in self._series

    def bar_index(self, ms: int) -> int:
        return ms // self.bar_ms

    def bars(self, symbol: str, k0: int, k1: int) -> Bars:
        """Bars k0 .. k1 - 1 as the exchange reports them: pins applied, prices in cents."""
        raw = self._series[symbol].bars(k0, k1)
        with self._lock:
            overlay = copy.deepcopy(self._overlays[symbol])
        o, h, low, c = (np.array(getattr(raw, f), dtype=float) for f in ("o", "h", "low", "c"))
        overlay.apply(raw.k, o, h, low, c)
        return round_bars(Bars(raw.k, o, h, low, c, raw.v, raw.n))

    def last_traded_bar(self, symbol: str, k: int) -> int | None:
        """The latest bar at or before k with trades: k itself, but where a replay stored nothing (or no
        volume), the last bar it stored with volume before k (None: nothing traded yet)."""
        series = self._series[symbol]
        return series.last_traded(k) if isinstance(series, ReplaySeries) else k

    def last_trade_ms(self, symbol: str, ms: int) -> int:
        """`ms`, or when its bar had no trades the last millisecond of the latest bar that had."""
        k = ms // self.bar_ms
        traded = self.last_traded_bar(symbol, k)
        return ms if traded is None or traded == k else (traded + 1) * self.bar_ms - 1

    def price_since(self, symbol: str, ms: int) -> int:
        """The first millisecond from which the cent price has stood where it stands at `ms`: the moment of
        the latest trade the data API reports, so asking again before the price moves gives the same trade.
        A pin's flat bars are skipped whole; a price unchanged over MAX_STILL_BARS reports that far back."""
        with self._lock:
            target, overlay = float(np.round(self._price_at(symbol, ms), 2)), self._overlays[symbol]
            k, end = ms // self.bar_ms, ms
            for _ in range(MAX_STILL_BARS):
                start = k * self.bar_ms
                fixed = overlay.fixed_close(k)
                if fixed is not None:
                    if float(np.round(fixed, 2)) != target:
                        return end + 1
                    k = min((s for s, e, _ in overlay.flats if s <= k and (e is None or k < e)), default=k) - 1
                    end = (k + 1) * self.bar_ms - 1
                    continue
                stamps = np.arange(start, end + 1)
                prices = np.interp((stamps - start) / self.bar_ms, FRACTIONS, _path(self._ohlc(symbol, k)))
                moved = np.flatnonzero(np.round(prices, 2) != target)
                if len(moved):
                    return int(stamps[moved[-1]]) + 1
                k, end = k - 1, start - 1
            return end + 1

    def price_at(self, symbol: str, ms: int) -> float:
        """The last trade price at `ms`, in cents."""
        with self._lock:
            return round(self._price_at(symbol, ms), 2)

    def last_close(self, symbol: str, ms: int) -> float:
        """The close of the last bar that ended at or before `ms`."""
        with self._lock:
            return round(float(self._ohlc(symbol, ms // self.bar_ms - 1)[3]), 2)

    def sweep(self, symbol: str, t1: int, t2: int) -> tuple[float, float, float, float]:
        """(first, low, high, last) of the price path over [t1, t2]: what a resting order could hit."""
        with self._lock:
            first, last = self._price_at(symbol, t1), self._price_at(symbol, t2)
            values = [first, last]
            k1, k2 = t1 // self.bar_ms, t2 // self.bar_ms
            for k in {k1, k2}:
                values.extend(self._vertices_within(symbol, k, t1, t2))
        if k2 - k1 >= 2:
            inner = self.bars(symbol, k1 + 1, k2)
            values.extend((float(inner.low.min()), float(inner.h.max())))
        return tuple(round(float(v), 2) for v in (first, min(values), max(values), last))  # type: ignore[return-value]

    def pin(self, symbol: str, price: float, ms: int) -> None:
        """Hold the price at `price` from `ms` until released."""
        with self._lock:
            k = ms // self.bar_ms
            overlay = self._overlays[symbol]
            fixed = overlay.fixed_close(k)
            if k in overlay.rewritten:
                so_far = overlay.rewritten[k][:3]
            elif fixed is not None:
                so_far = (fixed, fixed, fixed)
            else:
                bar_open = self._ohlc(symbol, k)[0]
                values = [bar_open, self._price_at(symbol, ms)]
                values.extend(self._vertices_within(symbol, k, k * self.bar_ms, ms))
                so_far = (bar_open, max(values), min(values))
            overlay.set_pin(k, so_far, price)

    def release(self, symbol: str, ms: int) -> None:
        with self._lock:
            k = ms // self.bar_ms
            self._overlays[symbol].release(k, self._series[symbol].open_price(k + 1))

    def pinned(self, symbol: str) -> bool:
        with self._lock:
            return self._overlays[symbol].pin is not None

    def pins(self) -> dict[str, float]:
        with self._lock:
            return {s: o.pin for s, o in self._overlays.items() if o.pin is not None}

    def reset(self) -> None:
        """Forget every pin: history is the pure process again."""
        with self._lock:
            self._overlays = {s: Overlay() for s in self._series}

    def _ohlc(self, symbol: str, k: int) -> Ohlc:
        overlay = self._overlays[symbol]
        if k in overlay.rewritten:
            return overlay.rewritten[k]
        fixed = overlay.fixed_close(k)
        if fixed is not None:
            return (fixed, fixed, fixed, fixed)
        raw = self._series[symbol].bars(k, k + 1)
        scale = overlay.factor(k)
        return tuple(float(getattr(raw, f)[0]) * scale for f in ("o", "h", "low", "c"))  # type: ignore[return-value]

    def _price_at(self, symbol: str, ms: int) -> float:
        k = ms // self.bar_ms
        fixed = self._overlays[symbol].fixed_close(k)
        if fixed is not None:
            return fixed
        fraction = (ms - k * self.bar_ms) / self.bar_ms
        return float(np.interp(fraction, FRACTIONS, _path(self._ohlc(symbol, k))))

    def _vertices_within(self, symbol: str, k: int, t1: int, t2: int) -> list[float]:
        if self._overlays[symbol].fixed_close(k) is not None:
            return []
        path = _path(self._ohlc(symbol, k))
        start = k * self.bar_ms
        return [
            value
            for fraction, value in zip(FRACTIONS, path, strict=True)
            if t1 < start + fraction * self.bar_ms < t2
        ]
