"""The lines a strategy asked its chart to draw (`self.I(..., plot=...)`), computed over a run's bars.

The strategy's own init() declares them over the same bars and parameters the run used, so each line
is exactly the series the strategy read; no bar is stepped and no order can be placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.marvin.account import ZERO_DETAIL, Event, OrderInfo, PositionDetail, Trade
from app.marvin.gateway import OpenOrder, OrderRequest
from app.marvin.lines import PlottedLine
from app.marvin.runner import History, StrategyRunner
from app.marvin.strategy import Strategy


class _NoOrders:
    """A gateway for a strategy that only declares its indicators: init() may look, never trade."""

    def submit(self, request: OrderRequest) -> str:
        raise RuntimeError("a strategy drawn for its indicators places no orders")

    def cancel(self, order_id: str) -> None:
        raise RuntimeError("a strategy drawn for its indicators cancels no orders")

    def position(self, symbol: str) -> Decimal:
        return Decimal(0)

    def cash(self) -> Decimal:
        return Decimal(0)

    def equity(self) -> Decimal:
        return Decimal(0)

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        return []

    def position_detail(self, symbol: str) -> PositionDetail:
        return ZERO_DETAIL

    def order(self, order_id: str) -> OrderInfo:
        raise KeyError(order_id)

    def trades(self, closed: bool) -> list[Trade]:
        return []

    def listen(self) -> None:
        return None

    def take_events(self) -> list[Event]:
        return []


def plotted_lines(strategy: type[Strategy], params: Mapping[str, Any], data: History) -> list[PlottedLine]:
    """Run `strategy`'s init() over `data` (every symbol of the run: an indicator may read several) and
    return its plotted outputs, each as long as its symbol's bars."""
    runner = StrategyRunner(strategy, _NoOrders(), params)
    runner.start(data)
    lines = runner.plotted()
    runner.release()
    return lines
