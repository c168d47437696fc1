"""Small builders for hand-written scenarios: bars from OHLC rows, and strategies from a script."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

from app.clock.sessions import new_york_ns, trading_days
from app.greta import BacktestConfig, BacktestResult, run_backtest
from app.marvin import BarFrame, Strategy

Row = tuple[float, float, float, float]
Action = Callable[[Strategy], Any]


def daily(rows: Sequence[Row], symbol: str = "AAA", first: date = date(2024, 6, 3)) -> BarFrame:
    """Daily bars stamped at New York midnight on consecutive weekdays, like Alpaca's."""
    stamps = [new_york_ns(d, time(0)) for d in trading_days(first, len(rows))]
    opens, highs, lows, closes = zip(*rows, strict=True) if rows else ((), (), (), ())
    return BarFrame(symbol, "1Day", stamps, opens, highs, lows, closes, [1000.0] * len(rows))


def scripted(actions: dict[int, Action | list[Action]], name: str = "scripted") -> type[Strategy]:
    """A strategy that runs `actions[i]` on bar i (the bar's close) and records what the verbs returned."""

    class Scripted(Strategy):
        multi_symbol = True  # the actions name the symbol they trade

        def init(self) -> None:
            self.returned: list[Any] = []

        def next(self) -> None:
            todo = actions.get(self.index, [])
            for action in todo if isinstance(todo, list) else [todo]:
                self.returned.append(action(self))

    Scripted.name = name
    return Scripted


def run(rows: Sequence[Row] | BarFrame | list[BarFrame], actions: dict[int, Action | list[Action]],
        cash: str = "10000", **settings: Any) -> BacktestResult:
    data = daily(rows) if isinstance(rows, list | tuple) and rows and isinstance(rows[0], tuple) else rows
    config = BacktestConfig("scripted", cash=Decimal(cash), **settings)
    return run_backtest(config, data, strategy=scripted(actions))  # type: ignore[arg-type]


def fill_prices(result: BacktestResult) -> list[tuple[str, Decimal, Decimal, int]]:
    """(side, qty, price, bar index) of every fill."""
    index = {ts: i for i, ts in enumerate(p.ts for p in result.equity.points())}
    return [(f.side, f.qty, f.price, index[f.ts]) for f in result.fills]
