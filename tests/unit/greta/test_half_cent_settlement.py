"""A fill whose value falls on an exact half cent settles half up in a backtest, as the local exchange and
Veda settle it (app/veda/positions.settled): half-even had the backtest's cash a cent off the paper run's
on such fills (1 share at 10.125 moved $10.12 in the backtest and $10.13 at the broker)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from app.greta import BacktestConfig
from app.greta.engine import run_backtest
from app.greta.money import PRICE_SCALE, Quantities
from app.marvin import BarFrame
from app.veda.positions import settled
from tests.fixtures.strategies import BuyThenClose

D = Decimal
MINUTE = 60 * 10**9


def frame(opens: list[float]) -> BarFrame:
    ts = np.arange(len(opens), dtype=np.int64) * MINUTE + 1_700_000_000 * 10**9
    prices = np.array(opens)
    return BarFrame("HALF", "1Min", ts, prices, prices + 0.01, prices - 0.01, prices, np.full(len(opens), 1000.0))


def test_a_half_cent_fill_moves_the_cash_the_broker_would():
    # Bought 1 at the second bar's open, 10.125; closed at the third's, 10.135: each value is a half cent.
    config = BacktestConfig("buy_then_close", {"size": 1}, cash=D("1000"))
    result = run_backtest(config, [frame([10.0, 10.125, 10.135, 10.2])], strategy=BuyThenClose)
    buy, sell = result.fills
    assert (buy.price, sell.price) == (D("10.125"), D("10.135"))
    assert settled(buy.qty, buy.price) == D("10.13") and settled(sell.qty, sell.price) == D("10.14")
    assert result.final_cash == D("1000") - D("10.13") + D("10.14") == D("1000.01")  # half-even: 1000.02
    (trade,) = result.trades
    assert trade.pnl == D("0.01")  # the trade's P&L is the cash the two fills moved


def test_value_cents_rounds_half_up_and_otherwise_to_the_nearest_cent():
    units = Quantities(fractional=False)
    price = int(D("10.125") * PRICE_SCALE)
    assert units.value_cents(1, price) == 1013
    assert units.value_cents(3, price) == 3038  # 30.375
    assert units.value_cents(1, int(D("10.1249") * PRICE_SCALE)) == 1012
    assert units.value_cents(2, price) == 2025  # 20.25 exactly
