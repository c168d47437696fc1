"""Instruments: what a symbol is, and the price and quantity steps its orders must sit on.

One model for Greta, Veda and the local exchange, so a backtest and a live run round an order the
same way (Alpaca's order rules, ../shared/reference/alpaca-costs-and-rules.md):
- `us_equity`: prices $0.01 at or above $1, $0.0001 below; whole shares, or 1e-9 in fractional runs.
- `crypto`: prices and quantities to 1e-9, or the asset's own `price_increment` / `min_trade_increment`.
- `other` (anything imported: forex, futures, a CSV): no price step at all, so nothing is rounded
  that the data did not round; whole units, or 1e-9 in fractional runs.

`round_order_price` is the one place an order price is put on a step: limits never worse than asked
(buy limits down, sell limits up), stops triggering no later than asked (buy stops down, sell up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

ASSET_CLASSES = ("us_equity", "crypto", "other")
FINEST = Decimal("1e-12")  # prices are kept (and stored, NUMERIC(30,12)) to 12 places at most
NANO = Decimal("1e-9")
ONE = Decimal(1)
_CENT, _SUB_PENNY = Decimal("0.01"), Decimal("0.0001")


class InstrumentError(ValueError):
    """An asset class or increment that no broker has."""


@dataclass(frozen=True)
class Instrument:
    symbol: str
    asset_class: str = "other"
    price_increment: Decimal | None = None  # crypto: the asset's own step; None: the class's rule
    qty_increment: Decimal | None = None  # crypto: min_trade_increment; None: the class's rule

    def __post_init__(self) -> None:
        if self.asset_class not in ASSET_CLASSES:
            raise InstrumentError(f"asset class must be one of {', '.join(ASSET_CLASSES)}; got {self.asset_class!r}")
        for what, step in (("price_increment", self.price_increment), ("qty_increment", self.qty_increment)):
            if step is not None and (not step.is_finite() or step <= 0):
                raise InstrumentError(f"{what} must be positive, got {step}")

    @property
    def is_crypto(self) -> bool:
        return self.asset_class == "crypto"

    def price_step(self, price: Decimal) -> Decimal | None:
        """The increment a price near `price` must sit on; None when the instrument has none."""
        if self.asset_class == "us_equity":
            return _CENT if price >= ONE else _SUB_PENNY
        if self.asset_class == "crypto":
            return self.price_increment or NANO
        return self.price_increment

    def qty_step(self, fractional: bool) -> Decimal:
        """The smallest quantity step: crypto always trades fractions; others only in fractional runs."""
        if self.asset_class == "crypto":
            return self.qty_increment or NANO
        return self.qty_increment or (NANO if fractional else ONE)

    @property
    def calendar(self) -> str:
        """Which year annualises its returns: '24/7' for crypto, 'session' for US equities, else 'data'."""
        return {"crypto": "24/7", "us_equity": "session"}.get(self.asset_class, "data")


def round_order_price(price: Decimal, side: str, instrument: Instrument) -> Decimal:
    """`price` on the instrument's step, on the side never worse for the user.

    `side` is the side of the order that carries the price (a long bracket's exits are sells). Both
    rules come to the same direction: a buy limit down never pays more, a buy stop down triggers no
    later; a sell limit up never receives less, a sell stop up triggers no later. Prices already on
    the step come back unchanged.
    """
    step = instrument.price_step(price) or FINEST  # `other`: only what 12 places cannot hold
    places = step.as_tuple()
    if places.digits == (1,) and price.as_tuple().exponent >= places.exponent:  # a power of ten it already sits on
        return price
    steps = (price / step).to_integral_value(rounding=ROUND_FLOOR if side == "buy" else ROUND_CEILING)
    rounded = steps * step  # a multiple of the step (quantize would only cut decimals: 0.5 steps need this)
    if instrument.asset_class == "us_equity" and rounded >= ONE > price:
        rounded = rounded.quantize(_CENT)  # rounded up across $1: the cent step applies there
    return rounded


def price_refusal(prices: Mapping[str, Decimal | None], symbol: str) -> str | None:
    """Why an order's (rounded) prices cannot be sent: one came to 0 on the instrument's step."""
    for name, price in prices.items():
        if price is not None and price <= 0:
            return f"price rounds to 0: {name.replace('_price', '')} on the price increment of {symbol}"
    return None


def quantity_refusal(symbol: str, qty: Decimal, step: Decimal) -> str | None:
    """Why `qty` is not a quantity of the instrument (below, or off, its step), or None. The reason
    starts with its kind, then a colon, so refusals can be counted by kind."""
    if qty >= step and not qty % step:
        return None
    if step == ONE:
        return f"fractional shares are disabled for this run (qty {qty})"
    if qty < step:
        return f"quantity below the smallest step: {qty} {symbol} (step {step})"
    return f"quantity off the step: {qty} {symbol} is not a multiple of {step}"


def instruments_for(symbols: tuple[str, ...] | list[str], asset_class: str | None = None,
                    known: Mapping[str, Instrument] | None = None) -> dict[str, Instrument]:
    """An Instrument per symbol: an `asset_class` the user gave wins (keeping a known instrument's own
    increments when it is of that class), else the known one (the broker's asset list, fetched or
    imported metadata), else `other`."""
    known = known or {}
    out = {}
    for symbol in symbols:
        stored = known.get(symbol)
        if asset_class is None:
            out[symbol] = stored or Instrument(symbol)
        else:
            out[symbol] = stored if stored is not None and stored.asset_class == asset_class \
                else Instrument(symbol, asset_class)
    return out
