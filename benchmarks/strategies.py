"""A strategy for latency benchmarks: it orders on every bar, so every tick ends in an order."""

from __future__ import annotations

from app.marvin.params import Float
from app.marvin.strategy import Strategy


class BuyEveryBar(Strategy):
    """Buys `size` shares on every bar."""

    name = "bench_buy_every_bar"
    description = "Buys on every bar (benchmarks only)."
    size = Float(1.0, min=0.0, description="shares per bar")

    def next(self) -> None:
        self.buy(size=self.size)
