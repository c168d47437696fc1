"""The strategy sees its own trading: position prices and P&L, trades, orders, fill and order callbacks.

Bars are hand-written so each figure can be worked out on paper: market orders fill at the next
bar's open, positions are marked at the current bar's close.
"""

from __future__ import annotations

from decimal import Decimal as D

from app.greta import BacktestConfig, run_backtest
from app.marvin import Strategy
from tests.unit.greta.helpers import daily

# open, high, low, close: opens 10, 12, 14, 11, 9, 8; closes 11, 13, 12, 10, 8.5, 8
ROWS = [(10.0, 11.5, 9.5, 11.0), (12.0, 13.5, 11.5, 13.0), (14.0, 14.5, 11.5, 12.0), (11.0, 11.5, 9.5, 10.0),
        (9.0, 9.5, 8.0, 8.5), (8.0, 8.5, 7.5, 8.0), (8.0, 8.5, 7.5, 8.0)]


class Recorder(Strategy):
    """Buys 10, adds 10, sells 15 (partial exit), closes the 5 left and sells 10 short in one bar (a broker
    takes a reversal as two orders: a sale of a long may not cross through flat), then covers."""

    name = "recorder"
    plan = {0: [("buy", 10)], 1: [("buy", 10)], 2: [("sell", 15)], 3: [("close", 0), ("sell", 10)],
            4: [("buy", 10)]}

    def init(self) -> None:
        self.seen: list[tuple] = []
        self.log: list[str] = []

    def on_fill(self, fill) -> None:
        self.log.append(f"fill {fill.side} {fill.qty}@{fill.price}")

    def on_order(self, order) -> None:
        self.log.append(f"order {order.id} {order.status}")

    def next(self) -> None:
        p = self.position
        self.seen.append((self.index, p.qty, p.avg_price, p.market_value, p.unrealized_pnl, p.unrealized_pnl_pct,
                          len(self.trades), len(self.closed_trades)))
        self.log.append(f"next {self.index}")
        for side, size in self.plan.get(self.index, []):
            if side == "close":
                self.close()
            else:
                (self.buy if side == "buy" else self.sell)(size=size)


def _run(strategy: type[Strategy] = Recorder, **config):
    result = run_backtest(BacktestConfig("recorder", allow_short=True, **config), daily(ROWS), strategy=strategy)
    return result, result.ledger


def _recorded() -> Recorder:
    """The Recorder instance after a run, to read what it saw."""
    kept: list[Recorder] = []

    class Keep(Recorder):
        def init(self) -> None:
            super().init()
            kept.append(self)

    _run(Keep)
    return kept[0]


def test_avg_price_and_unrealized_pnl_after_adds_partial_exits_and_reversals():
    strategy = _recorded()
    seen = {row[0]: row[1:] for row in strategy.seen}
    assert seen[0] == (0, 0, 0, 0, 0, 0, 0)  # flat
    # bar 1: bought 10 at the open of 12, marked at the close of 13
    assert seen[1] == (10, D("12.00"), D("130.00"), D("10.00"), D("8.333333"), 1, 0)
    # bar 2: added 10 at 14 → avg (120 + 140) / 20 = 13, mark 12 → -20
    assert seen[2] == (20, D("13.00"), D("240.00"), D("-20.00"), D("-7.692308"), 2, 0)
    # bar 3: sold 15 at 11 (trades pair FIFO: the 10 at 12 and 5 of the 14s); the average cost a broker
    # reports is unchanged by an exit: 5 left at 13, mark 10 → -15
    assert seen[3] == (5, D("13.00"), D("50.00"), D("-15.00"), D("-23.076923"), 1, 2)
    # bar 4: closed the 5 at 9, then sold 10 short at 9; mark 8.5 → +5
    assert seen[4] == (-10, D("9.00"), D("-85.00"), D("5.00"), D("5.555556"), 1, 3)
    # bar 5: covered 10 at 8: flat again, four round trips
    assert seen[5] == (0, 0, 0, 0, 0, 0, 4)


def test_closed_trades_carry_entry_exit_times_prices_size_and_pnl():
    result, _ = _run()
    trades = [(t.direction, t.qty, t.entry_price, t.exit_price, t.pnl) for t in result.trades]
    assert trades == [("long", D(10), D("12.00"), D("11.00"), D("-10.00")),
                      ("long", D(5), D("14.00"), D("11.00"), D("-15.00")),
                      ("long", D(5), D("14.00"), D("9.00"), D("-25.00")),
                      ("short", D(10), D("9.00"), D("8.00"), D("10.00"))]


def test_fill_and_order_callbacks_come_before_the_next_bar_in_the_order_things_happened():
    strategy = _recorded()
    assert strategy.log[:10] == ["next 0", "fill buy 10@12.00", "order o-000001 filled", "next 1",
                                 "fill buy 10@14.00", "order o-000002 filled", "next 2",
                                 "fill sell 15@11.00", "order o-000003 filled", "next 3"]


class Refused(Strategy):
    name = "refused"

    def init(self) -> None:
        self.orders_seen: list = []

    def on_order(self, order) -> None:
        self.orders_seen.append((order.status, order.reject_reason))

    def next(self) -> None:
        if self.index == 0:
            self.order_ids = [self.buy(size=10_000), self.buy(size=0.5), self.buy(size=1, limit=0.00004)]
        if self.index == 1:
            self.states = [self.order(i) for i in self.order_ids]


def test_rejections_reach_the_callback_the_order_lookup_and_the_summary():
    result = run_backtest(BacktestConfig("refused", asset_class="us_equity"), daily(ROWS), strategy=Refused)
    strategy = result.ledger  # the result knows them too
    reasons = [o.reject_reason for o in result.orders]
    assert reasons[0].startswith("insufficient buying power")
    assert reasons[1] == "fractional shares are disabled for this run (qty 0.5)"
    assert reasons[2] == "price rounds to 0: limit on the price increment of AAA"
    assert result.rejections() == {"insufficient buying power": 1, "fractional shares are disabled for this run": 1,
                                   "price rounds to 0": 1}
    assert strategy is not None


def test_the_order_lookup_reports_status_fill_and_reason():
    holder = {}

    class Keep(Refused):
        def init(self) -> None:
            super().init()
            holder["s"] = self

    run_backtest(BacktestConfig("refused", asset_class="us_equity"), daily(ROWS), strategy=Keep)
    s = holder["s"]
    first, second, third = s.states
    assert (first.status, first.filled_qty, first.filled_avg_price) == ("rejected", 0, None)
    assert second.status == third.status == "rejected"
    # the two refused at submit come first, then the one the account could not pay for at the fill
    assert [reason.split(" (")[0].split(":")[0] for _, reason in s.orders_seen] == [
        "fractional shares are disabled for this run", "price rounds to 0", "insufficient buying power"]


class OldStyle(Strategy):
    """Written before positions had prices: compares, negates and sizes with self.position."""

    name = "old_style"

    def next(self) -> None:
        if self.index == 0 and self.position == 0 and not self.position:
            self.buy(size=10)
        elif self.index == 2 and self.position > 5 and self.position >= 10 and -self.position < 0:
            self.sell(size=self.position)
        elif self.index == 3:
            assert self.position + 1 == 1 and abs(self.position) == 0 and float(self.position) == 0.0


def test_old_strategies_comparing_position_with_numbers_still_work():
    result = run_backtest(BacktestConfig("old_style"), daily(ROWS), strategy=OldStyle)
    assert [(f.side, f.qty) for f in result.fills] == [("buy", D(10)), ("sell", D(10))]
