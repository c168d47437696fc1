"""The Strategy base class: the only API a strategy author writes against.

A strategy declares parameters on the class, indicators in `init()`, and decides in `next()`, once
per bar, with the order verbs. It never learns whether it is backtesting or live: data comes from
the runner, orders go to an OrderGateway port, time is the bar's time.

    class SmaCross(Strategy):
        name = "sma_cross"
        fast = Int(10, min=2, description="fast SMA bars")
        slow = Int(20, min=3, description="slow SMA bars")

        def init(self):
            fast = self.I(sma, self.data.close, self.fast, name=f"SMA {self.fast}", plot="price")  # drawn on the chart
            slow = self.I(sma, self.data.close, self.slow, name=f"SMA {self.slow}", plot="price")
            self.signal = self.I(crossover, fast, slow)

        def next(self):
            if self.signal[-1] > 0 and not self.position:
                self.buy(percent=100)
            elif self.signal[-1] < 0 and self.position:
                self.close()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from app.marvin import params as P
from app.marvin.account import Fill, OrderInfo, Position, Trade
from app.marvin.gateway import OpenOrder, OrderGateway
from app.marvin.lines import Feed

if TYPE_CHECKING:
    from app.marvin.runner import StrategyRunner

Number = int | float | Decimal
_RESERVED = {"data", "datas", "symbols"}


class Strategy:
    name: ClassVar[str] = ""  # registry key, e.g. "sma_cross"
    description: ClassVar[str] = ""
    param_specs: ClassVar[dict[str, P.Param]] = {}
    # The name of a Line attribute set in init() (e.g. a crossover signal) on whose 0 (or NaN) bars
    # next() does nothing. next() may then be skipped on those bars: live trading skips them, and a
    # backtest whose symbols share every bar skips them in bulk (the broker still fills orders on
    # every bar); results are the same, only faster. It holds only with the next() written beside
    # it: a subclass that writes its own next() is called on every bar unless it says so again. Not
    # for strategies with on_fill or on_order, which hear about their orders at every bar.
    next_only_when: ClassVar[str | None] = None
    # True for a strategy that trades every symbol it is given (it reads `self.datas`/`self.symbols`). One that
    # reads `self.data` trades the first symbol only, so a run giving it several is refused (`symbols_refusal`)
    # rather than run on the first while the others are silently ignored.
    multi_symbol: ClassVar[bool] = False

    # Wired by the StrategyRunner before init().
    data: Feed
    datas: dict[str, Feed]
    symbols: tuple[str, ...]
    _runner: StrategyRunner
    _gateway: OrderGateway

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        specs: dict[str, P.Param] = {}
        for klass in reversed(cls.__mro__):
            for key, value in vars(klass).items():
                if isinstance(value, P.Param):
                    specs[key] = value
        clashes = [key for key in specs if hasattr(Strategy, key) or key in _RESERVED]
        if clashes:
            raise TypeError(f"{cls.__name__}: parameter names {clashes} clash with the Strategy API")
        cls.param_specs = specs

    def __init__(self, params: Mapping[str, Any] | None = None):
        # Parameters become plain instance attributes: reading self.fast in next() costs nothing.
        for key, value in self.validate_params(params or {}).items():
            setattr(self, key, value)

    @classmethod
    def symbols_refusal(cls, symbols: Sequence[str]) -> str | None:
        """Why these symbols cannot go to this strategy (several to a one-symbol strategy), or None."""
        if cls.multi_symbol or len(symbols) <= 1:
            return None
        ignored = ", ".join(symbols[1:])
        return (f"{cls.name or cls.__name__} trades one symbol, the first it is given, so {ignored} would be ignored: "
                "give one symbol (one run per symbol compares them); a strategy of your own that trades every "
                "symbol it is given says so by setting multi_symbol = True on its class")

    # --- parameters -------------------------------------------------------------------------
    @classmethod
    def param_schema(cls) -> dict[str, Any]:
        """JSON Schema of the parameters (the UI renders its form from this)."""
        return P.schema(cls.param_specs, cls.name or cls.__name__, cls.description)

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        """Typed values with defaults filled in, or ParamError mapping each bad field to a reason."""
        return P.validate(cls.param_specs, params, cls.check_params)

    @classmethod
    def parse_params(cls, texts: Mapping[str, str]) -> dict[str, Any]:
        """Validate `name=value` text (command line, query string) by each parameter's type."""
        return cls.validate_params(cls.parse_texts(texts))

    @classmethod
    def parse_texts(cls, texts: Mapping[str, str]) -> dict[str, Any]:
        """Only the parameters given, each read as its type: for overriding some of a run's values, whose
        others (not the defaults) the cross-field rules must then see."""
        unknown = {name: P.unknown_parameter(cls.param_specs) for name in texts if name not in cls.param_specs}
        if unknown:
            raise P.ParamError(unknown)
        return {name: cls.param_specs[name].parse(text) for name, text in texts.items()}

    @classmethod
    def check_params(cls, values: dict[str, Any]) -> dict[str, str]:
        """Cross-field rules (override): return {field: message} for each broken rule."""
        return {}

    # --- the two hooks ----------------------------------------------------------------------
    def init(self) -> None:
        """Declare indicators with self.I(); runs once, before the first bar."""

    def next(self) -> None:
        """Decide on the current bar (called once per bar, after it closed)."""

    def on_fill(self, fill: Fill) -> None:
        """Optional: one of the strategy's orders (partly) filled; called before the next `next()`."""

    def on_order(self, order: OrderInfo) -> None:
        """Optional: an order filled, partly filled, was canceled, expired or was rejected (read
        `order.reject_reason`); called before the next `next()`, after the fill's `on_fill`."""

    def on_save(self) -> dict[str, Any]:
        """Optional: state to keep across a live worker's restart, as JSON-able values; stored after
        every live bar. Without it, a restart rebuilds the strategy by replaying every bar."""
        raise NotImplementedError  # never called unless overridden (StrategyRunner.saves_state)

    def on_load(self, state: dict[str, Any]) -> None:
        """Optional: take back what `on_save()` returned; called after init(), instead of replaying
        the bars up to the one the state was saved on."""

    # --- indicators -------------------------------------------------------------------------
    def indicator(self, func: Callable[..., Any], *args: Any, name: str | None = None, plot: str | None = None,
                  labels: Sequence[str] | None = None, **kwargs: Any) -> Any:
        """Declare an indicator: `func` gets whole numpy arrays for each Line argument (data columns
        or other indicators) and returns an array, or a tuple of arrays, as long as its input.
        Returns a Line (or a tuple of Lines) that grows bar by bar.

        `plot` asks the run's chart to draw it: "price" over the candles, "separate" in a pane below
        (an oscillator such as RSI); `labels` name the outputs of a multi-output one ("upper", ...)."""
        return self._runner._declare(func, args, kwargs, name, plot, tuple(labels or ()))

    I = indicator  # noqa: E741 - backtesting.py's familiar spelling

    # --- orders -----------------------------------------------------------------------------
    def buy(self, symbol: str | None = None, *, size: Number | None = None, value: Number | None = None,
            percent: Number | None = None, limit: Number | None = None, stop: Number | None = None,
            time_in_force: str = "gtc", take_profit: Number | None = None,
            stop_loss: Number | None = None) -> str:
        """Buy `size` shares, or `value` in currency, or `percent` of equity (sized when it fills).
        `limit`/`stop` pick the order type; `take_profit`/`stop_loss` attach a bracket. Returns the order id."""
        return self._runner._submit("buy", symbol, size, value, percent, limit, stop, time_in_force,
                                    take_profit, stop_loss)

    def sell(self, symbol: str | None = None, *, size: Number | None = None, value: Number | None = None,
             percent: Number | None = None, limit: Number | None = None, stop: Number | None = None,
             time_in_force: str = "gtc", take_profit: Number | None = None,
             stop_loss: Number | None = None) -> str:
        """Sell (or sell short, when the run allows it); same arguments as buy()."""
        return self._runner._submit("sell", symbol, size, value, percent, limit, stop, time_in_force,
                                    take_profit, stop_loss)

    def close(self, symbol: str | None = None) -> str | None:
        """Flatten the position with a market order; None when there is nothing to close."""
        return self._runner._close(symbol or self.data.symbol)

    def cancel(self, order_id: str) -> None:
        self._gateway.cancel(order_id)

    def cancel_all(self, symbol: str | None = None) -> int:
        """Cancel every working order (of one symbol); returns how many were asked to cancel.
        Bracket legs still held go with their parent; legs already working are cancelled themselves."""
        orders = [o for o in self._gateway.open_orders(symbol) if o.status != "held"]
        for order in orders:
            self._gateway.cancel(order.id)
        return len(orders)

    # --- account ----------------------------------------------------------------------------
    @property
    def position(self) -> Position:
        """The primary symbol's position: signed shares (negative when short) that compare and count
        like a number, with `avg_price`, `market_value`, `unrealized_pnl`, `unrealized_pnl_pct`."""
        symbol = self.data.symbol  # position_of, inlined: strategies read this on every signal
        held = self._gateway.position(symbol)
        return held if type(held) is Position else Position(held, symbol, self._gateway)

    def position_of(self, symbol: str) -> Position:
        held = self._gateway.position(symbol)
        return held if type(held) is Position else Position(held, symbol, self._gateway)

    @property
    def trades(self) -> list[Trade]:
        """Open lots, oldest first (a trade per entry fill still held)."""
        return self._gateway.trades(closed=False)

    @property
    def closed_trades(self) -> list[Trade]:
        """Finished round trips, with entry and exit times and prices, size and P&L net of fees."""
        return self._gateway.trades(closed=True)

    def order(self, order_id: str) -> OrderInfo:
        """An order's status, filled quantity, average fill price and reject reason."""
        return self._gateway.order(order_id)

    @property
    def cash(self) -> Decimal:
        return self._gateway.cash()

    @property
    def equity(self) -> Decimal:
        return self._gateway.equity()

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        return self._gateway.open_orders(symbol)

    # --- time -------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        """Bars of the run's timeline so far, minus one: 0 on the first bar of the data the run holds. A paper
        or live run starts with 300 bars of history (its indicators' warm-up), so its first next() reads 299;
        count your own bars (or read `self.time`) to act on the nth bar the strategy trades."""
        return self._runner.index

    @property
    def time(self) -> datetime:
        """Timestamp (UTC, bar start) of the current bar."""
        return self._runner.time

    def _attach(self, runner: StrategyRunner, gateway: OrderGateway, feeds: dict[str, Feed]) -> None:
        self._runner = runner
        self._gateway = gateway
        self.datas = feeds
        self.data = next(iter(feeds.values()))
        self.symbols = tuple(feeds)

