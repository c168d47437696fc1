"""RSI mean reversion: buy when Wilder's RSI is oversold, sell when it is overbought again."""

from __future__ import annotations

from app.marvin.indicators import rsi
from app.marvin.params import Float, Int
from app.marvin.strategy import Strategy


class RsiReversion(Strategy):
    name = "rsi_reversion"
    description = "Long when RSI drops below the oversold level; exit when it rises above the exit level."

    period = Int(14, min=2, max=200, description="RSI period (Wilder smoothing)")
    oversold = Float(30.0, min=1.0, max=99.0, description="Enter long below this RSI")
    exit_level = Float(70.0, min=1.0, max=99.0, description="Exit the long above this RSI")
    percent = Float(100.0, min=1.0, max=100.0, description="Share of equity per entry, in percent")

    @classmethod
    def check_params(cls, values: dict) -> dict[str, str]:
        if values["oversold"] >= values["exit_level"]:
            return {"oversold": "must be below exit_level"}
        return {}

    def init(self) -> None:
        self.rsi = self.I(rsi, self.data.close, self.period, name=f"RSI {self.period}", plot="separate")

    def next(self) -> None:
        value = self.rsi[-1]
        if value < self.oversold:  # False while RSI is NaN (warm-up)
            if not self.position and not self.open_orders(self.data.symbol):
                self.buy(percent=self.percent)
        elif value > self.exit_level and self.position > 0:
            self.close()
