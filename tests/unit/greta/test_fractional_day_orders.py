"""Alpaca takes fractional share orders only as DAY orders ("fractional orders must be DAY orders"), so a
GTC stock order that may come out fractional goes as DAY, in the backtest as it is sent live: a backtest
that kept it GTC would trade what the broker refuses (trial 22 saw every order of a fractional paper run
rejected while its backtest filled them)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.marvin import Strategy
from app.marvin.orders import sent_time_in_force


class OneOfEach(Strategy):
    """On fixed bars: a buy by percent, its close, a whole-share buy, its close, a half share, its close,
    and a percent limit buy far below the market that never fills."""

    name = "one_of_each"

    def next(self) -> None:
        plan = {5: lambda: self.buy(percent=50), 8: self.close, 11: lambda: self.buy(size=2), 14: self.close,
                17: lambda: self.buy(size=0.5), 20: self.close,
                23: lambda: self.buy(percent=10, limit=float(self.data.close[-1]) / 2)}
        if self.index in plan:
            plan[self.index]()


def orders(fractional: bool, asset_class: str | None = None, symbol: str = "AAA") -> list[tuple[str, str, str]]:
    config = BacktestConfig("one_of_each", cash=Decimal("100000"), fractional=fractional, asset_class=asset_class)
    result = Backtest(config, synthetic_bars(symbol, 40, seed=3), strategy=OneOfEach).run()
    return [(str(o.qty if o.qty is not None else f"{o.percent}%"), o.time_in_force, o.status) for o in result.orders]


def test_a_fractional_run_sends_its_possibly_fractional_share_orders_as_day_orders():
    placed = orders(fractional=True)
    tifs = [tif for _, tif, _ in placed]
    assert tifs == ["day", "day", "gtc", "gtc", "day", "day", "day"], placed
    assert [status for *_, status in placed[:6]] == ["filled"] * 6, placed
    # The far limit is a DAY order: it expires at the end of the session after the bar it was placed on.
    assert placed[6][2] == "expired", placed


def test_a_whole_share_run_keeps_gtc_and_its_far_limit_stays_open_to_the_end():
    placed = orders(fractional=False)
    assert [tif for _, tif, _ in placed] == ["gtc"] * 6, placed
    assert placed[4][2] == "rejected"  # half a share in a whole-share run (so there is nothing to close)
    assert placed[5][2] == "new", placed


def test_crypto_takes_gtc_whatever_its_size():
    placed = orders(fractional=True, asset_class="crypto", symbol="BTC/USD")
    assert {tif for _, tif, _ in placed} == {"gtc"}, placed


@pytest.mark.parametrize(("asked", "tif", "fractional_shares", "sent"), [
    (None, "gtc", True, "day"),  # sized by value or percent when sent: may come out fractional
    (Decimal("0.5"), "gtc", True, "day"),
    (Decimal("3"), "gtc", True, "gtc"),
    (Decimal("-2.25"), "gtc", True, "day"),  # the close of a fractional short... or long, signed
    (None, "gtc", False, "gtc"),  # whole shares only, or crypto
    (None, "ioc", True, "ioc"),  # other times in force are the user's (the broker says what it refuses)
])
def test_the_rule(asked, tif, fractional_shares, sent):
    assert sent_time_in_force(tif, asked, fractional_shares) == sent


def test_a_bracket_trades_whole_shares_in_a_fractional_run_as_alpaca_takes_it():
    """Alpaca refuses a fractional bracket ("fractional orders cannot be bracket orders"): sized by percent, a
    bracket is sized in whole shares; asked for 2.5 shares, it is refused with Alpaca's words (trial 23 saw a
    fractional run's backtest fill 69 brackets of 502.159284925 shares that the broker refused every time)."""
    from tests.fixtures.strategies import PercentBracket

    config = BacktestConfig("percent_bracket", {"percent": 10.0, "fraction": 2.5}, cash=Decimal("100000"),
                            fractional=True)
    result = Backtest(config, synthetic_bars("AAA", 40, seed=3), strategy=PercentBracket).run()
    parents = [o for o in result.orders if o.parent_id is None]
    sized, fraction = parents
    assert sized.status == "filled" and sized.filled_qty == sized.filled_qty.to_integral_value() > 0
    assert sized.time_in_force == "gtc"  # whole shares: no DAY needed
    assert (fraction.status, fraction.reject_reason) == (
        "rejected", "fractional orders cannot be bracket orders (qty 2.5): a bracket trades whole shares")
