"""Built-in strategies, registered by their `name` in app.marvin.registry."""

from app.marvin.strategies.bollinger_breakout import BollingerBreakout
from app.marvin.strategies.buy_and_hold import BuyAndHold
from app.marvin.strategies.momentum_rotation import MomentumRotation
from app.marvin.strategies.rsi_reversion import RsiReversion
from app.marvin.strategies.sma_cross import SmaCross

BUILTINS = (SmaCross, RsiReversion, BollingerBreakout, BuyAndHold, MomentumRotation)

__all__ = ["BUILTINS", "BollingerBreakout", "BuyAndHold", "MomentumRotation", "RsiReversion", "SmaCross"]
