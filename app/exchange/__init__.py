"""Weaver's local Alpaca-compatible exchange: a fake of Alpaca that alpaca-py talks to over HTTP/WS.

It stands alone: of Weaver it imports only the clock's timeframe parser (a lint contract keeps it so).
Start it embedded with `ExchangeServer`, or in the foreground with `weaver exchange`.
"""

from app.exchange.config import AccountConfig, ConfigError, ExchangeConfig, SymbolConfig
from app.exchange.server import ExchangeServer

__all__ = ["AccountConfig", "ConfigError", "ExchangeConfig", "ExchangeServer", "SymbolConfig"]
