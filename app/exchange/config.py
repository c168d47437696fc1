"""Frozen, typed configuration of the local exchange, validated when it is built.

The CLI, the embedded server and tests all build an `ExchangeConfig`; nothing reads the environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_UP, Decimal
from pathlib import Path
from typing import Literal

from app.exchange.execution import Execution, FillMode

HoursMode = Literal["always", "nyse"]
AssetClass = Literal["us_equity", "crypto"]
SYMBOL_PATTERN = re.compile(r"^[A-Z][A-Z0-9.]{0,9}$")
PAIR_PATTERN = re.compile(r"^[A-Z0-9]{2,10}/(USD|USDT|USDC|BTC)$")  # Alpaca's crypto pairs: BASE/QUOTE
EXCHANGES = ("AMEX", "ARCA", "BATS", "NYSE", "NASDAQ", "NYSEARCA", "OTC")  # the OpenAPI `Exchange` enum
CRYPTO_EXCHANGE = "CRYPTO"  # what Alpaca lists crypto assets under (alpaca-py's AssetExchange has it)


class ConfigError(ValueError):
    """The exchange configuration is inconsistent; the message says which field."""


@dataclass(frozen=True)
class SymbolConfig:
    """One tradable asset (a US equity, or a crypto pair such as BTC/USD) and its synthetic price process.

    Build crypto pairs with `SymbolConfig.crypto(...)`: 24/7, more volatile, fractional, never shorted."""

    symbol: str
    price: float = 100.0  # price at the anchor time
    volatility: float = 0.30  # annualised, on calendar time (the process runs 24/7, bars may not)
    drift: float = 0.07  # annualised: the trend prices grow by (history lies below today's price)
    volume_per_second: float = 1000.0  # mean shares traded per second in the regular session, sets bar volumes
    exchange: str = "NASDAQ"
    fractionable: bool = True
    shortable: bool = True
    marginable: bool = True
    asset_class: AssetClass = "us_equity"

    def __post_init__(self) -> None:
        if self.asset_class == "crypto":
            if not PAIR_PATTERN.match(self.symbol):
                raise ConfigError(f"symbol {self.symbol!r}: a crypto pair is BASE/USD (upper case)")
            if self.shortable or self.marginable or self.exchange != CRYPTO_EXCHANGE:
                raise ConfigError(f"symbol {self.symbol}: crypto is neither shorted nor bought on margin")
        elif not SYMBOL_PATTERN.match(self.symbol):
            raise ConfigError(f"symbol {self.symbol!r}: use upper-case letters, digits and dots")
        elif self.exchange not in EXCHANGES:
            raise ConfigError(f"symbol {self.symbol}: exchange must be one of {', '.join(EXCHANGES)}")
        if not self.price >= 0.01:
            raise ConfigError(f"symbol {self.symbol}: start price must be at least 0.01")
        if not 0 <= self.volatility <= 5:
            raise ConfigError(f"symbol {self.symbol}: volatility must be within [0, 5]")

    @classmethod
    def crypto(cls, symbol: str, price: float = 100.0, volatility: float = 0.6,
               volume_per_second: float = 20.0) -> SymbolConfig:
        """A crypto pair: about twice an index's volatility, coins rather than shares of volume."""
        return cls(symbol, price, volatility, volume_per_second=volume_per_second, exchange=CRYPTO_EXCHANGE,
                   fractionable=True, shortable=False, marginable=False, asset_class="crypto")

    @property
    def is_crypto(self) -> bool:
        return self.asset_class == "crypto"

    @property
    def min_order_size(self) -> Decimal:
        """Alpaca lists a minimum per pair (about a dollar's worth); here $1 at the start price, to 9 decimals."""
        if not self.is_crypto:
            return Decimal("0.000000001")
        return (Decimal(1) / Decimal(repr(self.price))).quantize(Decimal("0.000000001"), rounding=ROUND_UP)


@dataclass(frozen=True)
class AccountConfig:
    """An account and its API keys; several coexist (a "paper" and a "live" one never cross)."""

    name: str
    key: str
    secret: str
    cash: str = "100000"
    shorting: bool = False  # False: a cash account; True: shorting allowed, 100% margin on shorts

    def __post_init__(self) -> None:
        if not self.name or not self.key or not self.secret:
            raise ConfigError("an account needs a name, a key and a secret")
        try:
            if float(self.cash) < 0:
                raise ValueError
        except ValueError as exc:
            raise ConfigError(f"account {self.name}: cash must be a non-negative number") from exc


def _default_symbols() -> tuple[SymbolConfig, ...]:
    return (SymbolConfig("AAPL", 190.0), SymbolConfig("MSFT", 410.0), SymbolConfig("SPY", 520.0),
            *DEFAULT_CRYPTO)


DEFAULT_CRYPTO = (SymbolConfig.crypto("BTC/USD", 60_000.0, volume_per_second=2.0),
                  SymbolConfig.crypto("ETH/USD", 3_000.0, 0.7, volume_per_second=20.0))


def _default_accounts() -> tuple[AccountConfig, ...]:
    return (AccountConfig("paper", "PAPERKEY", "PAPERSECRET"),)


