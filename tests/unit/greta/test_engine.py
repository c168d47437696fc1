"""The engine end to end: results, determinism, metrics, progress and cancellation, built-in strategies."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC
from decimal import Decimal

import pytest

from app.greta import Backtest, BacktestCancelled, BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.greta.records import FillRecord, OrderRecord, TradeRecord
from app.marvin import list_strategies
from app.marvin.params import ParamError
from app.marvin.registry import get_strategy
from tests.unit.greta.helpers import daily, run

D = Decimal
FLAT = (100.0, 101.0, 99.0, 100.0)


def sma_result(bars: int = 600, **settings):
    config = BacktestConfig("sma_cross", {"fast": 5, "slow": 20}, cash=D("10000"), **settings)
    return run_backtest(config, synthetic_bars("AAA", bars, seed=11))


def test_same_backtest_twice_gives_byte_identical_json():
    first = sma_result(fees="alpaca", slippage="5bp").to_json()
    second = sma_result(fees="alpaca", slippage="5bp").to_json()
    assert first == second
    document = json.loads(first)
    assert {"orders", "fills", "trades", "equity", "metrics", "positions", "config"} <= set(document)
    assert document["fills"][0]["price"].count(".") == 1  # Decimals are strings


def test_records_have_deterministic_ids_utc_times_and_plain_field_names():
    result = sma_result()
    assert [o.id for o in result.orders[:2]] == ["o-000001", "o-000002"]
    assert result.fills[0].id == "f-000001" and result.trades[0].id == "t-000001"
    assert result.orders[0].client_order_id.startswith("backtest-")
    assert all(f.ts.tzinfo is UTC for f in result.fills)
    assert [f.name for f in fields(FillRecord)] == ["id", "order_id", "symbol", "side", "qty", "price", "fee", "ts"]
    assert {"entry_ts", "entry_price", "exit_ts", "exit_price", "pnl", "return_pct", "bars_held", "fees"} <= {
        f.name for f in fields(TradeRecord)}
    assert {"status", "reject_reason", "history", "submitted_at", "filled_at"} <= {f.name for f in fields(OrderRecord)}


def test_trade_records_describe_the_round_trip():
    rows = [FLAT, (100.0, 101.0, 99.0, 100.0), (110.0, 111.0, 109.0, 110.0), FLAT]
    result = run(rows, {0: lambda s: s.buy(size=10), 1: lambda s: s.close()}, fees="per_share:0.01")
    trade = result.trades[0]
    assert (trade.direction, trade.qty, trade.entry_price, trade.exit_price) == ("long", D(10), D("100.0000"),
                                                                                 D("110.0000"))
    assert (trade.pnl, trade.fees, trade.return_pct, trade.bars_held) == (D("99.80"), D("0.20"), D("9.980000"), 1)
    assert result.final_equity == D("10099.8000") and result.positions == ()


def test_open_positions_are_reported_with_market_value_and_unrealised_pnl():
    rows = [FLAT, FLAT, (104.0, 106.0, 103.0, 105.5)]
    result = run(rows, {0: lambda s: s.buy(size=10)})
    (position,) = result.positions
    assert (position.symbol, position.qty, position.avg_price, position.mark_price) == ("AAA", D(10), D("100.0000"),
                                                                                        D("105.5000"))
    assert (position.market_value, position.unrealized_pl, position.realized_pl) == (D("1055.0000"), D("55.0000"),
                                                                                   D("0.00"))
    assert result.final_equity == D("10055.0000")


def test_metrics_on_a_small_known_run():
    rows = [FLAT, FLAT, (110.0, 111.0, 109.0, 110.0), (110.0, 111.0, 109.0, 110.0), (99.0, 100.0, 88.0, 89.0)]
    result = run(rows, {0: lambda s: s.buy(size=10), 2: lambda s: s.close(), 3: lambda s: s.buy(size=10)})
    metrics = result.metrics
    # Fills: buy 10 @100 (bar 1), sell 10 @110 (bar 3), buy 10 @99 (bar 4).
    # Equity at the closes: 10000, 10000, 10100, 10100, 10000 (9110 cash + 10 × 89)
    assert [p.equity for p in result.equity.points()] == [D("10000.0000"), D("10000.0000"), D("10100.0000"),
                                                          D("10100.0000"), D("10000.0000")]
    assert metrics["trades"] == 1 and metrics["win_rate_pct"] == 100.0 and metrics["expectancy"] == 100.0
    assert metrics["total_return_pct"] == 0.0
    assert metrics["max_drawdown_pct"] == pytest.approx(100 / 10100 * 100)
    assert metrics["max_drawdown_bars"] == 1  # from the last bar at the peak (3) to the end, never regained
    assert metrics["exposure_pct"] == pytest.approx(60.0)  # a position at 3 of 5 closes
    assert metrics["benchmark_return_pct"] == pytest.approx(-11.0)
    assert metrics["profit_factor"] is None  # no losing trade


def test_a_run_never_below_its_peak_has_no_drawdown_and_a_one_bar_dip_lasts_two():
    flat = run([FLAT] * 6, {})  # no trade: equity 10,000 on every bar
    assert (flat.metrics["max_drawdown_pct"], flat.metrics["max_drawdown_bars"],
            flat.metrics["max_drawdown_seconds"]) == (0.0, 0, 0.0)
    dip = [FLAT, FLAT, (100.0, 101.0, 94.0, 95.0), FLAT, (100.0, 101.0, 99.0, 100.0)]
    regained = run(dip, {0: lambda s: s.buy(size=10)})  # bought at 100: 10,000 → 9,950 → 10,000
    assert regained.metrics["max_drawdown_bars"] == 2  # from bar 1 (the peak) to bar 3, where it is regained
    ts = regained.equity.ts
    assert regained.metrics["max_drawdown_seconds"] == (ts[3] - ts[1]) / 1e9 > 0


def test_equity_curve_has_one_point_per_bar_with_cash_and_benchmark():
    result = sma_result(bars=300)
    points = result.equity.points()
    assert len(points) == 300 == result.bars
    assert points[0].equity == points[0].cash == D("10000.0000") == points[0].benchmark
    assert points[-1].equity == result.final_equity


def test_progress_is_reported_between_chunks_and_ends_at_the_total():
    seen = []
    config = BacktestConfig("sma_cross", cash=D("10000"))
    run_backtest(config, synthetic_bars("AAA", 5000), progress=lambda done, total: seen.append((done, total)),
                 chunk=1000)
    assert seen[-1] == (5000, 5000) and len(seen) <= 5


def test_cancel_is_polled_between_chunks_and_stops_the_run():
    polls = []

    def cancel() -> bool:
        polls.append(1)
        return len(polls) == 2

    with pytest.raises(BacktestCancelled) as caught:
        run_backtest(BacktestConfig("sma_cross"), synthetic_bars("AAA", 5000), cancel=cancel, chunk=1000)
    assert (caught.value.bars_done, caught.value.total) == (2000, 5000)


@pytest.mark.parametrize("strategy", [cls.name for cls in list_strategies()])
def test_every_builtin_strategy_runs_on_the_symbols_it_trades(strategy):
    data = [synthetic_bars(s, 400, seed=i) for i, s in enumerate(["AAA", "BBB", "CCC", "DDD"])]
    params = {"momentum_rotation": {"lookback": 10, "every": 5, "top": 2},
              "rsi_reversion": {"oversold": 45.0, "exit_level": 55.0}}.get(strategy, {})
    several = get_strategy(strategy).multi_symbol
    result = run_backtest(BacktestConfig(strategy, params, cash=D("100000")), data if several else data[:1])
    assert result.bars == 400 and len(result.fills) > 0
    assert all(o.status != "rejected" for o in result.orders), [o.reject_reason for o in result.orders]
    assert {f.symbol for f in result.fills} == ({"AAA", "BBB", "CCC", "DDD"} if several else {"AAA"})


def test_a_one_symbol_strategy_given_several_is_refused_not_run_on_the_first():
    assert {cls.name for cls in list_strategies() if cls.multi_symbol} == {"buy_and_hold", "momentum_rotation"}
    data = [synthetic_bars(s, 400, seed=i) for i, s in enumerate(["AAA", "BBB", "CCC"])]
    with pytest.raises(ParamError) as refused:
        run_backtest(BacktestConfig("sma_cross", cash=D("100000")), data)
    assert refused.value.errors == {"symbols": (
        "sma_cross trades one symbol, the first it is given, so BBB, CCC would be ignored: give one symbol (one run "
        "per symbol compares them); a strategy of your own that trades every symbol it is given says so by setting "
        "multi_symbol = True on its class")}


def test_momentum_rotation_holds_the_top_symbols_in_equal_weight():
    data = [synthetic_bars(s, 300, seed=i, drift=d) for i, (s, d) in enumerate([("AAA", 2.0), ("BBB", 1.5),
                                                                                ("CCC", -1.0), ("DDD", -2.0)])]
    config = BacktestConfig("momentum_rotation", {"lookback": 20, "every": 25, "top": 2}, cash=D("100000"))
    result = run_backtest(config, data)
    first = [f for f in result.fills if f.ts == result.fills[0].ts]  # the first rebalance (bar 25's close)
    assert {f.symbol for f in first} == {"AAA", "BBB"} and {f.side for f in first} == {"buy"}
    assert all(f.qty * f.price == pytest.approx(50000, rel=0.02) for f in first)


def test_backtest_keeps_its_broker_and_runner_for_inspection():
    backtest = Backtest(BacktestConfig("buy_and_hold"), daily([FLAT, FLAT, FLAT]))
    result = backtest.run()
    assert backtest.broker.book.held and result.positions[0].qty == D(100)
