"""close() asked again while the close is on its way is that close (app/marvin/orders.close_in_flight): live, a
close fills in parts over bars (trial 42: an exit rule that stayed true made five sell orders and five trades of
one round trip); in Greta, close() twice on one bar makes one order, not a second that finds nothing to sell."""

from __future__ import annotations

from decimal import Decimal

from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.marvin import Strategy
from app.marvin.gateway import OpenOrder
from app.marvin.orders import close_in_flight


def working(side: str, qty: str, filled: str = "0", kind: str = "market", status: str = "new") -> OpenOrder:
    return OpenOrder("o1", "AAPL", side, kind, status, Decimal(qty), None, None, None, None, "gtc",
                     filled_qty=Decimal(filled))


def test_the_close_still_filling_for_the_whole_holding_is_the_close():
    assert close_in_flight([working("sell", "525", "71")], Decimal(454)) is not None
    assert close_in_flight([working("buy", "10", "4")], Decimal(-6)) is not None  # a short's close


def test_anything_else_working_or_a_different_size_sends_a_new_close():
    assert close_in_flight([working("sell", "525", "71")], Decimal(500)) is None  # the holding changed since
    assert close_in_flight([working("buy", "525")], Decimal(454)) is None  # an order adding to it
    assert close_in_flight([working("sell", "454", kind="limit")], Decimal(454)) is None  # a limit may never fill
    assert close_in_flight([working("sell", "454"), working("sell", "1", kind="limit")], Decimal(454)) is None
    assert close_in_flight([], Decimal(454)) is None


class CloseTwice(Strategy):
    name = "close_twice"

    def next(self) -> None:
        if self.index == 1:
            self.buy(size=10)
        if self.index == 3:
            self.ids = (self.close(), self.close())


def test_close_twice_on_one_bar_in_a_backtest_is_one_order():
    result = Backtest(BacktestConfig("close_twice", {}), [synthetic_bars("AAA", 10, seed=1)], strategy=CloseTwice).run()
    assert [(o.side, o.status, o.filled_qty) for o in result.orders] == [("buy", "filled", 10), ("sell", "filled", 10)]
    assert not result.rejections()
