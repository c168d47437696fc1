"""Plain market orders take the broker's fast path (no OrderRequest); the results must be those of
the general `submit(OrderRequest)` path, to the cent and the id, whatever the orders ask for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.serialize import result_to_dict
from app.marvin import Strategy
from app.marvin.indicators import crossover, sma


class MarketMix(Strategy):
    """Every kind of plain market order: sized in shares (some refused: fractions in a whole-share
    run, more than the cash buys), by value, by percent, day orders, sells that would open a short,
    and closes."""

    name = "market_mix"

    def init(self) -> None:
        self.signal = self.I(crossover, self.I(sma, self.data.close, 5), self.I(sma, self.data.close, 15))

    def next(self) -> None:
        signal, turn = self.signal[-1], self.index % 7
        if signal > 0:
            if turn == 0:
                self.buy(size=2.5)  # refused in a whole-share run
            elif turn == 1:
                self.buy(size=900)  # more than the cash buys at times: rejected at the fill
            elif turn == 2:
                self.buy(value=1234.56, time_in_force="day")
            else:
                self.buy(percent=60)
        elif signal < 0:
            if turn == 3:
                self.sell(size=3)  # a short when flat: refused unless the run allows shorts
            self.close()


class Recorded:
    """The broker behind the general path only: no `submit_market`, so the runner builds requests."""

    def __init__(self, broker):  # noqa: ANN001
        self._broker = broker

    def __getattr__(self, name: str):  # noqa: ANN204
        if name == "submit_market":
            raise AttributeError(name)
        return getattr(self._broker, name)


def run(config: BacktestConfig, fast: bool) -> dict:
    backtest = Backtest(config, synthetic_bars("AAA", 3000, seed=5, volatility=0.3), strategy=MarketMix)
    if not fast:
        backtest.runner.gateway = Recorded(backtest.broker)
        assert backtest.runner._submit_market is None
    else:
        assert backtest.runner._submit_market is not None
    return result_to_dict(backtest.run())


@pytest.mark.parametrize("config", [
    BacktestConfig("market_mix", cash=Decimal("100000")),
    BacktestConfig("market_mix", cash=Decimal("100000"), allow_short=True, fees="per_share:0.005", slippage="5bp"),
    BacktestConfig("market_mix", cash=Decimal("100000"), fractional=True, fees="alpaca"),
], ids=["whole shares", "shorts, fees, slippage", "fractional"])
def test_the_fast_path_gives_the_records_of_the_request_path(config):
    fast, general = run(config, fast=True), run(config, fast=False)
    assert len(fast["orders"]) > 50 and fast["fills"] and fast["trades"]
    statuses = {order["status"] for order in fast["orders"]}
    assert {"filled", "rejected"} <= statuses
    assert fast == general
