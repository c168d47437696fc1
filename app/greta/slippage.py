"""Slippage models: how much worse than the bar's price a market-like fill gets.

Applied to market orders and to stop orders (a triggered stop is a market order); never to limit
or stop-limit fills, which by definition fill at their limit or better. `bps` moves the price by a
fixed fraction and is not clamped (it is a cost model, like a spread). `range` moves it by a fraction
of the bar's high-low range and is clamped to the bar, since no trade happened outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class SlippageModel(Protocol):
    spec: str

    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        """The slipped price for a buy (sign +1) or sell (sign -1) at `price` on a bar [low, high]."""
        ...


@dataclass(frozen=True)
class NoSlippage:
    spec: str = "none"

    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        return price


@dataclass(frozen=True)
class BpsSlippage:
    bps: float  # 5 means 0.05 %

    @property
    def spec(self) -> str:
        return f"{self.bps:g}bp"

    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        return price * (1.0 + sign * self.bps / 10_000.0)


@dataclass(frozen=True)
class RangeSlippage:
    fraction: float  # 0.1 means a tenth of the bar's range

    @property
    def spec(self) -> str:
        return f"range:{self.fraction:g}"

    def adjust(self, sign: int, price: float, high: float, low: float) -> float:
        slipped = price + sign * self.fraction * (high - low)
        return min(slipped, high) if sign > 0 else max(slipped, low)


class SlippageSpecError(ValueError):
    pass


def parse_slippage(spec: str) -> SlippageModel:
    """`none` | `5bp` (basis points) | `range:0.1` (fraction of the bar's range, 0..1)."""
    text = spec.strip().lower()
    try:
        if text in ("", "none", "zero"):
            return NoSlippage()
        if text.endswith(("bp", "bps")):
            value = float(text.removesuffix("s").removesuffix("bp"))
            if 0 <= value < 10_000:
                return BpsSlippage(value)
        elif text.startswith("range:"):
            value = float(text.removeprefix("range:"))
            if 0 <= value <= 1:
                return RangeSlippage(value)
    except ValueError:
        pass
    raise SlippageSpecError(f"invalid slippage {spec!r}: use none, <n>bp (e.g. 5bp) or range:<0..1> (e.g. range:0.1)")
