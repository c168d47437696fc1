"""SimBroker: Greta's OrderGateway (what the strategy calls) and BarListener (what the loop calls).

It does work only when orders are working (`pending`), and keeps money in integers (cents, price
units; app/greta/money.py), answering the strategy in Decimal. Order lifecycle: new (or held, for
bracket legs) → filled | canceled | expired | rejected, each change stamped with the bar step it
happened on. Fill prices: app/greta/orders.py. Sizing and buying power: app/greta/sizing.py.
Time in force `day`: an order may fill until the end of the trading session of the first bar after
it was placed (for daily bars: that next bar only). Fills are always complete (no partial fills,
no volume limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from functools import cached_property
from typing import Protocol

import numpy as np

from app.clock.sessions import cut_before_close, session_dates, session_ends
from app.clock.timeframes import Timeframe
from app.greta.account_view import AccountView
from app.greta.book import Book
from app.greta.fees import RESTING_TYPES, FeeModel, NoFees
from app.greta.money import (
    E4,
    PRICE_SCALE,
    UNIQUE_UNITS,
    Quantities,
    cents_up,
    mark_e4,
    price_units,
    to_cash,
    to_price,
)
from app.greta.orders import SimOrder, match, match_exits
from app.greta.sizing import Sizer
from app.greta.slippage import NoSlippage, SlippageModel
from app.marvin.account import Event, OrderInfo, Position, PositionDetail, Trade
from app.marvin.gateway import OpenOrder, OrderRequest
from app.marvin.instruments import Instrument, price_refusal, quantity_refusal, round_order_price
from app.marvin.market import Market
from app.marvin.orders import bracket_refusal, qty_unavailable, sent_time_in_force


class Cursor(Protocol):
    index: int  # the bar step the strategy is deciding on


_PRICES = ("limit_price", "stop_price", "take_profit", "stop_loss")


class _Start:
    index = 0


# (order id, symbol index, side, qty units, price units, fee cents, step); the fill id is f-{position + 1:06d}
FillRow = tuple[str, int, str, int, int, int, int]


class SimBroker:
    """One run's simulated account and order book; `on_bar` is called before the strategy sees a bar."""

    def __init__(self, market: Market, *, cash: Decimal, fees: FeeModel | Sequence[FeeModel], slippage: SlippageModel,
                 fractional: bool, allow_short: bool, timeframe: Timeframe, cursor: Cursor | None = None,
                 instruments: Sequence[Instrument] | None = None):
        self.market = market
        self.instruments = tuple(instruments or (Instrument(s) for s in market.symbols))
        # Crypto trades fractions whatever the run says, so one crypto symbol makes the units fine.
        self.units = Quantities(fractional or any(i.is_crypto for i in self.instruments))
        # Per symbol: the quantity step in units (a whole share is `scale` units in a mixed run).
        self.qty_steps = [self.units.units(i.qty_step(fractional)) or 1 for i in self.instruments]
        # Short sales and brackets trade whole shares (Alpaca has no fractional shorts, and takes no fractional
        # bracket order); crypto in its own steps.
        self.whole_steps = [step if i.is_crypto else self.units.scale for step, i in zip(self.qty_steps,
                                                                                         self.instruments, strict=True)]
        # Per symbol: shares that trade in fractions, whose GTC orders go as DAY (orders.sent_time_in_force).
        self.fractional_shares = [not i.is_crypto and i.qty_step(fractional) < 1 for i in self.instruments]
        self.book = Book(int(cash.scaleb(2)), len(market.symbols))
        # Per symbol: the fee model its fills pay (one model for all, or one each: a pair pays crypto fees).
        self.fee_models = tuple(fees) if isinstance(fees, (list, tuple)) else (fees,) * len(market.symbols)
        self.slippage = slippage
        self.fractional, self.allow_short = fractional, allow_short
        self.timeframe = timeframe
        # Whatever knows the current step (the StrategyRunner): it stamps submits and cancels.
        self.cursor: Cursor = cursor if cursor is not None else _Start()
        self.pending = False
        self.orders: list[SimOrder] = []  # every order, in id order (id o-000001 is orders[0])
        self.fills: list[FillRow] = []
        self.bars = [(f.open, f.high, f.low, f.close) for f in market.frames]
        self.sizer = Sizer(self)
        self.account = AccountView(self)
        self._active: list[SimOrder] = []  # working orders not held (held legs hang off their parent)
        self._index = {symbol: k for k, symbol in enumerate(market.symbols)}
        self._rows = None if market.aligned else [market.rows(k) for k in range(len(market.symbols))]
        self._free = all(isinstance(m, NoFees) for m in self.fee_models)  # no fee call per fill when there are none
        self._value_unit = self.units.scale * PRICE_SCALE // 100  # qty units × price units per cent
        self._slips = not isinstance(slippage, NoSlippage)

    def release(self) -> None:
        """After a batch run nobody asks the broker again: drop the references that point back at it
        (the runner as its cursor, the sizer's, the account view's and its positions'), so the broker,
        its orders and its book go by reference counting once the result does, instead of waiting for
        the cyclic collector. A sweep worker keeps the collector off through a message's cells."""
        self.cursor = _Start()
        self.sizer = self.account = None  # type: ignore[assignment]

    @cached_property
    def trade_days(self) -> np.ndarray:
        """Each bar's trading date (days since 1970), for dated fees; worked out only if needed."""
        return session_dates(self.market.timeline, self.timeframe)

    @cached_property
    def session_ends(self) -> np.ndarray:
        """Each bar's last step of its trading date, for day orders; worked out only if needed. A window cut
        before its last session's close ends none of that session's day orders: they are still working."""
        ends = session_ends(self.trade_days)
        if len(ends) and cut_before_close(int(self.market.timeline[-1]), self.timeframe):
            ends[ends == len(ends) - 1] = len(ends)  # (a step no bar reaches)
        return ends

    # --- OrderGateway ----------------------------------------------------------------------
    def submit(self, request: OrderRequest) -> str:
        step = self.cursor.index
        k = self._index.get(request.symbol)
        if k is None:
            k = self.market.index_of(request.symbol)  # raises, naming the run's symbols
        qty = None if request.qty is None else self.units.units(request.qty)
        bracket = request.take_profit is not None or request.stop_loss is not None
        sent = sent_time_in_force(request.time_in_force, request.qty, self.fractional_shares[k] and not bracket)
        if sent != request.time_in_force:  # (a bracket is for whole shares)
            request = replace(request, time_in_force=sent)
        reason = None
        if request.qty is not None and (qty is None or not qty or qty % (self.whole_steps if bracket
                                                                          else self.qty_steps)[k]):
            reason = (bracket and self.fractional_shares[k] and bracket_refusal(request.qty)) or self._qty_refusal(
                request.symbol, request.qty, k)
        if reason is None and qty and not request.close_position:
            reason = self._position_refusal(k, request.side, qty)
        if bracket or request.type != "market":
            request = self._on_steps(request, self.instruments[k])
            reason = reason or price_refusal({name: getattr(request, name) for name in _PRICES}, request.symbol)
        order = SimOrder(f"o-{len(self.orders) + 1:06d}", request, k, step, qty)
        self.orders.append(order)
        if reason is not None:
            order.history.clear()
            order.set_status("rejected", step, reason)
            self.account.on_status(order)
            return order.id
        if request.close_position and self._active:
            self._clear_way(k, request.side, step)
        if request.time_in_force == "day":
            order.expires = self._day_end(step + 1)
        if bracket:
            self._attach_legs(order, request)
        self._active.append(order)
        self.pending = True
        return order.id

    def submit_market(self, seq: int, bar_ts: int, side: str, symbol: str, asked: Decimal | None,
                      notional: Decimal | None, percent: Decimal | None, time_in_force: str,
                      close_position: bool) -> str:
        """`submit` for a plain market order (no prices, no bracket), the runner's fast path: the same
        order, checks and outcome, without an OrderRequest (sizes already checked by the runner)."""
        step = self.cursor.index
        k = self._index.get(symbol)
        if k is None:
            k = self.market.index_of(symbol)  # raises, naming the run's symbols
        if self.fractional_shares[k]:
            time_in_force = sent_time_in_force(time_in_force, asked, True)
        orders = self.orders
        order_id = f"o-{len(orders) + 1:06d}"
        if asked is None:
            order = SimOrder.market(order_id, seq, bar_ts, symbol, k, side, None, None, notional, percent,
                                    time_in_force, close_position, step)
        else:
            qty = self.units.units(asked)
            order = SimOrder.market(order_id, seq, bar_ts, symbol, k, side, asked, qty, notional, percent,
                                    time_in_force, close_position, step)
            refusal = None
            if qty is None or not qty or qty % self.qty_steps[k]:
                refusal = self._qty_refusal(symbol, asked, k)
            elif not close_position and (self.book.positions[k].qty or self._active):
                refusal = self._position_refusal(k, side, qty)
            if refusal is not None:
                orders.append(order)
                order.history.clear()
                order.set_status("rejected", step, refusal)
                self.account.on_status(order)
                return order_id
        if close_position and self._active:
            self._clear_way(k, side, step)
        orders.append(order)
        if time_in_force == "day":
            order.expires = self._day_end(step + 1)
        self._active.append(order)
        self.pending = True
        return order_id

    def close_market(self, seq: int, bar_ts: int, symbol: str) -> str | None:
        """The runner's fast path for `close()` while no order is working (nothing to cancel first):
        a reduce-only market order for the whole position, as `submit_market` would place it; None
        when flat. Answers NotImplemented, placing nothing, when orders are working."""
        if self._active:
            return NotImplemented  # type: ignore[return-value]
        k = self._index.get(symbol)
        if k is None:
            k = self.market.index_of(symbol)  # raises, naming the run's symbols
        held = self.book.positions[k].qty
        if not held:
            return None
        qty = held if held > 0 else -held
        if qty % self.qty_steps[k]:
            return NotImplemented  # type: ignore[return-value]  # (never: positions move in whole steps)
        orders = self.orders
        order_id = f"o-{len(orders) + 1:06d}"
        asked = self.units.decimal(qty)
        time_in_force = sent_time_in_force("gtc", asked, True) if self.fractional_shares[k] else "gtc"
        step = self.cursor.index
        order = SimOrder.market(order_id, seq, bar_ts, symbol, k, "sell" if held > 0 else "buy",
                                asked, qty, None, None, time_in_force, True, step)
        orders.append(order)
        if time_in_force == "day":
            order.expires = self._day_end(step + 1)
        self._active.append(order)
        self.pending = True
        return order_id

    def _on_steps(self, request: OrderRequest, instrument: Instrument) -> OrderRequest:
        """The request with its prices on the instrument's steps (the order records the prices used)."""
        exit_side = "sell" if request.side == "buy" else "buy"
        own = {name: round_order_price(getattr(request, name), request.side, instrument)
               for name in ("limit_price", "stop_price") if getattr(request, name) is not None}
        legs = {name: round_order_price(getattr(request, name), exit_side, instrument)
                for name in ("take_profit", "stop_loss") if getattr(request, name) is not None}
        return request.with_prices(**own, **legs)

    def _clear_way(self, k: int, side: str, step: int) -> None:
        """A close cancels the symbol's resting orders on its own side placed on earlier bars, as Veda's close
        does before it is sent (app/veda/closing.py `in_the_way`): at the broker they promise the shares the
        close sells. Left working here, a take-profit limit filled after the close and opened a short."""
        for order in list(self._active):
            if order.k == k and order.is_open and order.type != "market" and order.side == side \
                    and order.submitted < step:
                self._close(order, "canceled", step)

    def _position_refusal(self, k: int, side: str, qty: int) -> str | None:
        """What the broker says of a sized order against the position (marvin.orders.qty_unavailable): the
        position once this bar's market orders have filled in turn, and what the symbol's resting sells
        already promise (a bracket's exits once: its stop-loss leg is not counted, as at the broker)."""
        held, promised = self.book.positions[k].qty, 0
        for order in self._active:
            if order.k != k or not order.is_open or order.qty is None:
                continue
            if order.type == "market":
                held += order.qty if order.sign > 0 else -order.qty
            elif order.sign < 0 and order.leg != "sl":
                promised += order.qty
        if (held <= 0) if side == "sell" else (held >= 0):
            return None
        units = self.units
        return qty_unavailable(side, units.decimal(qty), units.decimal(held), units.decimal(promised),
                               self.allow_short)

    def _qty_refusal(self, symbol: str, asked: Decimal, k: int) -> str:
        """Why a size is not a quantity of this asset: below, or off, its quantity step."""
        step = self.units.decimal(self.qty_steps[k])
        return quantity_refusal(symbol, asked, step) or f"qty {asked} has more than 9 decimals"

    def cancel(self, order_id: str) -> None:
        order = self._find(order_id)
        if order.is_open:
            self._close(order, "canceled", self.cursor.index)

    def position(self, symbol: str) -> Position:
        k = self._index.get(symbol)
        if k is None:
            k = self.market.index_of(symbol)
        view = self.account.views[k]  # the AccountView's cached answer, read without a call
        return view if view is not None else self.account.position(k)

    def position_detail(self, symbol: str) -> PositionDetail:
        return self.account.detail(self.market.index_of(symbol))

    def order(self, order_id: str) -> OrderInfo:
        return self.account.order(self._find(order_id))

    def trades(self, closed: bool) -> list[Trade]:
        return self.account.closed_trades() if closed else self.account.open_trades()

    def listen(self) -> None:
        if self.account.events is None:
            self.account.events = []

    def take_events(self) -> list[Event]:
        return self.account.take()

    def cash(self) -> Decimal:
        return to_cash(self.book.cash)

    def equity(self) -> Decimal:
        """Cash plus positions marked at their latest close as of the strategy's current bar ($0.0001)."""
        step, scale = self.cursor.index, self.units.scale
        total = self.book.cash * 100
        for k, position in self.book.held.items():
            total += mark_e4(position.qty, self.bars[k][3].item(self.market.last_row(k, step)), scale)
        return Decimal(total).scaleb(-4).quantize(E4)

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        if not self._active:  # nothing working (held legs hang off an active parent)
            return []
        working = [leg for o in self._active for leg in (o, *o.legs) if leg.is_open]
        return [
            OpenOrder(o.id, o.symbol, o.side, o.type, o.status, None if o.qty is None else self.units.decimal(o.qty),
                      o.notional, o.percent, o.limit_price, o.stop_price, o.time_in_force, o.seq,
                      o.parent.id if o.parent else None)
            for o in dict.fromkeys(working) if symbol is None or o.symbol == symbol
        ]

    # --- BarListener -----------------------------------------------------------------------
    def on_bar(self, step: int) -> None:
        """Match working orders against bar `step` (placed on an earlier bar), then expire day orders."""
        active, self._active = self._active, []
        rows = self._rows
        for order in active:
            if not order.is_open:
                continue  # canceled, or the other leg of a bracket filled earlier in this loop
            row = step if rows is None else int(rows[order.k][step])
            if row >= 0 and order.submitted < step:
                if order.type == "market":  # the common case, without the general matcher
                    self._fill(order, self.bars[order.k][0].item(row), True, step, row)
                else:
                    self._match(order, step, row)
                    order.rested = True  # (when it filled, the fee was read first): it met a bar unfilled
            if order.is_open:
                if order.expires is not None and step >= order.expires:
                    self._close(order, "expired", step)
                else:
                    self._active.append(order)
        self.pending = bool(self._active)

    def close_all(self, step: int) -> None:
        """End flat at bar `step`: cancel every working order, then close each position at that bar's
        close as a market order would fill (slippage and fees included), the way backtesting.py's
        `finalize_trades` does. A walk-forward's out-of-sample run ends so, so no fold leaks a position."""
        for order in list(self._active):
            if order.is_open:
                self._close(order, "canceled", step)
        seq = max((o.seq for o in self.orders if o.seq is not None), default=0)
        bar_ts = self.market.timeline.item(step)
        for k, position in sorted(self.book.held.items()):
            row = self.market.last_row(k, step)
            if not position.qty or row < 0:
                continue
            seq += 1
            qty = abs(position.qty)
            order = SimOrder.market(self._next_id(), seq, bar_ts, self.market.symbols[k], k,
                                    "sell" if position.qty > 0 else "buy", self.units.decimal(qty), qty, None, None,
                                    "gtc", True, step)
            self.orders.append(order)
            self._fill(order, self.bars[k][3].item(row), True, step, row)

    # --- internals --------------------------------------------------------------------------
    def _next_id(self) -> str:
        return f"o-{len(self.orders) + 1:06d}"

    def _find(self, order_id: str) -> SimOrder:
        try:
            order = self.orders[int(order_id[2:]) - 1] if order_id.startswith("o-") else None
        except (ValueError, IndexError):
            order = None
        if order is None or order.id != order_id:
            raise KeyError(f"unknown order id {order_id!r}")
        return order

    def _attach_legs(self, order: SimOrder, request: OrderRequest) -> None:
        legs = []
        for leg, price in (("tp", request.take_profit), ("sl", request.stop_loss)):
            if price is not None:
                legs.append(SimOrder.leg_of(order, self._next_id(), leg, price))
                self.orders.append(legs[-1])
        if len(legs) == 2:
            legs[0].oco, legs[1].oco = legs[1], legs[0]
        order.legs = tuple(legs)

    def _day_end(self, step: int) -> int | None:
        return int(self.session_ends[step]) if step < len(self.session_ends) else None

    def _close(self, order: SimOrder, status: str, step: int, reason: str | None = None) -> None:
        """Finish an order that did not fill; a parent takes its unfilled bracket legs with it."""
        order.set_status(status, step, reason)
        self.account.on_status(order)
        if order in self._active:
            self._active.remove(order)
        for leg in order.legs:
            if leg.is_open:
                self._close(leg, "canceled", step)
        self.pending = bool(self._active)

    def _match(self, order: SimOrder, step: int, row: int) -> None:
        bars = self.bars[order.k]
        o, h, lo = bars[0].item(row), bars[1].item(row), bars[2].item(row)
        sibling = order.oco
        if sibling is not None and sibling.is_open:
            take_profit, stop_loss = (order, sibling) if order.leg == "tp" else (sibling, order)
            exit_hit = match_exits(take_profit, stop_loss, o, h, lo)
            if exit_hit is not None:
                self._fill(exit_hit[0], exit_hit[1], exit_hit[2], step, row)
            return
        hit = match(order, o, h, lo)
        if hit is not None:
            self._fill(order, hit[0], hit[1], step, row)

    def fee_cents(self, order: SimOrder, qty: int, price: int, value: int, step: int) -> int:
        """The fee model's answer in whole cents (the models speak Decimal; only called when there are fees)."""
        if self._free:
            return 0
        maker = order.rested and order.type in RESTING_TYPES
        fee = self.fee_models[order.k].fee(order.side, self.units.decimal(qty), to_price(price), to_cash(value),
                                           int(self.trade_days[step]), maker)
        return int(cents_up(fee).scaleb(2))  # a custom model might return fractions of a cent

    def _fill(self, order: SimOrder, raw: float, market_like: bool, step: int, row: int) -> None:
        if order.limit is not None and not order.rested and raw != self.bars[order.k][0].item(row):
            order.rested = True  # a limit filled past its bar's open had met the open unfilled: it made liquidity
        slipped = raw
        if market_like and self._slips:
            bars = self.bars[order.k]
            slipped = self.slippage.adjust(order.sign, raw, bars[1].item(row), bars[2].item(row))
        price = round(slipped * 1e12)  # money.price_units, its usual case inlined: the float's only 12-place decimal
        if price >= UNIQUE_UNITS or price / 1e12 != slipped:
            price = price_units(slipped)  # exactly the price printed (or slipped to)
        if price <= 0:
            self._close(order, "rejected", step, f"fill price {slipped!r} is not positive (slippage)")
            return
        qty, k, book = order.qty, order.k, self.book
        if order.close_position:  # reduce-only: what is still held, never more
            held = book.positions[k].qty
            if not held or (held > 0) == (order.sign > 0):
                self._close(order, "rejected", step, "no position to close")
                return
            qty = min(qty, abs(held))  # type: ignore[type-var]
        elif qty is None:
            qty, reason = self.sizer.size(order, price, step)
            if not qty:
                self._close(order, "rejected", step, reason)
                return
        # qty × price settled to the cent, half up (money.Quantities.value_cents, inlined)
        unit = self._value_unit
        value, remainder = divmod(qty * price, unit)  # type: ignore[operator]
        if remainder * 2 >= unit:
            value += 1
        if self._free:
            fee = 0
        else:
            fee = self.fee_cents(order, qty, price, value, step)  # type: ignore[arg-type]
        if order.qty is not None and not order.close_position:  # sized orders were fitted already
            reason = self.sizer.refusal(order, qty, price, value, fee, step)  # type: ignore[arg-type]
            if reason is not None:
                self._close(order, "rejected", step, reason)
                return
        book.apply(k, order.sign, qty, price, value, fee, step, order.id)  # type: ignore[arg-type]
        self.fills.append((order.id, k, order.side, qty, price, fee, step))  # type: ignore[arg-type]
        order.filled_qty, order.fill_price, order.filled_step = qty, price, step
        order.status, order.is_open = "filled", False
        if order.changes is not None:  # (otherwise "filled" at filled_step is implied: SimOrder.changes)
            order.changes.append(("filled", step))
        account = self.account
        account.views[k] = None  # the position changed (AccountView.on_fill, inlined for the usual case)
        if account.events is not None:
            account.on_fill(order, qty, price, fee, step)  # type: ignore[arg-type]
        if order.oco is not None and order.oco.is_open:
            self._close(order.oco, "canceled", step)
        if order.legs:
            self._activate_legs(order, step, row, at_open=raw == self.bars[k][0].item(row))

    def _activate_legs(self, parent: SimOrder, step: int, row: int, at_open: bool) -> None:
        """Bracket legs go live once the entry filled. After a fill at the open the rest of that bar
        happened after the entry, so the legs are matched on it; after a fill inside the bar the
        order of events is unknown, so they wait for the next bar."""
        legs = [leg for leg in parent.legs if leg.is_open]  # a leg cancelled while held stays cancelled
        for leg in legs:
            leg.qty = parent.filled_qty
            leg.submitted = step  # on_bar matches them from the next bar on
            leg.set_status("new", step)
            if parent.time_in_force == "day":
                leg.expires = self._day_end(step)
        if at_open and legs:
            self._match(legs[0], step, row)
        for leg in legs:
            if leg.is_open:
                self._active.append(leg)
        self.pending = bool(self._active)
