"""Plotted indicators: each built-in strategy declares the lines its chart draws, with the values it reads."""

from __future__ import annotations

import numpy as np
import pytest

from app.marvin import BarFrame, Strategy, StrategyError
from app.marvin.indicators import bollinger, rsi, sma
from app.marvin.plots import plotted_lines
from app.marvin.strategies import BollingerBreakout, BuyAndHold, MomentumRotation, RsiReversion, SmaCross

NS_DAY = 86_400 * 10**9


def frame(symbol: str = "AAA", n: int = 80, shift: float = 0.0) -> BarFrame:
    close = 100 + 10 * np.sin(np.arange(n) / 7 + shift) + np.arange(n) * 0.1
    return BarFrame(symbol, "1Day", np.arange(n) * NS_DAY, close, close + 1, close - 1, close, np.full(n, 1000.0))


def test_each_builtin_declares_its_lines_with_the_values_its_strategy_reads() -> None:
    bars = frame()
    close = bars.close

    sma_lines = plotted_lines(SmaCross, {"fast": 5, "slow": 12}, [bars])
    bands = plotted_lines(BollingerBreakout, {"period": 10, "width": 1.5}, [bars])
    oscillator = plotted_lines(RsiReversion, {"period": 9}, [bars])

    assert [(line.name, line.pane) for line in sma_lines] == [("SMA 5", "price"), ("SMA 12", "price")]
    np.testing.assert_array_equal(sma_lines[1].values, sma(close, 12))
    assert [line.name for line in bands] == ["BB 10, 1.5 upper", "BB 10, 1.5 middle", "BB 10, 1.5 lower"]
    for line, expected in zip(bands, bollinger(close, 10, 1.5), strict=True):
        np.testing.assert_array_equal(line.values, expected)
    assert [(line.name, line.pane) for line in oscillator] == [("RSI 9", "separate")]
    np.testing.assert_array_equal(oscillator[0].values, rsi(close, 9))
    assert plotted_lines(BuyAndHold, {}, [bars]) == []


def test_a_line_follows_its_own_symbol() -> None:
    lines = plotted_lines(MomentumRotation, {"lookback": 5}, [frame("AAA"), frame("BBB", shift=1.0)])
    assert [(line.name, line.symbol, line.pane) for line in lines] == [
        ("AAA 5-bar return", "AAA", "separate"), ("BBB 5-bar return", "BBB", "separate")]


def test_a_wrong_pane_or_label_count_is_refused_with_a_reason() -> None:
    class WrongPane(Strategy):
        name = "wrong_pane"

        def init(self) -> None:
            self.I(sma, self.data.close, 3, plot="overlay")

    class WrongLabels(Strategy):
        name = "wrong_labels"

        def init(self) -> None:
            self.I(bollinger, self.data.close, 3, plot="price", labels=("upper", "lower"))

    with pytest.raises(StrategyError, match="plot='overlay'.*price, separate"):
        plotted_lines(WrongPane, {}, [frame()])
    with pytest.raises(StrategyError, match="3 outputs but 2 labels"):
        plotted_lines(WrongLabels, {}, [frame()])
