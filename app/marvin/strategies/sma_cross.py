"""SMA crossover: long when the fast average crosses above the slow one, out (or short) when below."""

from __future__ import annotations

from app.marvin.indicators import crossover, sma
from app.marvin.params import Bool, Float, Int
from app.marvin.strategy import Strategy


class SmaCross(Strategy):
    name = "sma_cross"
    description = "Buy when the fast SMA crosses above the slow SMA; exit (or reverse to short) when it crosses below."

    # Sweep suggestions keep every fast below every slow: all 9 combinations are valid (check_params).
    fast = Int(10, min=2, max=500, description="Bars in the fast simple moving average", sweep=(5, 10, 15))
    slow = Int(20, min=3, max=2000, description="Bars in the slow simple moving average", sweep=(20, 40, 80))
    percent = Float(100.0, min=1.0, max=100.0, description="Share of equity per entry, in percent")
    allow_short = Bool(False, description="Sell short on a downward cross instead of only exiting")
    next_only_when = "signal"  # next() has nothing to do on a bar without a cross: those bars are skipped

    @classmethod
    def check_params(cls, values: dict) -> dict[str, str]:
        return {"fast": "must be less than slow"} if values["fast"] >= values["slow"] else {}

    def init(self) -> None:
        close = self.data.close
        # One vectorised signal line (+1 up-cross, -1 down-cross, 0 otherwise): next() reads one value.
        fast = self.I(sma, close, self.fast, name=f"SMA {self.fast}", plot="price")
        slow = self.I(sma, close, self.slow, name=f"SMA {self.slow}", plot="price")
        self.signal = self.I(crossover, fast, slow, name="sma_cross_signal")

    def next(self) -> None:
        signal = self.signal[-1]
        if signal == 0.0:
            return
        position = self.position
        if signal > 0.0:
            if position < 0:
                self.close()
            if position <= 0:
                self.buy(percent=self.percent)
        else:
            if position > 0:
                self.close()
            if self.allow_short and position >= 0:
                self.sell(percent=self.percent)
