"""The simulated broker as the strategy sees it: account queries, several symbols, sessions, ids."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import numpy as np

from app.clock.sessions import new_york_ns
from app.marvin import BarFrame, OrderRequest, client_order_id
from tests.unit.greta.helpers import daily, fill_prices, run

D = Decimal
FLAT = (100.0, 101.0, 99.0, 100.0)


def test_strategy_sees_cash_equity_and_position_marked_at_the_close():
    seen = []
    rows = [FLAT, FLAT, (104.0, 106.0, 103.0, 105.5)]
    run(rows, {0: lambda s: s.buy(size=10), 2: lambda s: seen.append((s.position, s.cash, s.equity))})
    assert seen == [(D(10), D("9000.00"), D("10055.0000"))]


def test_open_orders_list_working_orders_and_held_bracket_legs():
    seen = []
    run([FLAT, FLAT], {0: [lambda s: s.buy(size=1, limit=90, take_profit=120, stop_loss=80),
                           lambda s: seen.extend(s.open_orders())]})
    assert [(o.id, o.status, o.type, o.parent_id, o.seq) for o in seen] == [
        ("o-000001", "new", "limit", None, 1), ("o-000002", "held", "limit", "o-000001", None),
        ("o-000003", "held", "stop", "o-000001", None)]


def test_a_symbol_without_a_bar_cannot_fill_until_its_next_bar():
    day = 86_400 * 10**9
    a = BarFrame("AAA", "1Day", [0, day, 2 * day], [100, 100, 100], [101, 101, 101], [99, 99, 99], [100, 100, 100],
                 [1, 1, 1])
    b = BarFrame("BBB", "1Day", [0, 2 * day], [50, 60], [51, 61], [49, 59], [50, 60], [1, 1])
    result = run([a, b], {0: [lambda s: s.buy("AAA", size=1), lambda s: s.buy("BBB", size=1)]})
    assert [(f.symbol, f.price, f.ts) for f in result.fills] == [
        ("AAA", D("100.0000"), result.equity.points()[1].ts), ("BBB", D("60.0000"), result.equity.points()[2].ts)]
    # BBB is marked at its last close (50) on day 1, when it has no bar
    assert result.equity.points()[1].equity == D("10000.0000")


def test_intraday_day_order_expires_at_the_end_of_its_session():
    first = new_york_ns(date(2024, 6, 3), time(15, 58))
    stamps = [first, first + 60 * 10**9, new_york_ns(date(2024, 6, 4), time(9, 30))]
    frame = BarFrame("AAA", "1Min", stamps, [100.0] * 3, [101.0] * 3, [99.0] * 3, [100.0] * 3, [1.0] * 3)
    result = run(frame, {0: lambda s: s.buy(size=1, limit=50, time_in_force="day")})
    assert result.orders[0].status == "expired"
    assert result.orders[0].history[-1].ts == result.equity.points()[1].ts  # the 15:59 bar closed the session


def test_day_order_placed_on_the_last_bar_of_a_session_works_through_the_next_session():
    first = new_york_ns(date(2024, 6, 3), time(15, 59))
    second = new_york_ns(date(2024, 6, 4), time(9, 30))
    stamps = [first, second, second + 60 * 10**9, second + 120 * 10**9]
    lows = [99.0, 99.0, 99.0, 94.0]
    frame = BarFrame("AAA", "1Min", stamps, [100.0] * 4, [101.0] * 4, lows, [100.0] * 4, [1.0] * 4)
    result = run(frame, {0: lambda s: s.buy(size=1, limit=95, time_in_force="day")})
    assert fill_prices(result) == [("buy", D(1), D("95.0000"), 3)]


def test_unknown_order_ids_cannot_be_cancelled():
    errors = []

    def cancel_nonsense(s):
        try:
            s.cancel("o-999999")
        except KeyError as exc:
            errors.append(str(exc))

    run([FLAT, FLAT], {0: cancel_nonsense})
    assert errors and "unknown order id" in errors[0]


def test_client_order_id_is_run_bar_time_and_seq():
    request = OrderRequest(seq=7, symbol="AAA", side="buy", qty=D(1), bar_ts=1_717_387_200 * 10**9)
    assert client_order_id("run-1", request) == "run-1-1717387200-7"
    assert client_order_id("run-1", request, "tp") == "run-1-1717387200-7-tp"


def test_equity_curve_is_cash_plus_positions_at_every_bar():
    rows = [FLAT, (100.0, 102.0, 99.0, 101.0), (101.0, 103.0, 100.0, 102.5), (102.0, 103.0, 101.0, 102.0)]
    result = run(rows, {0: lambda s: s.buy(size=7), 2: lambda s: s.sell(size=3)})
    points = result.equity.points()
    assert [p.cash for p in points] == [D("10000.0000"), D("9300.0000"), D("9300.0000"), D("9606.0000")]
    assert [p.equity for p in points] == [D("10000.0000"), D("10007.0000"), D("10017.5000"), D("10014.0000")]
    assert np.array_equal(result.equity.equity, np.array([10000, 10007, 10017.5, 10014]))


def test_daily_helper_stamps_bars_at_new_york_midnight():
    frame = daily([FLAT])
    assert frame.ts[0] == new_york_ns(date(2024, 6, 3), time(0))
