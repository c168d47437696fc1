"""Simulated orders and the rules for when, and at what price, a bar fills them.

An order placed on bar t's close is first matched against bar t+1. Per bar (open, high, low):
- market: the open.
- limit buy at L: the open if open <= L (a gap through the limit fills at the better open), else L
  if low <= L; sells mirror it. Limit fills get no slippage.
- stop buy at S: the open if open >= S (gapped), else S if high >= S; sells mirror it. A triggered
  stop is a market order, so slippage applies.
- stop-limit buy (S, L): triggers when the open or high reaches S. Triggered at the open, it is a
  limit at L for the rest of that bar. Triggered inside the bar, it fills at S on that bar only if
  L >= S (the price passed S, which the limit accepts); if L < S it waits for the next bar, because a
  bar does not tell whether its low came before or after the trigger. From then on it is a limit.
Bracket exits (take-profit limit + stop-loss stop, one cancels the other) are matched together by
`match_exits`: when both are reachable on one bar, an open already through the take-profit fills
it at the open; otherwise the stop-loss wins (conservative: the path inside the bar is unknown).
"""

from __future__ import annotations

from decimal import Decimal

from app.marvin.gateway import OrderRequest

OPEN_STATUSES = ("new", "held")


class SimOrder:
    """Mutable broker-side state of one order; turned into a frozen OrderRecord at the end.

    Slotted: a run keeps every order it placed, tens of thousands of them, and made in the hot
    loop; a slotted order is smaller than one with a dict and a third cheaper to make and keep.
    It holds what the strategy asked for as its own fields (seq, bar_ts, asked, notional, ...), so a
    plain market order from the runner (`market`) costs no OrderRequest; `request` rebuilds one.
    """

    __slots__ = ("id", "seq", "bar_ts", "asked", "notional", "percent", "take_profit", "stop_loss", "symbol", "k",
                 "side", "sign", "type", "qty", "limit", "stop", "limit_price", "stop_price", "parent", "legs", "leg",
                 "oco", "status", "is_open", "reason", "expires", "triggered", "filled_qty", "fill_price",
                 "filled_step", "time_in_force", "close_position", "submitted", "changes", "rested")

    seq: int | None  # the strategy's request number (None for bracket legs, which use their parent's)
    bar_ts: int  # epoch ns of the bar the strategy decided on
    asked: Decimal | None  # the quantity as asked, in shares (qty holds it in units)
    notional: Decimal | None
    percent: Decimal | None
    take_profit: Decimal | None  # bracket prices, on the instrument's steps
    stop_loss: Decimal | None
    limit: float | None  # matching works on floats; the Decimal prices are kept for records
    stop: float | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    parent: SimOrder | None
    legs: tuple[SimOrder, ...]
    leg: str  # "tp" | "sl" for bracket exits
    oco: SimOrder | None  # the other bracket exit: one cancels the other
    status: str
    is_open: bool
    reason: str | None
    expires: int | None  # last step a day order may fill on
    triggered: bool  # stop-limit: the stop was reached, it is a limit now
    filled_qty: int  # units
    fill_price: int  # price units
    filled_step: int | None
    # (status, step) per change, or None for an order that was only placed and maybe filled: most
    # orders, whose history is ("new", submitted) then ("filled", filled_step). Kept so, a run makes no
    # list and no tuples per order; `history` builds the list when a caller (or a status change) needs it.
    changes: list[tuple[str, int]] | None
    rested: bool  # met a price that did not fill it (a bar, or its open): its fill then makes liquidity (fees)

    def __init__(self, order_id: str, request: OrderRequest, k: int, step: int, qty: int | None):
        """An order as the strategy asked for it (bracket legs come from `leg_of`); `qty` in units."""
        self.id, self.seq, self.bar_ts, self.symbol, self.k = order_id, request.seq, request.bar_ts, request.symbol, k
        self.asked, self.notional, self.percent = request.qty, request.notional, request.percent
        self.take_profit, self.stop_loss = request.take_profit, request.stop_loss
        side = request.side
        self.side, self.sign, self.type, self.qty = side, 1 if side == "buy" else -1, request.type, qty
        if request.type == "market":
            self.limit = self.stop = self.limit_price = self.stop_price = None
        else:
            self.limit_price, self.stop_price = request.limit_price, request.stop_price
            self.limit = float(request.limit_price) if request.limit_price is not None else None
            self.stop = float(request.stop_price) if request.stop_price is not None else None
        self.parent = self.oco = self.reason = self.expires = self.filled_step = None
        self.legs, self.leg, self.status, self.is_open, self.triggered = (), "", "new", True, False
        self.filled_qty = self.fill_price = 0
        self.time_in_force, self.close_position = request.time_in_force, request.close_position
        self.submitted, self.changes, self.rested = step, None, False

    @classmethod
    def market(cls, order_id: str, seq: int, bar_ts: int, symbol: str, k: int, side: str, asked: Decimal | None,
               qty: int | None, notional: Decimal | None, percent: Decimal | None, time_in_force: str,
               close_position: bool, step: int) -> SimOrder:
        """A plain market order (no prices, no bracket), what the runner's fast path places."""
        order = cls.__new__(cls)
        order.id, order.seq, order.bar_ts, order.symbol, order.k = order_id, seq, bar_ts, symbol, k
        order.asked, order.notional, order.percent, order.qty = asked, notional, percent, qty
        order.side, order.sign, order.type = side, 1 if side == "buy" else -1, "market"
        order.take_profit = order.stop_loss = order.limit = order.stop = order.limit_price = order.stop_price = None
        order.parent = order.oco = order.reason = order.expires = order.filled_step = None
        order.legs, order.leg, order.status, order.is_open, order.triggered = (), "", "new", True, False
        order.filled_qty = order.fill_price = 0
        order.time_in_force, order.close_position = time_in_force, close_position
        order.submitted, order.changes, order.rested = step, None, False
        return order

    @classmethod
    def leg_of(cls, parent: SimOrder, order_id: str, leg: str, price: Decimal) -> SimOrder:
        """A bracket exit: the opposite side, held until the parent fills; "tp" is a limit, "sl" a stop."""
        order = cls.__new__(cls)
        order.id, order.seq, order.bar_ts = order_id, None, parent.bar_ts
        order.symbol, order.k = parent.symbol, parent.k
        order.asked = order.notional = order.percent = order.take_profit = order.stop_loss = None
        order.side, order.sign = ("sell", -1) if parent.sign > 0 else ("buy", 1)
        order.type, order.qty = ("limit" if leg == "tp" else "stop"), None
        order.limit_price, order.stop_price = (price, None) if leg == "tp" else (None, price)
        order.limit, order.stop = (float(price), None) if leg == "tp" else (None, float(price))
        order.time_in_force, order.close_position = parent.time_in_force, False
        order.parent, order.legs, order.leg, order.oco = parent, (), leg, None
        order.status, order.is_open, order.reason = "held", True, None
        order.submitted, order.expires, order.triggered = parent.submitted, None, False
        order.filled_qty, order.fill_price, order.filled_step = 0, 0, None
        order.changes, order.rested = [("held", parent.submitted)], False
        return order

    @property
    def request(self) -> OrderRequest | None:
        """What the strategy asked for (prices on the instrument's steps); None for a bracket leg."""
        if self.leg:
            return None
        return OrderRequest(self.seq, self.symbol, self.side, self.type, self.asked, self.notional,  # type: ignore
                            self.percent, self.limit_price, self.stop_price, self.time_in_force, self.take_profit,
                            self.stop_loss, self.close_position, self.bar_ts)

    @property
    def history(self) -> list[tuple[str, int]]:
        """(status, step) per change, oldest first (the list `changes` stands for, made on first use)."""
        changes = self.changes
        if changes is None:
            changes = self.changes = [("new", self.submitted)]
            if self.filled_step is not None:
                changes.append(("filled", self.filled_step))
        return changes

    def set_status(self, status: str, step: int, reason: str | None = None) -> None:
        self.status = status
        self.is_open = status in OPEN_STATUSES
        self.history.append((status, step))
        if reason:
            self.reason = reason


