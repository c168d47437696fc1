"""Fee models: none, per share, percent of notional, and the Alpaca preset (a run names one with a FeeSpec).

Alpaca charges no commission but passes through regulatory fees on sells (reference:
/work/shared/reference/alpaca-costs-and-rules.md): the SEC Section 31 fee on the sale's value and
FINRA's Trading Activity Fee per share with a per-trade cap. Rates change on dated notices, so they
live in dated, replaceable tables, never in the arithmetic. A date before a table's first entry
uses that first entry (add older rows for older history). The CAT fee is left at zero: published
per-share rates disagree.

Rounding (chosen; Alpaca's pages disagree between per fill and per day): each fill's fee is
computed exactly, components summed, and the sum rounded UP to the cent. Versus a daily total this
can overcharge by under a cent per fill; it keeps every fill's fee a whole-cent amount.

Crypto: the Alpaca preset on a pair is Alpaca's crypto base tier, not the regulatory fees (no SEC fee or
TAF on crypto): 25 bps of each fill taken, 15 bps made, as the local exchange charges them
(app/exchange/fees.py) - a fill makes liquidity when its limit or stop-limit order had rested (met a
price that did not fill it: any fill but one at the open of the first bar the order met), and takes it
otherwise (market and stop orders, a limit marketable at the open it first met). Alpaca takes a buy's
fee in the coin and a sale's in dollars; Greta charges dollars on both sides, a buy's coins (half up to
1e-9) at the fill price, so a backtest and a paper run of the same trades differ by fee × (exit − entry
price) per round trip (docs/exchange.md, Crypto). The other models charge a pair what they charge a share.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from app.clock.sessions import day_number
from app.greta.money import CENT, ZERO, cents_up

RESTING_TYPES = ("limit", "stop_limit")  # the order types whose fills can make liquidity
COIN_STEP = Decimal("0.000000001")  # Alpaca's crypto quantity precision: a coin fee is kept to it


class FeeModel(Protocol):
    def fee(self, side: str, qty: Decimal, price: Decimal, notional: Decimal, trade_day: int,
            maker: bool = False) -> Decimal:
        """Fee in whole cents for one fill; `trade_day` is days since 1970-01-01 (trading date); `maker`:
        the fill's limit or stop-limit order had rested (only crypto fees tell makers from takers)."""
        ...


@dataclass(frozen=True)
class NoFees:
    def fee(self, side: str, qty: Decimal, price: Decimal, notional: Decimal, trade_day: int,
            maker: bool = False) -> Decimal:
        return ZERO


@dataclass(frozen=True)
class PerShareFee:
    rate: Decimal  # currency per share, both sides

    def fee(self, side: str, qty: Decimal, price: Decimal, notional: Decimal, trade_day: int,
            maker: bool = False) -> Decimal:
        return cents_up(qty * self.rate)


@dataclass(frozen=True)
class PercentFee:
    percent: Decimal  # of the fill's value, both sides: 0.1 means 0.1 %

    def fee(self, side: str, qty: Decimal, price: Decimal, notional: Decimal, trade_day: int,
            maker: bool = False) -> Decimal:
        return cents_up(notional * self.percent / 100)


@dataclass(frozen=True)
class SecRate:
    since: date
    per_million: Decimal  # dollars per $1,000,000 of sale value


@dataclass(frozen=True)
class TafRate:
    since: date
    per_share: Decimal
    max_per_trade: Decimal


SEC_RATES: tuple[SecRate, ...] = (
    SecRate(date(2024, 5, 22), Decimal("27.80")),
    SecRate(date(2025, 5, 14), Decimal("0.00")),
    SecRate(date(2026, 4, 4), Decimal("20.60")),  # unconfirmed (secondary sources)
)
TAF_RATES: tuple[TafRate, ...] = (
    TafRate(date(2024, 1, 1), Decimal("0.000166"), Decimal("8.30")),
    TafRate(date(2026, 1, 1), Decimal("0.000195"), Decimal("9.79")),  # unconfirmed
)


def _in_force(table: Sequence[SecRate] | Sequence[TafRate], trade_day: int) -> int:
    days = [day_number(row.since) for row in table]
    return max(0, bisect.bisect_right(days, trade_day) - 1)


@dataclass(frozen=True)
class AlpacaFees:
    """$0 commission; SEC fee and FINRA TAF on sells, by trade date, rounded up to the cent per fill."""

    sec_rates: tuple[SecRate, ...] = SEC_RATES
    taf_rates: tuple[TafRate, ...] = TAF_RATES

    def fee(self, side: str, qty: Decimal, price: Decimal, notional: Decimal, trade_day: int,
            maker: bool = False) -> Decimal:
        if side != "sell":
            return ZERO
        sec = self.sec_rates[_in_force(self.sec_rates, trade_day)]
        taf = self.taf_rates[_in_force(self.taf_rates, trade_day)]
        sec_fee = notional * sec.per_million / 1_000_000
        taf_fee = min(qty * taf.per_share, taf.max_per_trade)
        return cents_up(sec_fee + taf_fee)


@dataclass(frozen=True)
class AlpacaCryptoFees:
    """Alpaca's crypto base tier (the local exchange's default): 15 bps on fills that made liquidity, 25 bps
    on fills that took it. A sale pays dollars, half up to the cent; a buy the coins the exchange takes
    (qty × rate, half up to 1e-9), charged here at their value at the fill price, half up to the cent."""

    maker_bps: Decimal = Decimal(15)
    taker_bps: Decimal = Decimal(25)

    def fee(self, side: str, qty: Decimal, price: Decimal, notional: Decimal, trade_day: int,
            maker: bool = False) -> Decimal:
        rate = (self.maker_bps if maker else self.taker_bps) / 10_000
        if side == "buy":
            coins = (qty * rate).quantize(COIN_STEP, rounding=ROUND_HALF_UP)
            return (coins * price).quantize(CENT, rounding=ROUND_HALF_UP)
        return (qty * price * rate).quantize(CENT, rounding=ROUND_HALF_UP)
