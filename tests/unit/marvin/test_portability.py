"""The same strategy class makes the same gateway calls in a batch backtest, stepped bar by bar as
the live worker does, against Greta's simulated broker and against a fake gateway."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.marvin import Strategy, StrategyRunner
from app.marvin.indicators import crossover, sma
from app.marvin.strategies import SmaCross
from tests.unit.marvin.fakes import RecordingGateway


class SignalEcho(Strategy):
    """Decides from bars only (never from fills), so its calls do not depend on the broker's answers.
    Uses every kind of order: market, limit with bracket, stop, stop-limit, value and percent sizing,
    and cancels with the ids the gateway returned."""

    name = "signal_echo"

    def init(self) -> None:
        close = self.data.close
        self.cross = self.I(crossover, self.I(sma, close, 3), self.I(sma, close, 7))
        self.pending: list[str] = []

    def next(self) -> None:
        close = self.data.close[-1]
        if self.cross[-1] > 0:
            self.pending.append(self.buy(size=3, limit=close * 0.99, take_profit=close * 1.05,
                                         stop_loss=close * 0.95))
        elif self.cross[-1] < 0:
            self.pending.append(self.sell(value=500, stop=close * 0.98, time_in_force="day"))
        if len(self.data.close) % 5 == 0:
            self.pending.append(self.buy(percent=10, stop=close * 1.01, limit=close * 1.02))
        if len(self.pending) > 3:
            self.cancel(self.pending.pop(0))


def history():
    return synthetic_bars("AAA", 120, seed=7)


def batch_calls(gateway: RecordingGateway) -> list:
    frame = history()
    runner = StrategyRunner(SignalEcho, gateway)
    runner.start(frame)
    runner.run_range(0, len(frame))
    return gateway.calls


def incremental_calls(gateway: RecordingGateway) -> list:
    frame = history()
    runner = StrategyRunner(SignalEcho, gateway)
    for end in range(1, len(frame) + 1):
        runner.on_bar(frame.head(end))  # what the live worker does on each newly closed bar
    return gateway.calls


def test_batch_and_incremental_runs_make_identical_gateway_calls():
    batch, incremental = batch_calls(RecordingGateway()), incremental_calls(RecordingGateway())
    assert len([c for c in batch if c[0] == "submit"]) > 10 and any(c[0] == "cancel" for c in batch)
    assert batch == incremental


def test_strategy_makes_the_same_calls_against_greta_and_a_fake_gateway():
    frame = history()
    backtest = Backtest(BacktestConfig("signal_echo", cash=Decimal("100000")), frame, strategy=SignalEcho)
    recorder = RecordingGateway(inner=backtest.broker)
    backtest.runner.gateway = recorder
    backtest.run()
    fake = incremental_calls(RecordingGateway())

    def normalised(calls: list, ids: dict[str, int]) -> list:
        # Greta names orders o-000001, the fake fake-1: compare cancels by the request they cancel.
        return [(name, ids[arg] if name == "cancel" else arg) for name, arg in calls]

    greta_ids = {order.id: order.request.seq for order in backtest.broker.orders if order.request is not None}
    fake_ids = {f"fake-{request.seq}": request.seq for name, request in fake if name == "submit"}
    assert normalised(recorder.calls, greta_ids) == normalised(fake, fake_ids)
    assert any(o.status == "filled" for o in backtest.broker.orders)  # Greta really traded


def test_sma_cross_backtest_and_live_style_stepping_on_greta_make_identical_calls():
    frame = synthetic_bars("AAA", 300, seed=3)
    config = BacktestConfig("sma_cross", {"fast": 5, "slow": 15}, cash=Decimal("10000"))

    batch = Backtest(config, frame)
    batch_recorder = RecordingGateway(inner=batch.broker)
    batch.runner.gateway = batch_recorder
    batch.run()

    # Live style: the broker sees each bar first, then the runner gets the history that ends with it.
    stepped = Backtest(config, frame)
    recorder = RecordingGateway(inner=stepped.broker)
    runner = StrategyRunner(SmaCross, recorder, {"fast": 5, "slow": 15})
    stepped.broker.cursor = runner
    for end in range(1, len(frame) + 1):
        if stepped.broker.pending:
            stepped.broker.on_bar(end - 1)
        runner.on_bar(frame.head(end))

    assert len(batch_recorder.submitted()) > 6
    assert batch_recorder.calls == recorder.calls
    assert [o.status for o in batch.broker.orders] == [o.status for o in stepped.broker.orders]
    assert np.array_equal(batch.runner.indicator_values()["sma_cross_signal"][1],
                          runner.indicator_values()["sma_cross_signal"][1])
