"""The simulated broker's answers to a strategy asking about its own trading (app/marvin/account.py).

Built from the broker's integer state only when asked, so a strategy that never asks pays nothing;
events are kept only once the runner `listen()`s (the strategy has on_fill / on_order).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from app.greta.money import price_units, round_half_even, to_cash, to_price
from app.greta.orders import SimOrder
from app.marvin.account import Event, Fill, OrderInfo, Position, PositionDetail, Trade
from app.marvin.bars import ns_to_datetime

if TYPE_CHECKING:
    from app.greta.broker import SimBroker

ZERO = Decimal(0)


class AccountView:
    def __init__(self, broker: SimBroker):
        self.broker = broker
        self.views: list[Position | None] = [None] * len(broker.market.symbols)
        self.flat: list[Position | None] = [None] * len(broker.market.symbols)
        self.events: list[Event] | None = None
        self._closed: list[Trade] = []

    def position(self, k: int) -> Position:
        """The position as a Decimal-like object, rebuilt only after a fill changed it."""
        view = self.views[k]
        if view is None:
            broker = self.broker
            qty = broker.book.positions[k].qty
            if not qty:  # flat, as after every exit: one view per symbol, made once
                view = self.flat[k]
                if view is None:
                    view = self.flat[k] = Position(ZERO, broker.market.symbols[k], broker)
            else:  # (whole shares: the Decimal straight from the int, as units.decimal makes it)
                units = broker.units
                view = Position(qty if units.scale == 1 else units.decimal(qty), broker.market.symbols[k], broker)
            self.views[k] = view
        return view

    def detail(self, k: int) -> PositionDetail:
        broker = self.broker
        position = broker.book.positions[k]
        if not position.qty:
            return PositionDetail(ZERO, ZERO, self.mark(k))
        avg = round_half_even(position.basis, abs(position.qty))
        return PositionDetail(broker.units.decimal(position.qty), to_price(avg), self.mark(k))

    def mark(self, k: int) -> Decimal:
        """The symbol's latest close as of the strategy's current bar."""
        broker = self.broker
        row = broker.market.last_row(k, max(broker.cursor.index, 0))
        return to_price(price_units(broker.bars[k][3].item(row))) if row >= 0 else ZERO

    def order(self, order: SimOrder) -> OrderInfo:
        broker = self.broker
        filled = order.filled_step is not None
        return OrderInfo(order.id, order.symbol, order.side, order.type, order.status,
                         None if order.qty is None else broker.units.decimal(order.qty),
                         broker.units.decimal(order.filled_qty), to_price(order.fill_price) if filled else None,
                         order.limit_price, order.stop_price, order.reason, order.parent.id if order.parent else None)

    def time(self, step: int):  # noqa: ANN201 - datetime
        return ns_to_datetime(int(self.broker.market.timeline[step]))

    def open_trades(self) -> list[Trade]:
        broker, out = self.broker, []
        for k, position in sorted(broker.book.held.items()):
            mark = price_units(broker.bars[k][3].item(broker.market.last_row(k, max(broker.cursor.index, 0))))
            long = position.qty > 0
            for lot in position.lots:
                pnl_units = (mark - lot.price) * lot.qty * (1 if long else -1)
                size = broker.units.decimal(lot.qty)
                out.append(Trade(broker.market.symbols[k], "long" if long else "short", size, self.time(lot.step),
                                 to_price(lot.price), None, None,
                                 to_price(round_half_even(pnl_units, broker.units.scale))))
        return out

    def closed_trades(self) -> list[Trade]:
        """Converted once each (a strategy may read them every bar)."""
        broker, rows = self.broker, self.broker.book.trades
        for k, direction, qty, entry, entry_price, exit_, exit_price, pnl, *_ in rows[len(self._closed):]:
            self._closed.append(Trade(broker.market.symbols[k], direction, broker.units.decimal(qty), self.time(entry),
                                      to_price(entry_price), self.time(exit_), to_price(exit_price), to_cash(pnl)))
        return list(self._closed)

    # --- events --------------------------------------------------------------------------------
    def on_status(self, order: SimOrder) -> None:
        if self.events is not None:
            self.events.append(("order", self.order(order)))

    def on_fill(self, order: SimOrder, qty: int, price: int, fee: int, step: int) -> None:
        self.views[order.k] = None
        if self.events is not None:
            units = self.broker.units
            self.events.append(("fill", Fill(order.id, order.symbol, order.side, units.decimal(qty), to_price(price),
                                             to_cash(fee), self.time(step))))
            self.events.append(("order", self.order(order)))

    def take(self) -> list[Event]:
        events, self.events = self.events or [], [] if self.events is not None else None
        return events
