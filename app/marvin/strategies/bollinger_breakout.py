"""Bollinger breakout: enter when the close leaves the bands, exit when it is back at the middle."""

from __future__ import annotations

from app.marvin.indicators import bollinger
from app.marvin.params import Bool, Float, Int
from app.marvin.strategy import Strategy


class BollingerBreakout(Strategy):
    name = "bollinger_breakout"
    description = "Long on a close above the upper band, out at the middle band; optionally short below the lower."

    period = Int(20, min=2, max=500, description="Bars in the middle band (SMA) and the deviation")
    width = Float(2.0, min=0.1, max=10.0, description="Band width in population standard deviations")
    percent = Float(100.0, min=1.0, max=100.0, description="Share of equity per entry, in percent")
    allow_short = Bool(False, description="Also sell short on a close below the lower band")

    def init(self) -> None:
        self.close_line = self.data.close
        self.upper, self.middle, self.lower = self.I(
            bollinger, self.data.close, self.period, self.width, name=f"BB {self.period}, {self.width:g}",
            plot="price", labels=("upper", "middle", "lower"))

    def next(self) -> None:
        close = self.close_line[-1]
        position = self.position
        if position == 0:
            if close > self.upper[-1]:
                self.buy(percent=self.percent)
            elif self.allow_short and close < self.lower[-1]:
                self.sell(percent=self.percent)
        elif (position > 0 and close < self.middle[-1]) or (position < 0 and close > self.middle[-1]):
            self.close()
