"""An order sized by percent is fitted to the buying power at the bar it fills on: short positions marked at
that bar's prices, fees dated that bar. The fitting loop once took the quantity step for the bar (the
names were the same), marking shorts at bar 1's prices: with a short whose price had risen tenfold, a
percent buy got the shares of ten times less short exposure."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.marvin import BarFrame, Strategy


class ShortThenBuy(Strategy):
    """Bar 2: short 100 BBB. Bar 6: buy AAA with 100 % of equity."""

    name = "short_then_buy"
    multi_symbol = True

    def next(self) -> None:
        if self.index == 2:
            self.sell("BBB", size=100)
        elif self.index == 6:
            self.buy("AAA", percent=100)


def flat(symbol: str, prices: list[float]) -> BarFrame:
    stamps = synthetic_bars(symbol, len(prices), seed=1).ts
    values = np.array(prices)
    return BarFrame(symbol, "1Day", stamps, values, values, values, values, np.full(len(prices), 1e6))


def test_a_percent_buy_is_fitted_to_the_buying_power_of_the_short_marked_at_its_own_bar():
    aaa = flat("AAA", [100.0] * 10)
    bbb = flat("BBB", [10.0] * 4 + [200.0] * 6)  # shorted at 10 on bar 3, worth 200 a share from bar 4
    config = BacktestConfig("short_then_buy", cash=Decimal("100000"), allow_short=True, fees="per_share:0.005")
    result = Backtest(config, [aaa, bbb], strategy=ShortThenBuy).run()
    buy = next(o for o in result.orders if o.symbol == "AAA")
    # Cash after the short: 100,000 + 1,000 - 0.50 fee = 100,999.50. At bar 7 the short is 100 × 200 = 20,000:
    # buying power = cash - 2 × 20,000 = 60,999.50; at $100 plus $0.005 a share, 609 shares fit (610 would
    # cost 61,003.05). Marked at bar 1's $10 the short would leave 98,999.50 and the equity's 80,999.50
    # would buy 809.
    assert buy.status == "filled" and buy.filled_qty == Decimal(609), (buy.status, buy.filled_qty, buy.reject_reason)
