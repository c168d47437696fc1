"""StrategyRunner: drives one strategy instance over bars, in a backtest or live, the same way.

Two ways in:
- batch (Greta): `start(market, venue)` then `run_range(start, stop)` over the BacktestClock's
  chunks. Indicators are computed once over the whole series; the hot loop appends one value per
  bar to each Line the strategy can still reach and calls `next()` (a strategy with
  `next_only_when` gets a sparse loop that calls it only on its signal's bars).
- incremental (live): `on_bar(history)` with a history one bar longer each call. Indicators are
  recomputed from the specs recorded in `init()` (init runs only once), the Lines are refilled, and
  `next()` runs for the newest bar only.

Both make the same gateway calls for the same bars: tests/unit/marvin/test_portability.py.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from app.marvin.bars import COLUMNS, BarFrame, ns_to_datetime
from app.marvin.gateway import OrderGateway
from app.marvin.lines import (
    PANES,
    ColumnRef,
    Feed,
    IndicatorSpec,
    Line,
    OutputRef,
    PlottedLine,
    Ref,
    StrategyError,
    compute,
    spec_name,
)
from app.marvin.market import Market
from app.marvin.orders import OrderError, build_request, checked_sizes, close_in_flight, close_request
from app.marvin.stepper import compile_sparse_stepper, compile_stepper
from app.marvin.strategy import Strategy

History = Market | BarFrame | Sequence[BarFrame] | Mapping[str, BarFrame]


class BarListener(Protocol):
    """A venue that must see each bar before the strategy does: Greta's simulated broker fills the
    orders placed on the previous bar. `pending` is read every bar, so it is a plain attribute."""

    pending: bool

    def on_bar(self, index: int) -> None: ...


def mostly_zero_list(values: np.ndarray) -> list[float]:
    """`values.tolist()`, every +0.0 in it the same float object. A `next_only_when` signal is zero on
    most bars, and making one float per bar, then freeing them, cost a 15,000-bar walk-forward cell
    6 % of its time; the list reads the same values (-0.0 and NaN kept as they are)."""
    out = [0.0] * len(values)
    keep = np.flatnonzero((values != 0.0) | np.signbit(values) | np.isnan(values))
    for index, value in zip(keep.tolist(), values[keep].tolist(), strict=True):
        out[index] = value
    return out


class StrategyRunner:
    """One strategy instance, its Lines and indicator specs, and the order verbs' path to the gateway."""

    def __init__(self, strategy: type[Strategy], gateway: OrderGateway, params: Mapping[str, Any] | None = None,
                 *, first_seq: int = 1):
        self.strategy_cls = strategy
        self.params = strategy.validate_params(params or {})
        self.gateway = gateway  # (a property: also picks the gateway's market-order fast path, if it has one)
        self.index = -1  # current step of the timeline; read by the strategy and the venue
        self.dirty = False  # a Line was added mid-run: the batch stepper must be rebuilt
        self.next_seq = first_seq
        self.market: Market | None = None
        self.strategy: Strategy | None = None
        self.venue: BarListener | None = None
        self._feeds: dict[str, Feed] = {}
        self._specs: list[IndicatorSpec] = []
        self._values: list[list[np.ndarray]] = []  # each spec's outputs over the current market
        self._lines: list[Line] = []  # Lines the strategy can still reach
        self._initialising = False
        self._stepper: Callable[[int, int], int] | None = None
        self._primary = ""
        self._next: Callable[[], None] = lambda: None  # the strategy's next(), with its callbacks first
        self.listening = False  # the strategy has on_fill/on_order: the gateway keeps events for it
        self._wake: Ref | None = None  # next_only_when: next() runs only where this line is non-zero

    # --- batch ------------------------------------------------------------------------------
    def start(self, data: History, venue: BarListener | None = None) -> Strategy:
        """Create the strategy and run its init() over the whole series; no bar is seen yet."""
        self.market = Market.of(data)
        self.venue = venue
        return self._create()

    def run_range(self, start: int, stop: int) -> None:
        """Step bars [start, stop): venue first, then the Lines grow, then next()."""
        while start < stop:
            if self._stepper is None:
                self._stepper = self._compile()
            start = self._stepper(start, stop)
            if self.dirty:
                self.dirty = False
                self._stepper = None

    def fast_forward(self, count: int) -> None:
        """Warm-up: the Lines hold the first `count` bars (indicators see their history) but next()
        never ran on them, so nothing is ordered; `run_range(count, ...)` carries on from there."""
        assert self.market is not None and self.strategy is not None
        count = min(max(count, 0), len(self.market))
        if count == 0:
            return
        self.index = count - 1
        for line in self._lines:
            line[:] = self._array(line.ref)[: self._upto(line.symbol)].tolist()

    def release(self) -> None:
        """After a batch run nobody reads the strategy of again: drop it, its Lines and the compiled
        loop now. They reference each other (strategy ↔ runner ↔ loop), so otherwise their per-bar
        lists (tens of MB over a million bars) would wait for a full garbage collection."""
        self._stepper, self._next, self.strategy = None, lambda: None, None
        self._lines, self._feeds = [], {}

    # --- incremental ------------------------------------------------------------------------
    def on_bar(self, history: History) -> None:
        """Live: the history now ends with a newly closed bar; run next() for that bar only."""
        market = Market.of(history)
        if self.market is not None and len(self.market) and market.timeline[-1] <= self.market.timeline[-1]:
            raise StrategyError("on_bar needs a history ending with a bar newer than the last one seen")
        self.market = market
        if self.strategy is None:
            self._create()
        else:
            self._values = []  # filled in order: a spec may read the outputs of earlier specs
            for spec in self._specs:
                self._values.append(self._compute(spec))
        self.index = len(market) - 1
        for line in self._lines:
            line[:] = self._array(line.ref)[: self._upto(line.symbol)].tolist()
        assert self.strategy is not None
        if self._wakes_now():
            self._next()

    def resume(self, history: History, state: dict[str, Any]) -> Strategy:
        """Live, after a restart: create the strategy over the history, run init(), then hand it the
        state its `on_save()` returned on the history's last bar (next() does not run on that bar)."""
        self.market = Market.of(history)
        strategy = self._create()
        self.index = len(self.market) - 1
        for line in self._lines:
            line[:] = self._array(line.ref)[: self._upto(line.symbol)].tolist()
        strategy.on_load(state)
        return strategy

    def use_gateway(self, gateway: OrderGateway) -> None:
        """Carry on with another gateway (a replayed strategy goes live)."""
        self.gateway = gateway
        if self.strategy is not None:
            self.strategy._gateway = gateway

    @property
    def gateway(self) -> OrderGateway:
        return self._gateway

    @gateway.setter
    def gateway(self, gateway: OrderGateway) -> None:
        self._gateway = gateway
        # gateway.MarketOrderVenue (Greta's broker): plain market orders skip the OrderRequest
        self._submit_market = getattr(gateway, "submit_market", None)
        self._close_market = getattr(gateway, "close_market", None)

    @property
    def saves_state(self) -> bool:
        return self.strategy_cls.on_save is not Strategy.on_save

    def saved_state(self) -> dict[str, Any] | None:
        """What the strategy's optional `on_save()` returns now; None when it defines none."""
        return self.strategy.on_save() if self.saves_state and self.strategy is not None else None

    # --- what the strategy sees -------------------------------------------------------------
    @property
    def time(self) -> datetime:
        assert self.market is not None
        return ns_to_datetime(int(self.market.timeline[max(self.index, 0)]))

    def indicator_values(self) -> dict[str, tuple[str, np.ndarray]]:
        """Every declared indicator output over the current market: name → (symbol, values)."""
        out: dict[str, tuple[str, np.ndarray]] = {}
        for spec, values in zip(self._specs, self._values, strict=True):
            for position, array in enumerate(values):
                out[spec.name if spec.outputs == 1 else f"{spec.name}[{position}]"] = (spec.symbol, array)
        return out

    def plotted(self) -> list[PlottedLine]:
        """The outputs of the indicators declared with `plot=`, in declaration order, over the current market."""
        out: list[PlottedLine] = []
        for spec, values in zip(self._specs, self._values, strict=True):
            if spec.plot is None:
                continue
            for position, array in enumerate(values):
                label = spec.labels[position] if spec.labels else (str(position) if spec.outputs > 1 else "")
                out.append(PlottedLine(f"{spec.name} {label}" if label else spec.name, spec.plot, spec.symbol, array))
        return out

    # --- internals used by Strategy and Feed --------------------------------------------------
    def _create(self) -> Strategy:
        assert self.market is not None
        strategy = self.strategy_cls(self.params)
        self._primary = self.market.symbols[0]
        self._feeds = {symbol: Feed(self, symbol) for symbol in self.market.symbols}
        strategy._attach(self, self.gateway, self._feeds)
        self.strategy = strategy
        self._initialising = True
        try:
            strategy.init()
        finally:
            self._initialising = False
        self._wake = self._wake_ref(strategy)
        self._drop_unreachable_lines()
        kind = type(strategy)
        if kind.on_fill is not Strategy.on_fill or kind.on_order is not Strategy.on_order:
            self.gateway.listen()
            self.listening = True
            self._next = self._next_with_events
        else:
            self._next = strategy.next
        return strategy

    def _next_with_events(self) -> None:
        """Tell the strategy what happened to its orders since its last bar, then let it decide."""
        strategy = self.strategy
        assert strategy is not None
        for kind, payload in self.gateway.take_events():
            if kind == "fill":
                strategy.on_fill(payload)
            else:
                strategy.on_order(payload)
        strategy.next()

    def _drop_unreachable_lines(self) -> None:
        """Forget Lines only init() used (e.g. the close an SMA was computed from): appending to
        them would cost every bar for nothing. Weak references tell which ones the strategy kept."""
        refs = [weakref.ref(line) for line in self._lines]
        self._lines = []
        for feed in self._feeds.values():
            for column in COLUMNS:
                feed.__dict__.pop(column, None)
        for ref in refs:
            line = ref()
            if line is not None:
                self._lines.append(line)
                if isinstance(line.ref, ColumnRef):
                    self._feeds[line.symbol].__dict__[line.ref.column] = line

    def _declare(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 name: str | None, plot: str | None = None, labels: tuple[str, ...] = ()) -> Line | tuple[Line, ...]:
        if not self._initialising:
            raise StrategyError("declare indicators with self.I() in init(), not in next()")
        if plot is not None and plot not in PANES:
            raise StrategyError(f"plot={plot!r}: draw an indicator on one of {', '.join(PANES)} (or leave plot out)")
        symbols: list[str] = []
        ref_args = tuple(self._as_ref(a, symbols) for a in args)
        ref_kwargs = tuple((k, self._as_ref(v, symbols)) for k, v in kwargs.items())
        if not symbols:
            raise StrategyError("an indicator needs a data line (self.data.close) or another indicator as input")
        owner = symbols[0]
        self._check_same_bars(owner, symbols)
        label = spec_name(func, args, name)
        taken = {spec.name for spec in self._specs}
        unique, count = label, 2
        while unique in taken:
            unique, count = f"{label}#{count}", count + 1
        spec = IndicatorSpec(unique, func, ref_args, ref_kwargs, owner, plot=plot, labels=labels)
        values = self._compute(spec, check_outputs=False)
        if labels and len(labels) != len(values):
            raise StrategyError(f"indicator {unique!r} has {len(values)} outputs but {len(labels)} labels")
        spec = replace(spec, outputs=len(values))
        position = len(self._specs)
        self._specs.append(spec)
        self._values.append(values)
        upto = self._upto(owner)
        lines = tuple(
            Line(unique if len(values) == 1 else f"{unique}[{j}]", owner, OutputRef(position, j),
                 array[:upto].tolist())
            for j, array in enumerate(values)
        )
        self._lines.extend(lines)
        return lines[0] if len(lines) == 1 else lines

    def _as_ref(self, value: Any, symbols: list[str]) -> Any:
        if isinstance(value, Line):
            symbols.append(value.symbol)
            return value.ref
        if isinstance(value, np.ndarray):
            raise StrategyError(
                "pass Lines (self.data.close, other indicators) or constants to self.I(), not arrays: "
                "compute derived series inside the indicator function so it can be recomputed live"
            )
        return value

    def _check_same_bars(self, owner: str, symbols: list[str]) -> None:
        assert self.market is not None
        base = self.market.frames[self.market.index_of(owner)].ts
        for symbol in set(symbols) - {owner}:
            if not np.array_equal(self.market.frames[self.market.index_of(symbol)].ts, base):
                raise StrategyError(f"an indicator mixes {owner} and {symbol}, whose bars have different timestamps")

    def _compute(self, spec: IndicatorSpec, check_outputs: bool = True) -> list[np.ndarray]:
        assert self.market is not None
        length = len(self.market.frames[self.market.index_of(spec.symbol)])
        values = compute(spec, self._array, length)
        if check_outputs and spec.outputs != len(values):
            raise StrategyError(f"indicator {spec.name!r} changed its number of outputs")
        return values

    def _array(self, ref: Ref) -> np.ndarray:
        assert self.market is not None
        if isinstance(ref, ColumnRef):
            return self.market.frames[self.market.index_of(ref.symbol)].column(ref.column)
        return self._values[ref.indicator][ref.output]

    def _upto(self, symbol: str) -> int:
        """How many of the symbol's bars are visible at the current step."""
        assert self.market is not None
        if self.index < 0:
            return 0
        return self.market.last_row(self.market.index_of(symbol), self.index) + 1

    def _bars_seen(self, symbol: str) -> int:
        return self._upto(symbol)

    def _column_line(self, symbol: str, column: str) -> Line:
        assert self.market is not None
        self.market.index_of(symbol)  # a clear error for unknown symbols
        ref = ColumnRef(symbol, column)
        line = Line(f"{symbol}.{column}", symbol, ref, self._array(ref)[: self._upto(symbol)].tolist())
        self._lines.append(line)
        if not self._initialising:
            self.dirty = True
        return line

    def _compile(self) -> Callable[[int, int], int]:
        assert self.market is not None and self.strategy is not None
        market, sources = self.market, {}
        groups: dict[int, list[tuple[Callable[[Any], None], list[Any]]]] = {}
        for line in self._lines:
            if line.ref not in sources:
                array = self._array(line.ref)
                sources[line.ref] = mostly_zero_list(array) if line.ref == self._wake else array.tolist()
            groups.setdefault(market.index_of(line.symbol), []).append((line.append, sources[line.ref]))
        if self._wake is not None and market.aligned and not self.listening:
            values = self._array(self._wake)
            wake = np.flatnonzero((values != 0.0) & ~np.isnan(values)).tolist()
            return compile_sparse_stepper(self, self.venue, self._next, [s for g in groups.values() for s in g], wake)
        rows = None if market.aligned else {k: market.rows(k).tolist() for k in groups}
        return compile_stepper(self, self.venue, self._next, groups, rows)

    def _wake_ref(self, strategy: Strategy) -> Ref | None:
        """The line of `next_only_when`, if it holds: declared by the class whose next() runs."""
        kind = type(strategy)
        name = kind.next_only_when
        if name is None:
            return None
        owner = next(c for c in kind.__mro__ if "next_only_when" in vars(c))
        if vars(owner).get("next") is not kind.next:
            return None  # a subclass wrote its own next(): it may act on any bar
        line = getattr(strategy, name, None)
        if not isinstance(line, Line):
            raise StrategyError(f"next_only_when names {name!r}: set self.{name} to a Line (self.I(...)) in init()")
        return line.ref

    def _wakes_now(self) -> bool:
        """Live: whether next() runs on the newest bar (always, unless next_only_when says it has nothing to do)."""
        if self._wake is None or self.listening:
            return True
        assert self.market is not None
        symbol = self._wake.symbol if isinstance(self._wake, ColumnRef) else self._specs[self._wake.indicator].symbol
        seen = self._upto(symbol)
        value = float(self._array(self._wake)[seen - 1]) if seen else math.nan
        return value != 0.0 and not math.isnan(value)

    def _submit(self, side: str, symbol: str | None, size: Any, value: Any, percent: Any, limit: Any, stop: Any,
                time_in_force: str, take_profit: Any, stop_loss: Any) -> str:
        if self.index < 0 or self._initialising:
            raise OrderError("orders are placed from next(), once a bar has closed")
        if symbol is None:
            symbol = self._primary
        else:
            self.market.index_of(symbol)  # type: ignore[union-attr]  # a clear error for unknown symbols
        bar_ts = self.market.timeline.item(self.index)  # type: ignore[union-attr]
        if self._submit_market is not None and limit is None and stop is None and take_profit is None \
                and stop_loss is None:  # a plain market order: the venue's fast path, no OrderRequest
            qty, notional, share = checked_sizes(size, value, percent, time_in_force)
            seq = self.next_seq
            self.next_seq = seq + 1
            return self._submit_market(seq, bar_ts, side, symbol, qty, notional, share, time_in_force, False)
        request = build_request(self.next_seq, bar_ts, side, symbol, size, value, percent, limit, stop, time_in_force,
                                take_profit, stop_loss)
        self.next_seq += 1
        return self.gateway.submit(request)

    def _cancel_exits(self, symbol: str) -> None:
        """Closing a position retires the bracket exits that protected it (legs whose entry filled):
        left working, a later stop-loss would sell shares no longer held and open a short."""
        working = self._gateway.open_orders(symbol)
        if not working:
            return
        open_ids = {o.id for o in working}
        for order in working:
            if order.parent_id is not None and order.parent_id not in open_ids:
                self.gateway.cancel(order.id)

    def _close(self, symbol: str) -> str | None:
        if self.index < 0 or self._initialising:
            raise OrderError("orders are placed from next(), once a bar has closed")
        if self._close_market is not None:  # the venue's fast path: nothing working, so nothing to cancel
            seq = self.next_seq
            order_id = self._close_market(seq, self.market.timeline.item(self.index), symbol)  # type: ignore
            if order_id is not NotImplemented:
                if order_id is not None:
                    self.next_seq = seq + 1
                return order_id
        position = self._gateway.position(symbol)
        if not position:
            return None
        in_flight = close_in_flight(self._gateway.open_orders(symbol), position)
        if in_flight is not None:  # the close asked for is on its way (live: still filling)
            return in_flight.id
        self._cancel_exits(symbol)
        seq, bar_ts = self.next_seq, self.market.timeline.item(self.index)  # type: ignore[union-attr]
        self.next_seq = seq + 1
        if self._submit_market is not None:  # close_request's order, without the OrderRequest
            return self._submit_market(seq, bar_ts, "sell" if position > 0 else "buy", symbol, abs(position), None,
                                       None, "gtc", True)
        return self.gateway.submit(close_request(seq, bar_ts, symbol, position))
