"""Turn a strategy's order verb into a checked OrderRequest.

Mistakes in how an order is asked for (two sizes, a negative price, a take-profit below the stop)
are programming errors and raise OrderError at once, in backtests and live alike. Whether the
account can afford the order is the broker's business: it rejects with a reason and the run goes on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from app.marvin.gateway import TIME_IN_FORCE, OpenOrder, OrderRequest

Number = int | float | Decimal
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
_KINDS = {(False, False): "market", (True, False): "limit", (False, True): "stop", (True, True): "stop_limit"}
# Strategies repeat the same few sizes (percent=100, size=10): converting each once saves the hot loop.
_DECIMALS: dict[tuple[type, Number], Decimal] = {}


class OrderError(ValueError):
    """An order was asked for in a way no broker could accept."""


def to_decimal(value: Number, what: str) -> Decimal:
    """Exact decimal of a strategy-supplied positive number; floats go through their shortest repr."""
    key = (type(value), value)
    cached = _DECIMALS.get(key)
    if cached is not None:
        return cached
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise OrderError(f"{what} must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise OrderError(f"{what} must be finite, got {value!r}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number <= 0:
        raise OrderError(f"{what} must be positive, got {value!r}")
    if len(_DECIMALS) > 4096:
        _DECIMALS.clear()
    _DECIMALS[key] = number
    return number


def to_price(value: Number | None, what: str) -> Decimal | None:
    """The price exactly as asked; the venue puts it on the instrument's step (app/marvin/instruments.py)."""
    return None if value is None else to_decimal(value, what)


def sent_time_in_force(time_in_force: str, qty: Decimal | None, fractional_shares: bool) -> str:
    """The time in force an order goes with: Alpaca takes a fractional share order only as a DAY order
    ("fractional orders must be DAY orders"), so a GTC stock order that may come out fractional (a fraction
    asked, or sized by value or percent in a run that trades fractional shares) goes as DAY. Greta and Veda
    apply this one rule, so the backtest's order is the one sent; crypto (`fractional_shares` False) takes GTC."""
    if time_in_force == "gtc" and fractional_shares and (qty is None or qty != qty.to_integral_value()):
        return "day"
    return time_in_force


def bracket_refusal(qty: Decimal) -> str | None:
    """Alpaca's refusal of a bracket order for a fraction of a share, in its words (a bracket trades whole
    shares: one sized by value or percent is sized so), or None. Greta and Veda give the same text."""
    if qty == qty.to_integral_value():
        return None
    return f"fractional orders cannot be bracket orders (qty {qty}): a bracket trades whole shares"


