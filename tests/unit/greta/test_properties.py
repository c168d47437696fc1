"""Accounting invariants for random bars and random order sequences (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.greta import BacktestResult
from app.greta.money import price_units
from tests.unit.greta.helpers import daily, run

D = Decimal
CENT = D("0.01")


@st.composite
def bar_rows(draw: st.DrawFn) -> list[tuple[float, float, float, float]]:
    count = draw(st.integers(min_value=3, max_value=25))
    price = draw(st.integers(min_value=500, max_value=20_000))  # cents
    rows = []
    for _ in range(count):
        open_ = max(1, price + draw(st.integers(min_value=-300, max_value=300)))
        close = max(1, open_ + draw(st.integers(min_value=-500, max_value=500)))
        high = max(open_, close) + draw(st.integers(min_value=0, max_value=200))
        low = max(1, min(open_, close) - draw(st.integers(min_value=0, max_value=200)))
        rows.append((open_ / 100, high / 100, low / 100, close / 100))
        price = close
    return rows


def _action(kind: str, amount: int, offset: float, tif: str):
    def act(s):
        close = s.data.close[-1]
        if kind == "buy_size":
            return s.buy(size=amount, time_in_force=tif)
        if kind == "sell_size":
            return s.sell(size=amount, time_in_force=tif)
        if kind == "buy_percent":
            return s.buy(percent=min(amount, 100), time_in_force=tif)
        if kind == "sell_percent":
            return s.sell(percent=min(amount, 100), time_in_force=tif)
        if kind == "buy_value":
            return s.buy(value=amount * 37, time_in_force=tif)
        if kind == "buy_limit":
            return s.buy(size=amount, limit=close * (1 - offset), time_in_force=tif)
        if kind == "sell_stop":
            return s.sell(size=amount, stop=close * (1 - offset), time_in_force=tif)
        if kind == "buy_stop_limit":
            return s.buy(size=amount, stop=close * (1 + offset), limit=close * (1 + offset / 2), time_in_force=tif)
        if kind == "bracket":
            return s.buy(size=amount, take_profit=close * (1.02 + offset), stop_loss=close * (0.98 - offset),
                         time_in_force=tif)
        if kind == "close":
            return s.close()
        return s.cancel_all()
    return act


KINDS = ["buy_size", "sell_size", "buy_percent", "sell_percent", "buy_value", "buy_limit", "sell_stop",
         "buy_stop_limit", "bracket", "close", "cancel_all"]


@st.composite
def scripts(draw: st.DrawFn, bars: int) -> dict:
    out = {}
    for index in range(bars):
        count = draw(st.integers(min_value=0, max_value=3))
        out[index] = [
            _action(draw(st.sampled_from(KINDS)), draw(st.integers(min_value=1, max_value=60)),
                    draw(st.sampled_from([0.0, 0.01, 0.03, 0.08])), draw(st.sampled_from(["day", "gtc"])))
            for _ in range(count)
        ]
    return out


def replay(result: BacktestResult, rows, start: Decimal) -> list[tuple[Decimal, Decimal]]:
    """(cash, equity) at each bar, recomputed in Decimal from the fill records alone."""
    by_ts = defaultdict(list)
    for fill in result.fills:
        by_ts[fill.ts].append(fill)
    cash, qty, out = start, D(0), []
    for point, row in zip(result.equity.points(), rows, strict=True):
        for fill in by_ts[point.ts]:
            value = (fill.qty * fill.price).quantize(CENT, rounding=ROUND_HALF_UP)  # as the broker settles
            cash += (-value if fill.side == "buy" else value) - fill.fee
            qty += fill.qty if fill.side == "buy" else -fill.qty
        mark = D(repr(row[3]))  # the close exactly as the data has it
        out.append((cash, (cash + qty * mark).quantize(D("0.0001"), rounding=ROUND_HALF_EVEN)))
    return out


def check_invariants(result: BacktestResult, rows, start: Decimal, allow_short: bool) -> None:
    points = result.equity.points()
    for (cash, equity), point in zip(replay(result, rows, start), points, strict=True):
        assert point.cash == cash, "cash curve disagrees with the fills"
        assert point.equity == equity, "equity != cash + Σ qty × mark"
        if not allow_short:
            assert point.cash >= 0, "cash went negative without shorting or margin"
    submitted = {o.id: o.submitted_at for o in result.orders}
    for fill in result.fills:
        assert fill.ts > submitted[fill.order_id], "an order filled on the bar it was placed"
    if not result.positions:
        total = sum((t.pnl for t in result.trades), D(0))
        assert total == result.final_equity - start, "trade P&L does not add up to the equity change"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_long_only_accounting_invariants_hold_for_random_orders(data):
    rows = data.draw(bar_rows())
    script = data.draw(scripts(len(rows)))
    result = run(daily(rows), script, cash="5000")
    check_invariants(result, rows, D("5000.00"), allow_short=False)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_accounting_invariants_hold_with_shorting_fees_and_slippage(data):
    rows = data.draw(bar_rows())
    script = data.draw(scripts(len(rows)))
    result = run(daily(rows), script, cash="5000", allow_short=True, fees="alpaca", slippage="10bp")
    check_invariants(result, rows, D("5000.00"), allow_short=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_accounting_invariants_hold_with_fractional_shares(data):
    rows = data.draw(bar_rows())
    script = data.draw(scripts(len(rows)))
    result = run(daily(rows), script, cash="5000", fractional=True, fees="per_share:0.005")
    check_invariants(result, rows, D("5000.00"), allow_short=False)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0001, max_value=1e7, allow_nan=False, allow_infinity=False))
def test_integer_prices_are_the_floats_shortest_decimal(value):
    assert D(price_units(value)).scaleb(-12) == D(repr(value)).quantize(D("1e-12"), rounding=ROUND_HALF_EVEN)
