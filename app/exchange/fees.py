"""Crypto trading fees as Alpaca charges them: basis points of each fill, maker or taker, taken from what
the fill credits.

A fill *makes* liquidity when its order had rested on the book (a limit or stop-limit that met no
price on a pass before it filled); every other fill *takes* it (market orders, marketable limits on
arrival). Alpaca charges the fee "on the credited crypto asset/fiat (what you receive)": a buy of
BTC/USD pays it in BTC (the position receives qty − fee), a sell in USD (the proceeds less the fee).
Rounding (chosen, Alpaca does not publish one): a coin fee is rounded half up to 1e-9, Alpaca's qty
precision, so the position stays an exact 9-decimal amount; a USD fee half up to the cent, per fill.
Equities pay no commission here, as at Alpaca.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.exchange.config import SymbolConfig
from app.exchange.numbers import QTY_STEP, ZERO, cents
from app.exchange.orders import Order

RESTING_TYPES = ("limit", "stop_limit")


@dataclass(frozen=True)
class Charge:
    """One fill's fee: `coin` taken from the position (a buy) or `usd` from the proceeds (a sell)."""

    coin: Decimal
    usd: Decimal
    price: Decimal  # the fill's price: what Alpaca's CFEE reports the coin at


@dataclass(frozen=True)
class CryptoFees:
    """Alpaca's base tier by default: 15 bps maker, 25 bps taker."""

    maker_bps: float = 15.0
    taker_bps: float = 25.0

    def rate(self, maker: bool) -> Decimal:
        return Decimal(repr(self.maker_bps if maker else self.taker_bps)) / Decimal(10_000)

    def on_fill(self, config: SymbolConfig, order: Order, qty: Decimal, price: Decimal) -> Charge | None:
        """The fee one fill pays, in the asset it credits; None for equities (and a zero rate)."""
        if not config.is_crypto:
            return None
        rate = self.rate(order.rested and order.type in RESTING_TYPES)
        if order.side == "buy":
            charge = Charge(coin_fee(qty, rate), ZERO, price)
        else:
            charge = Charge(ZERO, cents(qty * price * rate), price)
        return charge if charge.coin or charge.usd else None


def coin_fee(qty: Decimal, rate: Decimal) -> Decimal:
    """The coins a buy of `qty` gives up: half up to 1e-9, so qty − fee is exact at Alpaca's 9 decimals."""
    return (qty * rate).quantize(QTY_STEP, rounding=ROUND_HALF_UP)
