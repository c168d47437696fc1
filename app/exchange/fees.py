"""Crypto trading fees as Alpaca charges them: basis points of each fill's value, maker or taker.

A fill *makes* liquidity when its order had rested on the book (a limit or stop-limit that met no
price on a pass before it filled); every other fill *takes* it (market orders, marketable limits on
arrival). Alpaca charges crypto fees in the asset received; the exchange charges them in USD, the
quote currency, so positions keep the quantity ordered and the fee shows in cash, to the cent (half
up) per fill. Equities pay no commission here, as at Alpaca.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.exchange.config import SymbolConfig
from app.exchange.numbers import ZERO, cents
from app.exchange.orders import Order

RESTING_TYPES = ("limit", "stop_limit")


@dataclass(frozen=True)
class CryptoFees:
    """Alpaca's base tier by default: 15 bps maker, 25 bps taker."""

    maker_bps: float = 15.0
    taker_bps: float = 25.0

    def rate(self, maker: bool) -> Decimal:
        return Decimal(repr(self.maker_bps if maker else self.taker_bps)) / Decimal(10_000)

    def on_fill(self, config: SymbolConfig, order: Order, qty: Decimal, price: Decimal) -> Decimal:
        """The fee one fill pays, in USD to the cent; zero for equities."""
        if not config.is_crypto:
            return ZERO
        maker = order.rested and order.type in RESTING_TYPES
        return cents(qty * price * self.rate(maker))

    def with_taker_fee(self, config: SymbolConfig, cost: Decimal) -> Decimal:
        """What a buy may cost at most, fee included (buying power is checked against it)."""
        return cost * (1 + self.rate(False)) if config.is_crypto else cost
