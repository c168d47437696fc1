"""How many shares an order gets at its fill price, and whether the account can take the fill.

- `size` orders are taken as asked, or rejected (never silently resized).
- `value`/`percent` orders are sized at the fill price (percent of equity marked at that moment),
  in whole shares unless the run allows fractional ones, and sized *down* to what buying power (and
  the position, when shorting is off) allows: an all-in buy on a gap up buys fewer shares, it is not
  rejected. Only a size of zero is rejected.
- Buying power, without margin: cash minus twice the value of short positions (equivalently equity
  minus gross exposure). Reducing a position is always allowed and frees its value first; only the
  opening part of a fill, plus the fee, must fit. Short sales need the run's allow_short and whole
  shares (Alpaca has no fractional shorts).
Sizes are floored to the symbol's quantity step (whole shares, or the crypto asset's increment).
All arithmetic is in integers (app/greta/money.py): "vq" units of 1/(10**12 × QS) dollar.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from app.greta.money import PRICE_SCALE, ceil_div, price_units, to_cash, to_price
from app.greta.orders import SimOrder
from app.marvin.orders import shorting_disabled

if TYPE_CHECKING:
    from app.greta.broker import SimBroker


class Sizer:
    def __init__(self, broker: SimBroker):
        self.broker = broker
        self.vq_per_cent = PRICE_SCALE // 100 * broker.units.scale
        self._ratios: dict[Decimal, tuple[int, int]] = {}

    def size(self, order: SimOrder, price: int, step: int) -> tuple[int, str]:
        """(units, "") or (0, reason) for a value/percent order filling at `price`."""
        broker, book = self.broker, self.broker.book
        held = book.positions[order.k].qty  # (bracket legs always carry a qty: never sized here)
        if order.notional is not None:
            target = int(order.notional.scaleb(2)) * self.vq_per_cent
        else:
            ratio = self._ratios.get(order.percent)  # type: ignore[arg-type]
            if ratio is None:  # strategies reuse a few percentages: work each fraction out once
                ratio = self._ratios[order.percent] = order.percent.as_integer_ratio()  # type: ignore
            equity = self.equity(step, order.k, price) if book.held else book.cash * self.vq_per_cent
            target = equity * ratio[0] // (ratio[1] * 100)
        qty = max(target, 0) // price
        qty_step = broker.whole_steps[order.k] if order.legs else broker.qty_steps[order.k]
        if qty_step != 1:
            qty -= qty % qty_step
        if broker._free and order.sign > 0 and held >= 0 and not book.shorts:
            # No fees, no shorts, buying: buying power is cash, and qty × price <= cash needs no
            # further check (cash is whole cents; rounding the value to cents cannot pass it).
            affordable = book.cash * self.vq_per_cent // price
            qty = min(qty, affordable - affordable % qty_step)
        else:
            qty = self._fit(order, qty, price, held, step, qty_step)
        if qty <= 0:
            if order.sign < 0 and not broker.allow_short and held <= 0:  # not a matter of size: say what it is
                return 0, shorting_disabled(None, broker.units.decimal(held))
            what = f"value {order.notional}" if order.notional is not None else f"{order.percent}% of equity"
            bp = to_cash(self.buying_power(step, order.k, price) // self.vq_per_cent)
            return 0, f"sized to no shares: {what} buys none at {to_price(price)} (buying power {bp})"
        return qty, ""

    def refusal(self, order: SimOrder, qty: int, price: int, value: int, fee: int, step: int) -> str | None:
        """Why the account cannot take this fill of `qty` units (value and fee in cents), or None."""
        broker = self.broker
        held = broker.book.positions[order.k].qty
        opening = qty - self._reducing(order, qty, held)
        if not opening:
            return None
        units = broker.units
        if order.sign < 0 and not broker.allow_short:
            return shorting_disabled(units.decimal(qty), units.decimal(held))
        if order.sign < 0 and opening % broker.whole_steps[order.k]:
            return f"fractional short sales are not allowed (would open {units.decimal(opening)} short)"
        room = self._headroom(order, qty, price, value, fee, held, step)
        if room < 0:
            need = (value * opening // qty) + fee
            return (f"insufficient buying power: the fill needs {to_cash(need)}, "
                    f"available {to_cash(need + room // self.vq_per_cent)}")
        return None

    def equity(self, step: int, k: int, price: int) -> int:
        """Cash plus positions at this bar's marks (the fill price for the symbol traded), in vq units."""
        book = self.broker.book
        total = book.cash * self.vq_per_cent
        for j, position in book.held.items():
            total += position.qty * (price if j == k else self._mark(j, step))
        return total

    def buying_power(self, step: int, k: int, price: int) -> int:
        """Cash minus twice the short positions' value, in vq units."""
        book = self.broker.book
        power = book.cash * self.vq_per_cent
        if book.shorts:
            for j, position in book.held.items():
                if position.qty < 0:
                    power += 2 * position.qty * (price if j == k else self._mark(j, step))
        return power

    def _mark(self, j: int, step: int) -> int:
        """A symbol's price at this bar's open (its last close when it has no bar now)."""
        market, bars = self.broker.market, self.broker.bars[j]
        row = market.row_at(j, step)
        if row >= 0:
            return price_units(bars[0].item(row))
        return price_units(bars[3].item(market.last_row(j, step)))

    @staticmethod
    def _reducing(order: SimOrder, qty: int, held: int) -> int:
        return min(qty, abs(held)) if held and (held > 0) != (order.sign > 0) else 0

    def _headroom(self, order: SimOrder, qty: int, price: int, value: int, fee: int, held: int, step: int) -> int:
        """Buying power left after the fill, in vq units (negative: it does not fit)."""
        reducing = self._reducing(order, qty, held)
        freed = (value * reducing // qty) if reducing else 0  # cents of the reducing part
        return self.buying_power(step, order.k, price) - (value - 2 * freed + fee) * self.vq_per_cent

    def _fit(self, order: SimOrder, qty: int, price: int, held: int, step: int, qty_step: int) -> int:
        """The largest qty up to the asked one, in `qty_step`s, that the account can take (fees included) at
        bar `step` (its date prices dated fees; its marks the short positions' buying power)."""
        broker = self.broker
        if order.sign < 0 and not broker.allow_short:
            return min(qty, max(held, 0))
        scale = broker.whole_steps[order.k]
        if order.sign < 0:  # shorting allowed: the opening part in whole shares
            reducing = self._reducing(order, qty, held)
            qty = reducing + (qty - reducing) // scale * scale
        for _ in range(12):  # each pass removes the whole shortfall; one or two passes are typical
            if qty <= 0:
                return 0
            value = broker.units.value_cents(qty, price)
            room = self._headroom(order, qty, price, value, broker.fee_cents(order, qty, price, value, step), held,
                                  step)
            if room >= 0:
                return qty
            qty -= max(ceil_div(-room, price), 1)
            qty -= qty % qty_step
            if order.sign < 0:  # keep the short part whole
                reducing = self._reducing(order, qty, held)
                qty = reducing + (qty - reducing) // scale * scale
        return 0
