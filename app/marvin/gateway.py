"""The order-gateway port: everything a strategy may ask of a broker, and nothing about which broker.

Greta implements it with the simulated broker, Veda over alpaca-py; a strategy only ever sees this
Protocol, so the same class runs in a backtest and live. Requests are frozen dataclasses of
primitives and Decimals so they can be logged, compared, queued and replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.marvin.account import Event, OrderInfo, PositionDetail, Trade

SIDES = ("buy", "sell")
ORDER_TYPES = ("market", "limit", "stop", "stop_limit")
TIME_IN_FORCE = ("day", "gtc")


def order_class_of(take_profit: object, stop_loss: object) -> str:
    """Alpaca's order class for an order with these exits: both a bracket, one an OTO, none simple (one rule for
    the requests Veda sends and the records Greta writes)."""
    return ("simple", "oto", "bracket")[(take_profit is not None) + (stop_loss is not None)]


@dataclass(frozen=True, init=False)
class OrderRequest:
    """What the strategy asked for. Exactly one of qty / notional / percent is set.

    `seq` increases by one per request within a run, and `bar_ts` (epoch ns) is the bar on whose
    close the strategy decided: together with the run id they make a deterministic client_order_id,
    so a replayed live tick re-submits the same ids and the broker refuses the duplicates.
    """

    seq: int
    symbol: str
    side: str  # "buy" | "sell"
    type: str = "market"  # market | limit | stop | stop_limit
    qty: Decimal | None = None  # shares
    notional: Decimal | None = None  # currency, sized into shares at the fill price
    percent: Decimal | None = None  # of equity, sized at the fill price
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: str = "gtc"  # "day" | "gtc"
    take_profit: Decimal | None = None  # bracket exit: limit price of the profit-taking leg
    stop_loss: Decimal | None = None  # bracket exit: stop price of the protective leg
    close_position: bool = False  # reduce only: never more than the position held at fill time
    bar_ts: int = 0

    def __init__(self, seq: int, symbol: str, side: str, type: str = "market", qty: Decimal | None = None,
                 notional: Decimal | None = None, percent: Decimal | None = None, limit_price: Decimal | None = None,
                 stop_price: Decimal | None = None, time_in_force: str = "gtc", take_profit: Decimal | None = None,
                 stop_loss: Decimal | None = None, close_position: bool = False, bar_ts: int = 0):
        # Written out instead of the generated frozen __init__ (one object.__setattr__ call per field):
        # strategies create requests inside the backtest's hot loop, and this is four times cheaper.
        # Instances stay frozen: assignment still raises FrozenInstanceError.
        d = self.__dict__
        d["seq"], d["symbol"], d["side"], d["type"] = seq, symbol, side, type
        d["qty"], d["notional"], d["percent"] = qty, notional, percent
        d["limit_price"], d["stop_price"], d["time_in_force"] = limit_price, stop_price, time_in_force
        d["take_profit"], d["stop_loss"] = take_profit, stop_loss
        d["close_position"], d["bar_ts"] = close_position, bar_ts

    def with_prices(self, **prices: Decimal) -> OrderRequest:
        """A copy with some of limit_price / stop_price / take_profit / stop_loss replaced (put on a step)."""
        fields = {**self.__dict__, **prices}
        return OrderRequest(**fields)

    @property
    def order_class(self) -> str:
        """Alpaca's class for the request: both exits make a bracket, one exit an OTO (one-triggers-other:
        the exit goes live once the entry fills), none a simple order (trial 39: a stop-loss alone was
        backtested, and live it was sent as a bracket, which Alpaca requires both exits for)."""
        return order_class_of(self.take_profit, self.stop_loss)


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """An order still working at the broker (new, or held until its bracket parent fills)."""

    id: str
    symbol: str
    side: str
    type: str
    status: str
    qty: Decimal | None
    notional: Decimal | None
    percent: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    time_in_force: str
    seq: int | None = None  # the strategy's request; None for bracket legs the broker created
    parent_id: str | None = None
    filled_qty: Decimal = Decimal(0)  # a live order filling in parts (Greta fills whole)


class OrderGateway(Protocol):
    """The broker as a strategy sees it. Quantities and money are Decimal; ids are strings."""

    def submit(self, request: OrderRequest) -> str:
        """Place an order; returns its id. Business refusals (buying power, shorting) do not raise:
        the order is recorded as rejected with a reason."""
        ...

    def cancel(self, order_id: str) -> None:
        """Cancel a working order (and the legs of a bracket parent); a no-op for finished orders."""
        ...

    def position(self, symbol: str) -> Decimal:
        """Signed shares held (negative when short), 0 when flat."""
        ...

    def cash(self) -> Decimal: ...

    def equity(self) -> Decimal:
        """Cash plus positions marked at the latest close."""
        ...

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]: ...

    def position_detail(self, symbol: str) -> PositionDetail:
        """Quantity, average entry price of what is held, and the mark it is valued at."""
        ...

    def order(self, order_id: str) -> OrderInfo:
        """The order's latest state (status, filled quantity, average fill price, reject reason)."""
        ...

    def trades(self, closed: bool) -> list[Trade]:
        """Closed round trips (closed=True) or the open lots, oldest first."""
        ...

    def listen(self) -> None:
        """From now on, keep the fills and order status changes for `take_events`."""
        ...

    def take_events(self) -> list[Event]:
        """Fills and order status changes (filled, partially filled, canceled, expired, rejected)
        since the last call, in the order they happened."""
        ...


class MarketOrderVenue(Protocol):
    """Optional, for a venue in the strategy's own process (Greta's simulated broker): a plain market
    order placed without building an OrderRequest, which costs as much as the rest of a backtest's
    order path. The runner uses it when the gateway has it; the order, its checks and its outcome
    are those of `submit(OrderRequest(seq, symbol, side, "market", asked, notional, percent, ...))`."""

    def submit_market(self, seq: int, bar_ts: int, side: str, symbol: str, asked: Decimal | None,
                      notional: Decimal | None, percent: Decimal | None, time_in_force: str,
                      close_position: bool) -> str: ...

    def close_market(self, seq: int, bar_ts: int, symbol: str) -> str | None:
        """`close()` while no order is working: the reduce-only market order for the whole position
        that `submit_market(..., close_position=True)` would place (None when flat, nothing placed);
        NotImplemented, placing nothing, when orders are working (the runner cancels exits first)."""
        ...


def client_order_id(run_id: str, request: OrderRequest, leg: str = "") -> str:
    """Deterministic broker id (Alpaca allows 128 characters): run id, bar time (epoch s), seq, leg."""
    suffix = f"-{leg}" if leg else ""
    value = f"{run_id}-{request.bar_ts // 1_000_000_000}-{request.seq}{suffix}"
    if len(value) > 128:  # truncating could make two orders collide; refuse instead
        raise ValueError(f"client_order_id longer than 128 characters: {value!r}")
    return value
