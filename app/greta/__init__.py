"""Greta: the backtest engine. A simulated broker behind the OrderGateway port, fees, slippage, the
engine loop, results and metrics, data loaders and the lookahead check. Imports marvin, clock, numpy."""

from app.greta.engine import Backtest, BacktestCancelled, BacktestConfig, run_backtest
from app.greta.records import (
    BacktestResult,
    EquityCurve,
    EquityPoint,
    FillRecord,
    OrderEvent,
    OrderRecord,
    PositionRecord,
    TradeRecord,
)

__all__ = [
    "Backtest",
    "BacktestCancelled",
    "BacktestConfig",
    "BacktestResult",
    "EquityCurve",
    "EquityPoint",
    "FillRecord",
    "OrderEvent",
    "OrderRecord",
    "PositionRecord",
    "TradeRecord",
    "run_backtest",
]
