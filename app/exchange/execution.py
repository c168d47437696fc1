"""How orders meet the market: `ideal` (every order fills in full, at once, at the last trade — what
tests that compare a backtest with a paper run need) or `realistic` (the default of `weaver exchange`
and `weaver standalone`), which teaches a strategy what a broker will do to it:

- an order reaches the market `latency_ms` after it is accepted, so the answer to a submit is `new`;
- market orders buy at the ask and sell at the bid (the quote of app/exchange/quotes.py), so a round
  trip costs the spread; a stop, once the trade price touches it, fills like a market order;
- a marketable limit fills at the quote (or better); a resting limit fills only when trades go
  through it (strictly below a buy's limit, above a sell's), at its limit;
- at most `volume_share` of a bar's volume goes to one order within that bar, so a large order fills
  over several bars (`partial_fill` events, `filled_avg_price` the volume-weighted average);
- optionally, like Alpaca's paper engine, a share `random_partials` of fills are cut short at random
  (deterministic under the exchange's seed); the rest fills on a later pass.
IOC orders cancel what the first pass leaves; FOK orders fill in full on their first pass or cancel.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from app.exchange.numbers import ZERO, floor_qty, price_decimal

FillMode = Literal["ideal", "realistic"]
REALISTIC_HALF_SPREAD_BPS = 2.0  # a liquid US stock's quoted half spread, roughly: the commands' default


@dataclass(frozen=True)
class Execution:
    """The execution model's settings (ExchangeConfig carries them; `--fills`, `--volume-share` …)."""

    fills: FillMode = "ideal"
    volume_share: float = 0.1
    latency_ms: int = 50
    random_partials: float = 0.0
    seed: int = 7

    def __post_init__(self) -> None:
        if self.fills not in ("ideal", "realistic"):
            raise ValueError("fills must be 'ideal' or 'realistic'")
        if not 0 < self.volume_share <= 1:
            raise ValueError("volume_share must be within (0, 1]")
        if not 0 <= self.latency_ms <= 60_000:
            raise ValueError("latency_ms must be within [0, 60000]")
        if not 0 <= self.random_partials <= 1:
            raise ValueError("random_partials must be within [0, 1]")

    @property
    def realistic(self) -> bool:
        return self.fills == "realistic"


def bar_budget(volume: float, share: float, whole_shares: bool) -> Decimal:
    """What one order may take of a bar: `share` of its volume, at least one share."""
    budget = Decimal(repr(float(volume) * share))
    budget = budget.to_integral_value(ROUND_DOWN) if whole_shares else floor_qty(budget)
    return max(budget, Decimal(1))


def random_cut(execution: Execution, order_key: str, filled: Decimal, qty: Decimal, whole: bool) -> Decimal:
    """Alpaca-paper style: with probability `random_partials`, fill only 10–90 % of `qty` now (drawn from
    the seed, the client order id and what has filled, so a rerun cuts the same fills)."""
    if execution.random_partials <= 0 or qty <= (1 if whole else Decimal("0.000000002")):
        return qty
    draw = random.Random(zlib.crc32(f"{execution.seed}:{order_key}:{filled}".encode()))
    if draw.random() >= execution.random_partials:
        return qty
    part = qty * Decimal(repr(round(draw.uniform(0.1, 0.9), 6)))
    part = part.to_integral_value(ROUND_DOWN) if whole else floor_qty(part)
    return part if ZERO < part < qty else qty


def adverse(price: Decimal, half_spread: Decimal, buy: bool) -> Decimal:
    """A market execution around a trade price: the ask for a buy, the bid for a sell."""
    return price + half_spread if buy else max(price - half_spread, price_decimal(0.01))

