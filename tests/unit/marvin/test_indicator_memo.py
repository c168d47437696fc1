"""The indicator memo: a sweep's cells share their built-in indicators, and nothing else changes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from app.greta.data import synthetic_bars
from app.greta.engine import BacktestConfig, run_backtest
from app.marvin import indicator_memo
from app.marvin.indicators import sma


@pytest.fixture(autouse=True)
def empty_memo():
    indicator_memo.clear()
    yield
    indicator_memo.clear()


def read_only(values: list[float]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    array.flags.writeable = False
    return array


def remembered(func, *args, **kwargs) -> list[np.ndarray]:
    calls = []

    def call() -> list[np.ndarray]:
        calls.append(1)
        return [np.asarray(func(*args, **kwargs), dtype=np.float64)]

    outputs = indicator_memo.compute(func, list(args), kwargs, call)
    return outputs, len(calls)


def test_the_same_sma_of_the_same_bars_is_computed_once_and_cannot_be_changed() -> None:
    close = read_only([1.0, 2.0, 3.0, 4.0, 5.0])
    first, calls_first = remembered(sma, close, 2)
    again, calls_again = remembered(sma, close, 2)
    other, calls_other = remembered(sma, close, 3)
    assert (calls_first, calls_again, calls_other) == (1, 0, 1)
    assert again[0] is first[0] and np.array_equal(first[0], [np.nan, 1.5, 2.5, 3.5, 4.5], equal_nan=True)
    assert not first[0].flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        first[0][1] = 0.0


def test_equal_values_in_another_array_or_a_writable_array_are_computed_again() -> None:
    close = read_only([1.0, 2.0, 3.0])
    remembered(sma, close, 2)
    assert remembered(sma, read_only([1.0, 2.0, 3.0]), 2)[1] == 1  # same values, another series
    writable = np.array([1.0, 2.0, 3.0])
    assert remembered(sma, writable, 2)[1] == 1
    assert remembered(sma, writable, 2)[1] == 1  # it could have changed since
    assert remembered(sma, close, 2.0)[1] == 1  # 2.0 is not the argument 2


def test_a_strategy_authors_own_indicator_is_always_called() -> None:
    def mine(values, n):
        return sma(values, n)

    close = read_only([1.0, 2.0, 3.0])
    assert [remembered(mine, close, 2)[1] for _ in range(3)] == [1, 1, 1]


def test_the_memo_stays_bounded_and_keeps_no_long_series(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indicator_memo, "MAX_BYTES", 3 * 2 * 80)  # three entries of 10 bars (input + output)
    close = read_only([float(v) for v in range(1, 11)])
    for n in (2, 3, 4, 5):
        remembered(sma, close, n)
    assert remembered(sma, close, 5)[1] == 0 and remembered(sma, close, 2)[1] == 1  # the oldest went first
    monkeypatch.setattr(indicator_memo, "MAX_ENTRY_BYTES", 100)
    assert [remembered(sma, read_only([1.0] * 20), 2)[1] for _ in range(2)] == [1, 1]


def test_a_sweep_of_cells_gives_what_each_cell_gives_alone() -> None:
    frames = [synthetic_bars("SYN", 3_000, seed=5, timeframe="1Min")]
    config = BacktestConfig(strategy="sma_cross", params={}, cash=Decimal("100000"))
    cells = [{"fast": fast, "slow": slow} for fast in (5, 10) for slow in (20, 40)]
    alone = []
    for params in cells:
        indicator_memo.clear()
        alone.append(run_backtest(replace(config, params=params), frames))
    indicator_memo.clear()
    together = [run_backtest(replace(config, params=params), frames) for params in cells]
    assert indicator_memo.stats["hits"] == 4  # SMA 5 in the second cell, 20 in the third, 10 and 40 in the fourth
    for one, other in zip(alone, together, strict=True):
        assert one.metrics == other.metrics
        assert [(t.entry_price, t.exit_price, t.qty) for t in one.trades] == [
            (t.entry_price, t.exit_price, t.qty) for t in other.trades]
        assert np.array_equal(one.equity.equity_e4, other.equity.equity_e4)