def checked_sizes(size: Number | None, value: Number | None, percent: Number | None,
                  time_in_force: str) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(qty, notional, percent) as Decimals, exactly one of them set; raises OrderError for a size or
    time in force no broker could accept (every order, plain market ones on the fast path too)."""
    if (size is not None) + (value is not None) + (percent is not None) != 1:
        raise OrderError("give exactly one of size (shares), value (currency) or percent (of equity); "
                         f"got size={size!r}, value={value!r}, percent={percent!r}")
    if time_in_force not in TIME_IN_FORCE:
        raise OrderError(f"time_in_force must be one of {TIME_IN_FORCE}, got {time_in_force!r}")
    if size is not None:
        return to_decimal(size, "size"), None, None
    if value is not None:
        notional = to_decimal(value, "value").quantize(CENT)
        if not notional:
            raise OrderError(f"value rounds to zero cents: {value!r}")
        return None, notional, None
    share = to_decimal(percent, "percent")  # type: ignore[arg-type]
    if share > HUNDRED:
        raise OrderError(f"percent is of equity, at most 100; got {percent!r}")
    return None, None, share


def build_request(seq: int, bar_ts: int, side: str, symbol: str, size: Number | None, value: Number | None,
                  percent: Number | None, limit: Number | None, stop: Number | None, time_in_force: str,
                  take_profit: Number | None, stop_loss: Number | None) -> OrderRequest:
    qty, notional, share = checked_sizes(size, value, percent, time_in_force)
    if limit is None and stop is None and take_profit is None and stop_loss is None:  # plain market order
        return OrderRequest(seq, symbol, side, "market", qty, notional, share, None, None, time_in_force, None, None,
                            False, bar_ts)
    limit_price, stop_price = to_price(limit, "limit"), to_price(stop, "stop")
    tp, sl = to_price(take_profit, "take_profit"), to_price(stop_loss, "stop_loss")
    if tp is not None and sl is not None and (tp <= sl if side == "buy" else tp >= sl):
        relation = "above" if side == "buy" else "below"
        raise OrderError(f"a {side} bracket needs its take_profit {relation} its stop_loss (got {tp} and {sl})")
    kind = _KINDS[limit_price is not None, stop_price is not None]
    refused = exits_refusal(kind, tp, sl)
    if refused:
        raise OrderError(refused)
    return OrderRequest(seq, symbol, side, kind, qty, notional, share, limit_price, stop_price, time_in_force, tp, sl,
                        False, bar_ts)


def exits_refusal(kind: str, take_profit: Decimal | None, stop_loss: Decimal | None) -> str | None:
    """Why Alpaca (and so the backtest) refuses an order's attached exits: a bracket (both exits) enters
    with a market or limit order only. Asked when the strategy places the order, in backtest and live
    alike (trial 39: a stop entry with both exits filled in the backtest; the exchange refuses it). (Both
    classes are day or gtc orders, the only ones a strategy places.)"""
    if take_profit is not None and stop_loss is not None and kind not in ("market", "limit"):
        entry = kind.replace("_", "-")
        return (f"a bracket (take_profit and stop_loss) enters with a market or limit order, not a {entry} order "
                "(Alpaca's rule): attach one exit only (an OTO order), or place the exits once the entry fills")
    return None


def close_request(seq: int, bar_ts: int, symbol: str, position: Decimal) -> OrderRequest:
    """A market order for the whole position, reduce-only so it can never flip the position."""
    side = "sell" if position > 0 else "buy"
    return OrderRequest(seq, symbol, side, "market", abs(position), None, None, None, None, "gtc", None, None, True,
                        bar_ts)


def close_in_flight(working: Sequence[OpenOrder], position: Decimal) -> OpenOrder | None:
    """The market order already closing the whole `position` (signed), when it is the symbol's only working
    order: a close() asked again is that one. Live, a close fills in parts over bars; an exit rule that stayed
    true called close() on every bar, and each cancelled the close still filling and sent another, so one round
    trip was five orders and five trades where the backtest made one (trial 42). Greta fills a market order
    at the next bar, so it meets one only when close() is called twice on one bar."""
    live = [order for order in working if order.status != "held"]
    if len(live) != 1:
        return None
    order = live[0]
    closing = order.type == "market" and (order.side == "sell") == (position > 0) and order.qty is not None
    return order if closing and order.qty - order.filled_qty == abs(position) else None  # type: ignore[operator]


def shorting_disabled(qty: Decimal | None, held: Decimal) -> str:
    """Why a sale is refused when the run does not allow shorts: the one text Greta and Veda give, so a
    backtest and its live run say the same ("shorting is disabled: selling 5 with 0 shares held …")."""
    selling = "selling" if not qty else f"selling {qty.normalize():f}"
    return f"shorting is disabled: {selling} with {max(held, Decimal(0)).normalize():f} shares held " \
           "(the run's allow_short is off)"


def qty_unavailable(side: str, qty: Decimal, held: Decimal, promised: Decimal, allow_short: bool) -> str | None:
    """Why the broker refuses a sized order against the position ("insufficient qty available", Alpaca's words),
    or None: a sale of a long may sell only what the run's resting sells (limits and stops still working; a
    bracket's exits once) have not promised already, and with shorts allowed neither a sale of a long nor a
    buy of a short may cross through flat in one order. `held` is the position once the market orders decided
    before this one have filled (a backtest fills them in turn; live waits for a close before reversing).
    Greta and Veda both ask it when the order is placed, so a backtest refuses what its live run is refused
    (trial 27: a stop beside a take-profit limit filled in the backtest and was refused live)."""
    zero = Decimal(0)
    if side == "sell" and held > 0:
        available = held - promised
        if qty <= available or (not promised and not allow_short):
            return None  # (a plain oversell without shorts is the run's own rule: shorting_disabled says it)
        why = (f"{promised.normalize():f} of the {held.normalize():f} held are promised to the run's open sell orders"
               if promised else "a sale may not cross from long to short in one order: close first, then sell")
        return (f"insufficient qty available for order (requested: {qty.normalize():f}, available: "
                f"{max(available, zero).normalize():f}): {why}")
    if side == "buy" and held < 0 and qty > -held:
        return (f"insufficient qty available for order (requested: {qty.normalize():f}, available: "
                f"{(-held).normalize():f}): a buy may not cross from short to long in one order: close first, then buy")
    return None
