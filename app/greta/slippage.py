"""Slippage models: how much worse than the bar's price a market-like fill gets (named by a SlippageSpec).

Applied to market orders and to stop orders (a triggered stop is a market order); never to limit
or stop-limit fills, which by definition fill at their limit or better. `bps` moves the price by a
fixed fraction and is not clamped (it is a cost model, like a spread). `range` moves it by a fraction
of the bar's high-low range and is clamped to the bar, since no trade happened outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class SlippageModel(Protocol):
    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        """The slipped price for a buy (sign +1) or sell (sign -1) at `price` on a bar [low, high]."""
        ...


@dataclass(frozen=True)
class NoSlippage:
    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        return price


@dataclass(frozen=True)
class BpsSlippage:
    bps: float  # 5 means 0.05 %

    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        return price * (1.0 + sign * self.bps / 10_000.0)


@dataclass(frozen=True)
class RangeSlippage:
    fraction: float  # 0.1 means a tenth of the bar's range

    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        slipped = price + sign * self.fraction * (high - low)
        return min(slipped, high) if sign > 0 else max(slipped, low)
