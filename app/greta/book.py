"""The account book: cash, positions as FIFO lots, closed round-trip trades. Integers (app/greta/money.py).

Each opening fill becomes a lot; a closing fill consumes lots first in, first out, and every lot
(or part of one) it consumes becomes one closed trade, the way backtesting.py and most brokers'
tax lots pair entries with exits. Values and fees are split across lots in cents, half-even, with
the remainder carried, so the trades' P&L always adds up to exactly the cash the fills moved.
"""

from __future__ import annotations

from collections import deque

from app.greta.money import round_half_even


class Lot:
    __slots__ = ("qty", "price", "value", "fee", "step", "order_id")

    def __init__(self, qty: int, price: int, value: int, fee: int, step: int, order_id: str):
        self.qty, self.price, self.value, self.fee, self.step, self.order_id = qty, price, value, fee, step, order_id


class Position:
    __slots__ = ("qty", "lots", "realized", "basis")

    def __init__(self) -> None:
        self.qty = 0  # signed units: negative when short
        self.lots: deque[Lot] = deque()
        self.realized = 0  # cents
        # Σ qty × price (units × price units) of what is held, at the average cost: adds raise it,
        # exits take it down pro rata, so basis / |qty| is the average entry price a broker reports.
        self.basis = 0

    @property
    def cost(self) -> int:
        """Signed cost basis in cents (negative for a short: the proceeds received)."""
        value = sum(lot.value for lot in self.lots)
        return value if self.qty >= 0 else -value


# (symbol index, direction, qty, entry step, entry price, exit step, exit price, pnl cents, fees cents,
#  entry value cents, entry order id, exit order id)
TradeRow = tuple[int, str, int, int, int, int, int, int, int, int, str, str]


class Book:
    def __init__(self, cash_cents: int, symbols: int):
        self.cash = cash_cents
        self.positions = [Position() for _ in range(symbols)]
        self.held: dict[int, Position] = {}  # symbol index → non-flat position (sizing looks only here)
        self.shorts = 0  # how many positions are short (zero: buying power is simply cash)
        self.trades: list[TradeRow] = []
        self.fees = 0
        self.cash_after: list[int] = []  # per fill: the equity curve is derived from these after the run

    def apply(self, k: int, sign: int, qty: int, price: int, value: int, fee: int, step: int, order_id: str) -> None:
        """Book one fill: `value` is qty × price in cents, `fee` in cents, sign +1 buy / -1 sell."""
        cash = self.cash - value - fee if sign > 0 else self.cash + value - fee
        self.cash = cash
        if fee:
            self.fees += fee
        position = self.positions[k]
        held = position.qty
        if not held:  # opening: the usual entry, one lot
            position.lots.append(Lot(qty, price, value, fee, step, order_id))
            position.qty = qty if sign > 0 else -qty
            position.basis = qty * price
            self.held[k] = position
            if sign < 0:
                self.shorts += 1
        elif (held > 0) == (sign > 0):  # adding
            position.lots.append(Lot(qty, price, value, fee, step, order_id))
            position.qty = held + qty if sign > 0 else held - qty
            position.basis += qty * price
        elif len(position.lots) == 1 and position.lots[0].qty == qty:  # the usual exit: one lot, closed whole
            lot = position.lots.popleft()  # (_reduce's arithmetic for this case, without its loop)
            long = held > 0
            fees = lot.fee + fee
            pnl = (value - lot.value if long else lot.value - value) - fees
            self.trades.append((k, "long" if long else "short", qty, lot.step, lot.price, step, price, pnl, fees,
                                lot.value, lot.order_id, order_id))
            position.realized += pnl
            position.qty = position.basis = 0
            del self.held[k]
            if not long:
                self.shorts -= 1
        else:
            self._reduce(position, k, sign, qty, price, value, fee, step, order_id)
            after = abs(position.qty)
            if (position.qty > 0) != (held > 0) or not after:  # reversed or flat: what is held is new
                position.basis = after * price
            else:
                position.basis = round_half_even(position.basis * after, abs(held))
            if position.qty:
                self.held[k] = position
            else:
                self.held.pop(k, None)
            self.shorts += (position.qty < 0) - (held < 0)
        self.cash_after.append(cash)

    def _reduce(self, position: Position, k: int, sign: int, qty: int, price: int, value: int, fee: int,
                step: int, order_id: str) -> None:
        """Close lots FIFO (one trade each); any quantity left over opens a lot the other way."""
        left, left_value, left_fee = qty, value, fee
        long = position.qty > 0
        while left and position.lots:
            lot = position.lots[0]
            if lot.qty <= left:  # the whole lot closes (the usual case: one lot, one exit)
                take, entry_value, entry_fee = lot.qty, lot.value, lot.fee
                position.lots.popleft()
            else:
                take = left
                entry_value = round_half_even(lot.value * take, lot.qty)
                entry_fee = round_half_even(lot.fee * take, lot.qty)
                lot.qty, lot.value, lot.fee = lot.qty - take, lot.value - entry_value, lot.fee - entry_fee
            if take == left:
                exit_value, exit_fee = left_value, left_fee
            else:
                exit_value = round_half_even(left_value * take, left)
                exit_fee = round_half_even(left_fee * take, left)
            fees = entry_fee + exit_fee
            pnl = (exit_value - entry_value if long else entry_value - exit_value) - fees
            self.trades.append((k, "long" if long else "short", take, lot.step, lot.price, step, price, pnl, fees,
                                entry_value, lot.order_id, order_id))
            position.realized += pnl
            position.qty += take if sign > 0 else -take
            left, left_value, left_fee = left - take, left_value - exit_value, left_fee - exit_fee
        if left:
            position.lots.append(Lot(left, price, left_value, left_fee, step, order_id))
            position.qty += left if sign > 0 else -left
