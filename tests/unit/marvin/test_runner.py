"""The StrategyRunner: Lines grow bar by bar, never hold the future, and indicators are recomputed live."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.marvin import BarFrame, OrderError, Strategy, StrategyError, StrategyRunner
from app.marvin.indicators import crossover, sma
from tests.unit.marvin.fakes import RecordingGateway

NS_DAY = 86_400 * 10**9


def frame(closes, symbol="AAA", start=0, step=1):
    closes = np.asarray(closes, dtype=float)
    ts = (start + np.arange(len(closes)) * step) * NS_DAY
    return BarFrame(symbol, "1Day", ts, closes, closes + 1, closes * 0.5, closes, np.ones(len(closes)))


class Watcher(Strategy):
    name = "watcher"

    def init(self):
        self.avg = self.I(sma, self.data.close, 2)
        self.seen = []

    def next(self):
        self.seen.append((len(self.data.close), self.data.close[-1], self.avg[-1], self.index))


def run_batch(strategy, data, gateway=None):
    runner = StrategyRunner(strategy, gateway or RecordingGateway())
    runner.start(data)
    runner.run_range(0, len(runner.market))
    return runner


def test_lines_hold_only_the_bars_seen_so_far():
    runner = run_batch(Watcher, frame([10, 11, 12, 13]))
    seen = runner.strategy.seen
    assert [s[:2] for s in seen] == [(1, 10.0), (2, 11.0), (3, 12.0), (4, 13.0)]
    assert math.isnan(seen[0][2]) and [s[2] for s in seen[1:]] == [10.5, 11.5, 12.5]
    assert [s[3] for s in seen] == [0, 1, 2, 3]


def test_a_line_is_not_an_array_arithmetic_and_comparisons_fail_loudly():
    class Sloppy(Strategy):
        def init(self):
            self.close = self.data.close

        def next(self):
            return self.close * 2

    runner = StrategyRunner(Sloppy, RecordingGateway())
    runner.start(frame([1, 2]))
    with pytest.raises(TypeError, match="not an array"):
        runner.run_range(0, 2)
    with pytest.raises(TypeError, match="not an array"):
        runner.strategy.close > runner.strategy.close  # noqa: B015


def test_indicators_must_be_declared_in_init():
    class Late(Strategy):
        def next(self):
            self.I(sma, self.data.close, 2)

    runner = StrategyRunner(Late, RecordingGateway())
    runner.start(frame([1, 2]))
    with pytest.raises(StrategyError, match="in init"):
        runner.run_range(0, 1)


def test_indicators_take_lines_not_arrays():
    class Arrays(Strategy):
        def init(self):
            self.I(sma, np.array([1.0, 2.0]), 2)

    with pytest.raises(StrategyError, match="not arrays"):
        StrategyRunner(Arrays, RecordingGateway()).start(frame([1, 2]))


def test_an_indicator_must_return_one_value_per_bar():
    class Short(Strategy):
        def init(self):
            self.I(lambda c: c[:-1], self.data.close)

    with pytest.raises(StrategyError, match="one value per bar"):
        StrategyRunner(Short, RecordingGateway()).start(frame([1, 2, 3]))


def test_orders_cannot_be_placed_from_init():
    class Eager(Strategy):
        def init(self):
            self.buy(size=1)

    with pytest.raises(OrderError, match="from next"):
        StrategyRunner(Eager, RecordingGateway()).start(frame([1, 2]))


def test_lines_only_init_used_are_not_maintained_but_come_back_when_read():
    class Lazy(Strategy):
        def init(self):
            self.avg = self.I(sma, self.data.close, 2)  # close itself is not kept

        def next(self):
            if self.index == 2:
                self.late = self.data.close  # first read mid-run: caught up, then maintained

    runner = run_batch(Lazy, frame([1, 2, 3, 4, 5]))
    assert [line.name for line in runner._lines] == ["sma(2)", "AAA.close"]
    assert list(runner.strategy.late) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_multi_output_indicators_return_a_line_each():
    class Bands(Strategy):
        def init(self):
            self.up, self.mid = self.I(lambda c: (c + 1, c), self.data.close, name="band")

    runner = run_batch(Bands, frame([1, 2]))
    assert (list(runner.strategy.up), list(runner.strategy.mid)) == ([2.0, 3.0], [1.0, 2.0])
    assert set(runner.indicator_values()) == {"band[0]", "band[1]"}


def test_incremental_runner_recomputes_indicators_without_calling_init_again():
    calls = []

    class Counting(Watcher):
        def init(self):
            calls.append("init")
            super().init()

    data = frame([10, 11, 12, 13])
    runner = StrategyRunner(Counting, RecordingGateway())
    for end in range(1, 5):
        runner.on_bar(data.head(end))
    assert calls == ["init"]

    def comparable(seen):
        return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row) for row in seen]

    assert comparable(runner.strategy.seen) == comparable(run_batch(Watcher, data).strategy.seen)


def test_incremental_runner_with_a_warm_up_history_runs_next_for_the_newest_bar_only():
    data = frame([10, 11, 12, 13])
    runner = StrategyRunner(Watcher, RecordingGateway())
    runner.on_bar(data.head(3))
    runner.on_bar(data)
    assert [s[:3] for s in runner.strategy.seen] == [(3, 12.0, 11.5), (4, 13.0, 12.5)]
    with pytest.raises(StrategyError, match="newer"):
        runner.on_bar(data)


def test_symbols_without_a_bar_at_a_step_keep_their_last_value():
    class Pair(Strategy):
        def init(self):
            self.log = []

        def next(self):
            self.log.append((self.datas["AAA"].close[-1], len(self.datas["BBB"].close)))

    a = frame([1, 2, 3, 4], "AAA")
    b = frame([20, 40], "BBB", start=0, step=2)  # bars on days 0 and 2 only
    runner = run_batch(Pair, [a, b])
    assert runner.strategy.log == [(1.0, 1), (2.0, 1), (3.0, 2), (4.0, 2)]


def test_orders_carry_increasing_seq_and_the_bar_time():
    class Buyer(Strategy):
        def next(self):
            self.buy(size=1)

    gateway = RecordingGateway()
    run_batch(Buyer, frame([1, 2, 3]), gateway)
    requests = gateway.submitted()
    assert [r.seq for r in requests] == [1, 2, 3]
    assert [r.bar_ts for r in requests] == [0, NS_DAY, 2 * NS_DAY]


def test_order_verbs_refuse_ambiguous_sizes_and_inverted_brackets():
    class Wrong(Strategy):
        def next(self):
            self.buy(size=1, percent=10)

    with pytest.raises(OrderError, match="exactly one"):
        run_batch(Wrong, frame([1, 2]))

    class Inverted(Strategy):
        def next(self):
            self.buy(size=1, take_profit=90, stop_loss=95)

    with pytest.raises(OrderError, match="take_profit above"):
        run_batch(Inverted, frame([1, 2]))


def test_close_without_a_position_places_no_order():
    class Closer(Strategy):
        def next(self):
            self.result = self.close()

    gateway = RecordingGateway()
    runner = run_batch(Closer, frame([1, 2]), gateway)
    assert runner.strategy.result is None and gateway.submitted() == []


class CrossWatcher(Strategy):
    """Wakes only when the close crosses its 2-bar average."""

    name = "cross_watcher"
    next_only_when = "signal"

    def init(self):
        self.signal = self.I(crossover, self.data.close, self.I(sma, self.data.close, 2))
        self.seen = []

    def next(self):
        self.seen.append((self.index, self.signal[-1], len(self.data.close)))


def test_next_only_when_calls_next_on_signal_bars_only_in_batch_and_live_alike():
    data = frame([10, 12, 11, 9, 13, 14, 12, 10, 15])
    signal = crossover(data.close, sma(data.close, 2))
    expected = [(i, signal[i], i + 1) for i in range(len(data)) if signal[i] != 0]
    assert 2 < len(expected) < len(data)
    live = StrategyRunner(CrossWatcher, RecordingGateway())
    for end in range(1, len(data) + 1):
        live.on_bar(data.head(end))
    assert live.strategy.seen == expected
    assert run_batch(CrossWatcher, data).strategy.seen == expected


def test_next_only_when_holds_only_with_the_next_written_beside_it():
    class OwnNext(CrossWatcher):  # its own next() may act on any bar: called on every one
        def next(self):
            self.seen.append(self.index)

    class SameNext(CrossWatcher):  # only init changed: the declaration still holds
        def init(self):
            super().init()
            self.extra = True

    data = frame([10, 12, 11, 9, 13, 14, 12, 10, 15])
    assert run_batch(OwnNext, data).strategy.seen == list(range(len(data)))
    assert len(run_batch(SameNext, data).strategy.seen) < len(data)


def test_next_only_when_names_a_line_set_in_init():
    class NotALine(Strategy):
        next_only_when = "signal"

        def init(self):
            self.signal = [1.0, 0.0]

        def next(self):
            pass

    with pytest.raises(StrategyError, match="set self.signal to a Line"):
        run_batch(NotALine, frame([1, 2, 3]))
