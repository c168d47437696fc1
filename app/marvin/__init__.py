"""Marvin: the Strategy API, indicators, the order-gateway port, the registry and the StrategyRunner.

Pure domain code (stdlib and numpy only): it knows nothing of backtests, brokers, databases or HTTP.
"""

from app.marvin.bars import BarFrame, DataError
from app.marvin.gateway import OpenOrder, OrderGateway, OrderRequest, client_order_id
from app.marvin.lines import Line, StrategyError
from app.marvin.market import Market
from app.marvin.orders import OrderError
from app.marvin.params import Bool, Choice, Float, Int, Param, ParamError
from app.marvin.registry import StrategyLoadError, get_strategy, list_strategies, load_strategy
from app.marvin.runner import BarListener, StrategyRunner
from app.marvin.strategy import Strategy

__all__ = [
    "BarFrame",
    "BarListener",
    "Bool",
    "Choice",
    "DataError",
    "Float",
    "Int",
    "Line",
    "Market",
    "OpenOrder",
    "OrderError",
    "OrderGateway",
    "OrderRequest",
    "Param",
    "ParamError",
    "Strategy",
    "StrategyError",
    "StrategyLoadError",
    "StrategyRunner",
    "client_order_id",
    "get_strategy",
    "list_strategies",
    "load_strategy",
]
