"""Buy and hold: spend the equity on every symbol in equal parts on the first bar, then do nothing."""

from __future__ import annotations

from app.marvin.params import Float
from app.marvin.strategy import Strategy


class BuyAndHold(Strategy):
    name = "buy_and_hold"
    description = "Buy every symbol with an equal share of equity on the first bar and hold to the end."
    multi_symbol = True

    percent = Float(100.0, min=1.0, max=100.0, description="Share of equity invested, split equally")

    def init(self) -> None:
        self.bought = False

    def next(self) -> None:
        if self.bought:
            return
        self.bought = True
        share = self.percent / len(self.symbols)
        for symbol in self.symbols:
            self.buy(symbol, percent=share)
