"""A finished run_backtest leaves nothing for the cyclic collector: once its result is dropped, the
broker, the runner, their orders and Lines go by reference counting. A sweep runs thousands of cells,
and each cell's run walked by the collector, or kept until a full collection, cost it a tenth of its time."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest

from app.greta.data import synthetic_bars
from app.greta.engine import BacktestConfig, run_backtest

FRAMES = [synthetic_bars(f"S{i}", 3000, seed=i, timeframe="1Min") for i in range(3)]


BUILT_IN = ["bollinger_breakout", "buy_and_hold", "momentum_rotation", "rsi_reversion", "sma_cross"]


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_finished_run_leaves_no_reference_cycle(name: str) -> None:
    data = FRAMES if name == "momentum_rotation" else FRAMES[:1]
    gc.collect()
    gc.disable()
    try:
        result = run_backtest(BacktestConfig(name, {}, cash=Decimal("100000")), data)
        assert len(result.orders) > 0  # it traded: there are orders to free
        final = result.final_equity
        del result
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert final > 0


def test_run_backtest_leaves_the_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    run_backtest(BacktestConfig("sma_cross", {}, cash=Decimal("100000")), FRAMES[:1])
    assert gc.isenabled()
    gc.disable()
    try:
        run_backtest(BacktestConfig("sma_cross", {}, cash=Decimal("100000")), FRAMES[:1])
        assert not gc.isenabled()
    finally:
        gc.enable()
