"""Quotes: a bid and an ask around the path price, a few basis points apart, wider when the bar is volatile.

The half spread is max(the venue's `half_spread_bps`, QUOTE_FLOOR_BPS) of the price, scaled by how wide
the previous bar's range was against the symbol's typical bar range (0.5x after a quiet bar, up to 4x
after a wild one), and at least a cent; prices are in cents, so bid < ask always. One quote stands at
each print (the quote the print traded inside); sizes are round lots (1 to 10), drawn with the tape.
The venue's market orders meet the same quote as the latest-quote route (venue.py).
"""

from __future__ import annotations

import numpy as np

from app.exchange.trades import Prints, range_ratio

QUOTE_FLOOR_BPS = 1.0
MIN_WIDEN, MAX_WIDEN = 0.5, 4.0


def half_spread(price: np.ndarray, base_bps: float, ratio: np.ndarray) -> np.ndarray:
    widen = np.clip(0.5 + 0.5 * ratio, MIN_WIDEN, MAX_WIDEN)
    bps = max(base_bps, QUOTE_FLOOR_BPS)
    return np.maximum(np.round(price * bps / 10_000 * widen, 2), 0.01)


def bid_ask(prints: Prints, base_bps: float) -> tuple[np.ndarray, np.ndarray]:
    """The quote each print traded inside: bid < print price < ask."""
    half = half_spread(prints.price, base_bps, prints.range_ratio)
    return np.maximum(np.round(prints.price - half, 2), 0.0), np.round(prints.price + half, 2)


def quote_at(price: float, base_bps: float, ratio: float) -> tuple[float, float]:
    """The quote around one price (the latest quote, around the last price)."""
    half = float(half_spread(np.array([price]), base_bps, np.array([ratio]))[0])
    return max(round(price - half, 2), 0.0), round(price + half, 2)


__all__ = ["bid_ask", "half_spread", "quote_at", "range_ratio"]