def match(order: SimOrder, o: float, h: float, lo: float) -> tuple[float, bool] | None:
    """(price, market-like) if the bar fills the order, else None. `market-like` means slippage applies."""
    kind, sign = order.type, order.sign
    if kind == "market":
        return o, True
    if kind == "limit":
        return _limit(sign, order.limit, o, h, lo)  # type: ignore[arg-type]
    if kind == "stop":
        stop: float = order.stop  # type: ignore[assignment]
        if (o >= stop) if sign > 0 else (o <= stop):
            return o, True
        if (h >= stop) if sign > 0 else (lo <= stop):
            return stop, True
        return None
    return _stop_limit(order, o, h, lo)


def _limit(sign: int, limit: float, o: float, h: float, lo: float) -> tuple[float, bool] | None:
    if (o <= limit) if sign > 0 else (o >= limit):
        return o, False
    if (lo <= limit) if sign > 0 else (h >= limit):
        return limit, False
    return None


def _stop_limit(order: SimOrder, o: float, h: float, lo: float) -> tuple[float, bool] | None:
    sign, stop, limit = order.sign, order.stop, order.limit
    assert stop is not None and limit is not None
    if order.triggered:
        return _limit(sign, limit, o, h, lo)
    if (o >= stop) if sign > 0 else (o <= stop):
        order.triggered = True
        return _limit(sign, limit, o, h, lo)
    if (h >= stop) if sign > 0 else (lo <= stop):
        order.triggered = True
        if (limit >= stop) if sign > 0 else (limit <= stop):
            return stop, False
    return None


def match_exits(take_profit: SimOrder, stop_loss: SimOrder, o: float, h: float,
                lo: float) -> tuple[SimOrder, float, bool] | None:
    """Which bracket leg this bar fills, at what price, market-like or not (rule in the module doc)."""
    sign = take_profit.sign  # both legs sell (exit a long) or both buy (exit a short)
    tp: float = take_profit.limit  # type: ignore[assignment]
    sl: float = stop_loss.stop  # type: ignore[assignment]
    if (o >= tp) if sign < 0 else (o <= tp):
        return take_profit, o, False
    if (o <= sl) if sign < 0 else (o >= sl):
        return stop_loss, o, True
    if (lo <= sl) if sign < 0 else (h >= sl):
        return stop_loss, sl, True
    if (h >= tp) if sign < 0 else (lo <= tp):
        return take_profit, tp, False
    return None