@dataclass(frozen=True)
class ExchangeConfig:
    """Everything the exchange needs; `bar_seconds` sets the base bar of the price process."""

    symbols: tuple[SymbolConfig, ...] = field(default_factory=_default_symbols)
    accounts: tuple[AccountConfig, ...] = field(default_factory=_default_accounts)
    seed: int = 7
    bar_seconds: float = 60.0
    hours: HoursMode = "always"
    anchor: datetime | None = None  # when the start prices hold; None: the first start (kept in state)
    state_file: Path | None = None
    admin_token: str | None = None  # None: a random token, readable from ExchangeServer.admin_token
    tick_seconds: float = 0.02  # how often resting orders are checked against the moving price
    half_spread_bps: float = 0.0  # market orders pay this much over the last price
    partial_fill: float = 1.0  # share of a market order filled on arrival; the rest at the next pass
    max_page_size: int = 10_000  # Alpaca's page cap for /v2/stocks/bars; tests lower it to page
    max_bars_per_request: int = 1_000_000  # base bars one data request may synthesise
    rate_limit_per_minute: int | None = None  # Alpaca's is 200; None turns the limit off
    correlation: float = 0.6  # between any two symbols' returns: they share a common market walk
    fills: FillMode = "ideal"  # "realistic": latency, quotes, volume share (app/exchange/execution.py)
    volume_share: float = 0.1  # realistic: the most of a bar's volume one order takes within that bar
    fill_latency_ms: int = 50  # realistic: from accept to reaching the market
    random_partials: float = 0.0  # realistic: the share of fills cut short at random (Alpaca paper: ~0.1)
    crypto_maker_bps: float = 15.0  # Alpaca's base crypto tier: 15 bps on fills that rested (made liquidity) …
    crypto_taker_bps: float = 25.0  # … and 25 bps on fills that took it; charged in USD on each fill

    def __post_init__(self) -> None:
        object.__setattr__(self, "symbols", tuple(self.symbols))
        object.__setattr__(self, "accounts", tuple(self.accounts))
        if self.hours not in ("always", "nyse"):
            raise ConfigError("hours must be 'always' or 'nyse'")
        _ = self.bar_ms  # raises ConfigError when the bar does not tile a minute or a day
        _unique([s.symbol for s in self.symbols], "symbol")
        _unique([a.name for a in self.accounts], "account name")
        _unique([a.key for a in self.accounts], "account key")
        if not 0.001 <= self.tick_seconds <= 1:
            raise ConfigError("tick_seconds must be within [0.001, 1]")
        if self.max_page_size < 1:
            raise ConfigError("max_page_size must be positive")
        if not 0 <= self.correlation < 1:
            raise ConfigError("correlation must be within [0, 1)")
        if not (0 <= self.crypto_maker_bps <= 1000 and 0 <= self.crypto_taker_bps <= 1000):
            raise ConfigError("crypto fees must be within [0, 1000] basis points")
        try:
            _ = self.execution
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    @property
    def execution(self) -> Execution:
        return Execution(self.fills, self.volume_share, self.fill_latency_ms, self.random_partials, self.seed)

    @property
    def bar_ms(self) -> int:
        """The base bar in ms; it must tile a minute (or be whole minutes that tile a day)."""
        ms = round(self.bar_seconds * 1000)
        if ms <= 0 or abs(ms - self.bar_seconds * 1000) > 1e-6:
            raise ConfigError("bar_seconds must be a positive whole number of milliseconds")
        if ms < 60_000 and 60_000 % ms == 0:
            return ms
        if ms % 60_000 == 0 and 86_400_000 % ms == 0:
            return ms
        raise ConfigError("bar_seconds must divide 60, or be whole minutes that divide a day")

    def symbol(self, name: str) -> SymbolConfig | None:
        return next((s for s in self.symbols if s.symbol == name), None)


def _unique(values: list[str], what: str) -> None:
    seen = {v for v in values if values.count(v) > 1}
    if seen:
        raise ConfigError(f"duplicate {what}: {', '.join(sorted(seen))}")


def parse_account_spec(spec: str) -> AccountConfig:
    """`name:key:secret[:cash[:short]]` as the CLI takes it."""
    parts = spec.split(":")
    if not 3 <= len(parts) <= 5:
        raise ConfigError(f"account {spec!r}: expected name:key:secret[:cash[:short]]")
    cash = parts[3] if len(parts) > 3 and parts[3] else "100000"
    shorting = len(parts) > 4 and parts[4].lower() in ("short", "shorting", "1", "true", "yes")
    return AccountConfig(parts[0], parts[1], parts[2], cash, shorting)


def parse_symbols_spec(spec: str) -> tuple[SymbolConfig, ...]:
    """`AAPL,MSFT=410.5,SOL/USD=150` as the CLI takes it; a symbol without a price starts at 100.
    A name with a slash is a crypto pair (BTC/USD and ETH/USD keep their default price and volume)."""
    symbols = []
    defaults = {c.symbol: c for c in DEFAULT_CRYPTO}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, price = item.partition("=")
        name = name.upper()
        if "/" in name:
            base = defaults.get(name, SymbolConfig.crypto(name))
            symbols.append(SymbolConfig.crypto(name, float(price) if price else base.price, base.volatility,
                                               base.volume_per_second))
        else:
            symbols.append(SymbolConfig(name, float(price) if price else 100.0))
    return tuple(symbols)
