"""Run a backtest: the composition of Market, SimBroker, StrategyRunner and BacktestClock.

    config = BacktestConfig(strategy="sma_cross", params={"fast": 10, "slow": 20}, cash=Decimal("10000"),
                            fees="alpaca", slippage="5bp")
    result = run_backtest(config, [frame], progress=on_progress, cancel=should_stop)

The loop runs in chunks of bars handed out by the BacktestClock; between chunks (never per bar) it
reports progress and polls for cancellation. Chunks adapt to the strategy's speed so the callbacks
come a few times a second at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from app.clock.backtest import BacktestClock
from app.clock.timeframes import parse_timeframe
from app.greta.annualise import annualisation, year_instrument
from app.greta.broker import SimBroker
from app.greta.coverage import coverage_warnings
from app.greta.records import BacktestResult, collector_paused
from app.greta.results import build_result
from app.greta.specs import FeeSpec, SlippageSpec
from app.greta.strategy_failure import saved_state_failure, strategy_blamed
from app.greta.unfilled import unfilled_indicators
from app.marvin.bars import BarFrame
from app.marvin.instruments import Instrument, instruments_for
from app.marvin.market import Market
from app.marvin.params import ParamError
from app.marvin.registry import get_strategy
from app.marvin.runner import StrategyRunner
from app.marvin.saved_state import as_saved
from app.marvin.strategy import Strategy

Progress = Callable[[int, int], None]  # (bars done, bars in total)
CancelCheck = Callable[[], bool]
Data = Market | BarFrame | Sequence[BarFrame] | Mapping[str, BarFrame]

_CALLBACK_SECONDS = 0.25


class BacktestCancelled(Exception):
    """The cancel check returned True; `bars_done` bars had run."""

    def __init__(self, bars_done: int, total: int):
        self.bars_done, self.total = bars_done, total
        super().__init__(f"backtest cancelled after {bars_done} of {total} bars")


@dataclass(frozen=True)
class BacktestConfig:
    """Everything that defines a run, as primitives (it is stored with the result and in the runs table)."""

    strategy: str  # registry name ("sma_cross") or "package.module:Class"
    params: Mapping[str, Any] = field(default_factory=dict)
    cash: Decimal = Decimal("10000")
    fees: FeeSpec = FeeSpec()  # given as FeeSpec, text ("per_share:0.005") or its dict form
    slippage: SlippageSpec = SlippageSpec()  # given as SlippageSpec, text ("5bp") or its dict form
    fractional: bool = False
    allow_short: bool = False
    run_id: str = "backtest"  # prefix of every order's client_order_id
    asset_class: str | None = None  # us_equity | crypto | other, for symbols with no known instrument

    def __post_init__(self) -> None:  # held as the typed values, whichever form was given
        object.__setattr__(self, "fees", FeeSpec.parse(self.fees))
        object.__setattr__(self, "slippage", SlippageSpec.parse(self.slippage))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["params"], out["cash"] = dict(self.params), str(self.cash)
        out["fees"], out["slippage"] = self.fees.to_text(), self.slippage.to_text()
        return out


class Backtest:
    """One run. After `run()`, `broker` and `runner` stay available (the lookahead check reads them)."""

    def __init__(self, config: BacktestConfig, data: Data, *, strategy: type[Strategy] | None = None,
                 instruments: Mapping[str, Instrument] | None = None, warmup: int = 0, close_at_end: bool = False):
        self.warmup = warmup  # leading bars the indicators see and the strategy does not trade on
        self.close_at_end = close_at_end  # end flat: positions closed at the last close (SimBroker.close_all)
        self.strategy_cls = strategy or get_strategy(config.strategy)
        params = self.strategy_cls.validate_params(config.params)
        self.config = config
        self.market = Market.of(data)
        refusal = self.strategy_cls.symbols_refusal(self.market.symbols)
        if refusal is not None:  # (the API refuses it at creation; the command line and callers here)
            raise ParamError({"symbols": refusal})
        self.timeframe = parse_timeframe(self.market.timeframe)
        self.instruments = instruments_for(self.market.symbols, config.asset_class, instruments)
        self.broker = SimBroker(
            self.market, cash=Decimal(config.cash),
            fees=[config.fees.model(crypto=self.instruments[s].is_crypto) for s in self.market.symbols],
            slippage=config.slippage.model(), fractional=config.fractional,
            allow_short=config.allow_short, timeframe=self.timeframe,
            instruments=[self.instruments[s] for s in self.market.symbols],
        )
        self.runner = StrategyRunner(self.strategy_cls, self.broker, params)
        self.broker.cursor = self.runner  # orders are stamped with the runner's current step
        self.params = params

    def run(self, progress: Progress | None = None, cancel: CancelCheck | None = None,
            chunk: int | None = None) -> BacktestResult:
        """Run every bar and build the result. `chunk` fixes the bars between callbacks (default: adaptive)."""
        # The run allocates orders, fills and Decimals by the ten thousand; with the cyclic collector on,
        # each collection walks every object alive, million-element Lines included, and that made runs
        # 30-40 % slower. Nothing in the loop needs cycle collection; it is switched back on afterwards.
        with collector_paused():
            return self._run(progress, cancel, chunk)

    def _run(self, progress: Progress | None, cancel: CancelCheck | None, chunk: int | None) -> BacktestResult:
        if self.runner.strategy is not None:
            raise RuntimeError("a Backtest runs once; make a new one to run again")
        with strategy_blamed(self.strategy_cls, lambda: None):
            self.runner.start(self.market, venue=self.broker)
        clock = BacktestClock(self.market.timeline, self.timeframe)
        if self.warmup > 0:  # no order can exist yet, so the broker has nothing to do on these bars
            self.runner.fast_forward(self.warmup)
            clock.position = min(self.warmup, len(clock))
        size = chunk or 256  # small first chunk: a slow strategy still reports (and can stop) early
        last_report = started = time.perf_counter()
        while not clock.done:
            steps = clock.advance(size)
            with strategy_blamed(self.strategy_cls, self._bar_ns):  # where, and on which bar
                self.runner.run_range(steps.start, steps.stop)
            if cancel is None and progress is None:
                size = max(size, 1 << 20)  # nobody is listening: run in big chunks
                continue
            if cancel is not None and cancel():
                raise BacktestCancelled(clock.position, len(clock))
            now = time.perf_counter()
            if progress is not None and (now - last_report >= _CALLBACK_SECONDS or clock.done):
                progress(clock.position, len(clock))
                last_report = now
            if chunk is None:  # aim each chunk at the callback period, at most ×4 per step
                rate = clock.position / max(now - started, 1e-9)
                size = int(min(max(rate * _CALLBACK_SECONDS, 16), size * 4, 1 << 20))
        if self.close_at_end and len(clock):
            self.broker.close_all(len(clock) - 1)
        if self.runner.saves_state:  # what a live run saves after every bar, tried once
            try:
                as_saved(self.runner.saved_state())
            except Exception as exc:
                raise saved_state_failure(exc, self.strategy_cls) from exc
        config = self.config.to_dict()
        config["strategy"] = self.config.strategy
        config["params"] = dict(self.params)
        # The run's inputs alone choose its year (not a stored instrument another run may have written).
        year = annualisation(self.market.timeline, self.timeframe,
                             year_instrument(self.market.symbols[0], self.config.asset_class))
        first = min(self.warmup, max(len(clock) - 1, 0))
        return build_result(config, self.broker, year, first=first,
                            warnings=unfilled_indicators(self.runner.indicator_values(), first)
                            + coverage_warnings(self.market, first))

    def _bar_ns(self) -> int | None:
        """The bar the strategy was on (its `next()` runs on a bar's close), if it had reached one."""
        index = self.runner.index
        return int(self.market.timeline[index]) if 0 <= index < len(self.market.timeline) else None


def run_backtest(config: BacktestConfig, data: Data, *, progress: Progress | None = None,
                 cancel: CancelCheck | None = None, chunk: int | None = None,
                 strategy: type[Strategy] | None = None,
                 instruments: Mapping[str, Instrument] | None = None, warmup: int = 0,
                 close_at_end: bool = False) -> BacktestResult:
    """Run one backtest. `progress(done, total)` is called a few times a second at most; `cancel()` is
    polled between chunks and raises BacktestCancelled when it returns True. The first `warmup` bars
    only give the indicators their history: `next()` is not called on them, and the result (equity
    curve, metrics, start) begins after them. `close_at_end` closes what is held at the last close."""
    backtest = Backtest(config, data, strategy=strategy, instruments=instruments, warmup=warmup,
                        close_at_end=close_at_end)
    # The collector stays off (as in Backtest.run) until the run's objects have gone by reference
    # counting: switched on before, its first collection walked the whole finished run - runner,
    # broker, Lines and orders - a tenth of a 39,000-bar sweep cell's time.
    with collector_paused():
        try:
            return backtest.run(progress=progress, cancel=cancel, chunk=chunk)
        finally:
            backtest.runner.release()  # nobody else holds this Backtest: its per-bar lists can go now
            backtest.broker.release()  # and nothing is left in a reference cycle
            del backtest
