"""Cross-sectional momentum: every N bars hold the K symbols with the best lookback return."""

from __future__ import annotations

import math

from app.marvin.indicators import returns
from app.marvin.params import Int
from app.marvin.strategy import Strategy


class MomentumRotation(Strategy):
    name = "momentum_rotation"
    description = ("Every `every` bars rank symbols by their `lookback` return and hold the top `top` in equal "
                   "weights (sized at entry); positions that drop out of the top are closed.")
    multi_symbol = True

    lookback = Int(20, min=1, max=1000, description="Bars over which the return is measured")
    every = Int(20, min=1, max=1000, description="Rebalance every this many bars")
    top = Int(3, min=1, max=100, description="How many symbols to hold")

    def init(self) -> None:
        self.momentum = [self.I(returns, self.datas[s].close, self.lookback, name=f"{s} {self.lookback}-bar return",
                                plot="separate") for s in self.symbols]
        self.countdown = 0

    def next(self) -> None:
        # A countdown, not index % every, so live trading rebalances on the same cadence after a restart.
        if self.countdown:
            self.countdown -= 1
            return
        self.countdown = self.every - 1
        scored = [(line[-1], symbol) for line, symbol in zip(self.momentum, self.symbols, strict=True)
                  if line and not math.isnan(line[-1])]
        if not scored:
            return
        scored.sort(key=lambda pair: (-pair[0], pair[1]))  # ties broken by symbol: deterministic
        keep = {symbol for _, symbol in scored[: self.top]}
        held = {symbol for symbol in self.symbols if self.position_of(symbol)}
        for symbol in sorted(held - keep):  # sells first: they free the cash the buys size from
            self.close(symbol)
        slots = min(self.top, len(scored))
        for symbol in sorted(keep - held):
            self.buy(symbol, percent=100.0 / slots)
