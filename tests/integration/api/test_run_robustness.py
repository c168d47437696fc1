"""POST /api/v1/runs/{run_id}/robustness on a real backtest: the figures are the pure functions' on the
run's stored trades (as its trades table lists them) and its bars; every refusal is a 4xx error body."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.greta.robustness import TradeShape, monte_carlo, random_entry, realised_returns
from app.services.backtests import BacktestService
from app.walle.models import RunMetric
from tests.integration.api.conftest import store_daily_bars
from tests.integration.api.paper_seed import paper_run
from tests.integration.foundation.factories import make_run

ERROR_KEYS = {"code", "message", "details", "correlation_id"}


def store_noisy_bars(pg: Container, symbol: str, days: int) -> None:
    """A seeded random walk of daily closes: an SMA crossover on it both wins and loses."""
    start = int(datetime(2023, 1, 2, tzinfo=UTC).timestamp())
    ts = np.array([(start + 86_400 * i) * 10**9 for i in range(days)], dtype=np.int64)
    walk = 100 * np.exp(np.cumsum(np.random.default_rng(42).normal(0, 0.02, days)))
    close = [Decimal(f"{c:.2f}") for c in walk]
    with pg.uow() as uow:
        uow.bars.insert_columns(symbol, "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * days, source="test")
        uow.commit()


def _completed(client: FlaskClient, pg: Container, days: int, slow: int = 20) -> str:
    (store_noisy_bars if slow == 20 else store_daily_bars)(pg, "AAPL", days)
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                            "params": {"fast": 5, "slow": slow}, "start_now": True}).get_json()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    return run["id"]


def test_robustness_of_a_daily_backtest(client: FlaskClient, pg: Container) -> None:
    run_id = _completed(client, pg, days=400)
    response = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 500, "seed": 3,
                                                                      "ruin_drawdown_pct": 25})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()

    trades = client.get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json()["items"]
    trades.sort(key=lambda t: (t["exit_ts"], t["entry_ts"]))
    returns, before = realised_returns([float(t["pnl"]) for t in trades], 10_000.0)
    assert body["trades"] == len(trades) >= 5 and body["start_equity"] == 10_000
    assert (body["caution"] is None) == (len(trades) >= 30)
    assert body["resamples"] == 500 and body["seed"] == 3
    assert [m["method"] for m in body["monte_carlo"]] == ["bootstrap", "shuffle"]

    boot, shuffle = body["monte_carlo"]
    expected = monte_carlo(returns, 10_000.0, method="bootstrap", resamples=500, seed=3, ruin_drawdown_pct=25)
    assert boot["final_equity"] == pytest.approx(vars(expected.final_equity), rel=1e-12)
    assert boot["max_drawdown_pct"] == pytest.approx(vars(expected.max_drawdown_pct), rel=1e-12)
    assert boot["ruin_probability"] == expected.ruin_probability and boot["ruin_drawdown_pct"] == 25
    # the shuffled trades all end where the run's trades booked: the cash plus their P&L
    product = 10_000.0 + sum(float(t["pnl"]) for t in trades)
    assert body["trades_final_equity"] == pytest.approx(product, abs=1e-6)
    assert shuffle["final_equity"]["p5"] == pytest.approx(product, rel=1e-9) == shuffle["final_equity"]["p95"]
    assert shuffle["band_p50"][-1] == pytest.approx(product, rel=1e-9)
    assert len(boot["band_trades"]) == len(trades) + 1 == len(boot["band_p5"]) == len(boot["band_p95"])
    assert all(lo <= mid <= hi for lo, mid, hi in zip(boot["band_p5"], boot["band_p50"], boot["band_p95"],
                                                      strict=True))
    assert 0 < boot["ruin_probability"] < 1 and shuffle["max_drawdown_pct"]["p95"] > 0  # trades win and lose
    histogram = boot["drawdown_histogram"]
    assert sum(histogram["counts"]) == 500 and len(histogram["edges"]) == len(histogram["counts"]) + 1

    bars = client.get(f"/api/v1/runs/{run_id}/bars?symbol=AAPL&limit=100000").get_json()
    closes = np.array([float(b["close"]) for b in bars])
    shapes = [TradeShape(t["symbol"], t["direction"] == "short", t["bars_held"],
                         abs(float(t["qty"]) * float(t["entry_price"])) / equity) for t, equity in zip(trades, before,
                                                                                                       strict=True)]
    benchmark = random_entry(returns, shapes, {"AAPL": closes}, resamples=500, seed=3)
    shown = body["random_entry"]
    assert body["random_entry_unavailable"] is None
    assert shown["strategy_return_pct"] == pytest.approx((product / 10_000 - 1) * 100, rel=1e-9)
    assert shown["p_value"] == benchmark.p_value and shown["percentile"] == pytest.approx(100 * (1 - benchmark.p_value))
    assert shown["random_return_pct"] == pytest.approx(vars(benchmark.random_return_pct), rel=1e-12)

    again = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 500, "seed": 3,
                                                                   "ruin_drawdown_pct": 25}).get_json()
    assert again == body  # the same seed, the same figures
    one = client.post(f"/api/v1/runs/{run_id}/robustness", json={"method": "shuffle"}).get_json()
    assert [m["method"] for m in one["monte_carlo"]] == ["shuffle"] and one["resamples"] == 1000


def test_the_shuffle_ends_at_the_runs_final_equity_and_its_return_is_the_runs(client: FlaskClient,
                                                                             pg: Container) -> None:
    """A daily backtest that ends flat: every shuffled path ends at the run's final equity to the cent, and
    the strategy's return beside the random entries is the run's total return (not the trades' return
    percents compounded as if each staked the whole equity, which drifts from both)."""
    run_id = _completed(client, pg, days=400)
    run = client.get(f"/api/v1/runs/{run_id}").get_json()
    final, total = run["metrics"]["final_equity"], run["metrics"]["total_return_pct"]
    trades = client.get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json()["items"]
    assert round(10_000 + sum(Decimal(t["pnl"]) for t in trades), 2) == round(Decimal(str(final)), 2)  # flat
    whole_equity = 10_000 * float(np.prod([1 + float(t["return_pct"]) / 100 for t in trades]))
    assert abs(whole_equity - final) > 0.01  # the old basis would not have matched

    body = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 300, "seed": 5}).get_json()

    for result in body["monte_carlo"]:
        if result["method"] == "shuffle":
            for key in ("p5", "p50", "p95", "mean"):
                assert round(result["final_equity"][key], 2) == round(final, 2), key
            assert round(result["band_p50"][-1], 2) == round(final, 2)
    assert round(body["trades_final_equity"], 2) == round(final, 2) and body["note"] is None
    assert body["random_entry"]["strategy_return_pct"] == pytest.approx(total, abs=0.01)


def _error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["code"] == code
    return body


def test_a_run_without_trades_is_refused(client: FlaskClient, pg: Container) -> None:
    run_id = _completed(client, pg, days=60, slow=59)  # the slow average is ready only on the last bar
    assert client.get(f"/api/v1/runs/{run_id}/trades").get_json()["total"] == 0
    body = _error(client.post(f"/api/v1/runs/{run_id}/robustness", json={}), 422, "validation_failed")
    assert body["message"] == "run_id: the run closed 0 trade(s); robustness tests need at least 2"


def test_an_unknown_or_unfinished_run_and_bad_bodies_are_refused(client: FlaskClient, pg: Container) -> None:
    body = _error(client.post("/api/v1/runs/no-such-run/robustness", json={}), 404, "not_found")
    assert "no-such-run" in body["message"]
    with pg.uow() as uow:
        queued = uow.runs.add(make_run(status="queued"))
        uow.commit()
        queued_id = queued.id
    body = _error(client.post(f"/api/v1/runs/{queued_id}/robustness", json={}), 409, "conflict")
    assert body["message"] == f"run {queued_id} is queued: robustness tests need a finished run"

    run_id = _completed(client, pg, days=200)
    for bad, field in (({"resamples": 0}, "resamples"), ({"resamples": 100_001}, "resamples"),
                       ({"resamples": "many"}, "resamples"), ({"ruin_drawdown_pct": 0}, "ruin_drawdown_pct"),
                       ({"method": "jackknife"}, "method"), ({"seed": -1}, "seed"), ({"extra": 1}, "extra")):
        response = client.post(f"/api/v1/runs/{run_id}/robustness", json=bad)
        assert response.status_code == 422, (bad, response.get_json())
        assert field in response.get_data(as_text=True)


def _paper_run(pg: Container, status: str) -> str:
    """A 1Sec paper run as its worker writes it: buy 10 @ 100, sell 4 @ 101.25, sell 6 @ 99.50 (two
    round trips, one winning, one losing), and 8 recorded bars whose closes rise by 1 a second."""
    return paper_run(pg, [("buy", "10", "100.00", "0.10", 1.5), ("sell", "4", "101.25", "0.03", 3.5),
                          ("sell", "6", "99.50", "0.05", 5.5)], status=status)


def test_a_stopped_paper_runs_trades_come_from_its_fills(client: FlaskClient, pg: Container) -> None:
    run_id = _paper_run(pg, "stopped")
    trades = client.get(f"/api/v1/runs/{run_id}/trades").get_json()["items"]
    assert [Decimal(t["return_pct"]) for t in trades] == [Decimal("1.2325"), Decimal("-0.518333")]  # its Trades tab

    response = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 400, "seed": 1})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["trades"] == 2 and body["start_equity"] == 10_000
    assert body["caution"] == ("only 2 trades: they can be drawn or ordered in few ways, so these percentiles and the "
                               "p-value say little; read them from 30 trades or more")  # trial 26: nothing was said
    boot, shuffle = body["monte_carlo"]
    assert [Decimal(t["pnl"]) for t in trades] == [Decimal("4.93"), Decimal("-3.11")]
    win, loss = 4.93 / 10_000, -3.11 / 10_004.93  # each P&L over the equity booked before it
    both = 10_000 + 4.93 - 3.11  # $10,001.82 in either order
    assert shuffle["final_equity"]["p5"] == pytest.approx(both, rel=1e-12) == shuffle["final_equity"]["p95"]
    assert body["trades_final_equity"] == pytest.approx(both, abs=1e-9)
    # the bootstrap draws win-win, win-loss, loss-win or loss-loss: its extremes are those products
    assert boot["final_equity"]["p95"] == pytest.approx(10_000 * (1 + win) ** 2, rel=1e-12)
    assert boot["final_equity"]["p5"] == pytest.approx(10_000 * (1 + loss) ** 2, rel=1e-12)
    # loss first falls 3.11 of 10,004.93, win first then loss falls the same from the new peak; no trade lasts
    assert shuffle["max_drawdown_pct"]["p95"] == pytest.approx(-loss * 100, rel=1e-9)
    assert shuffle["longest_drawdown_trades"]["p95"] == 1
    entry = body["random_entry"]
    # held 2 and 4 of the recorded bars, whose closes only rise: any random long gains, so p is 1 for a
    # strategy that made 0.02 % on them
    assert entry["strategy_return_pct"] == pytest.approx((both / 10_000 - 1) * 100, rel=1e-12)
    assert entry["random_return_pct"]["p5"] > 0.02 and entry["p_value"] == 1.0 and entry["percentile"] == 0.0


def test_a_running_paper_run_is_refused(client: FlaskClient, pg: Container) -> None:
    run_id = _paper_run(pg, "running")
    body = _error(client.post(f"/api/v1/runs/{run_id}/robustness", json={}), 409, "conflict")
    assert body["message"] == f"run {run_id} is running: robustness tests need a finished run"


def test_a_run_ending_with_a_position_open_says_its_final_equity_is_not_the_trades(client: FlaskClient,
                                                                                  pg: Container) -> None:
    """Buy 10, sell 4, sell 3: 3 shares are still held at the end, marked at the last close (107.25), so
    the run's final equity (its metric, as the marking worker stores it) is not what the closed trades
    booked; the shuffle ends at the latter and the response says so."""
    run_id = paper_run(pg, [("buy", "10", "100.00", "0.10", 1.5), ("sell", "4", "101.25", "0.03", 3.5),
                            ("sell", "3", "99.50", "0.05", 5.5)], status="stopped")
    cash = Decimal(10_000) - 1000 - Decimal("0.10") + Decimal("405.00") - Decimal("0.03") + Decimal("298.50") \
        - Decimal("0.05")
    with pg.uow() as uow:
        uow.session.add(RunMetric(run_id=run_id, name="final_equity", value=float(cash + 3 * Decimal("107.25"))))
        uow.commit()
    trades = client.get(f"/api/v1/runs/{run_id}/trades").get_json()["items"]
    assert [Decimal(t["pnl"]) for t in trades] == [Decimal("4.93"), Decimal("-1.58")]

    body = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 50}).get_json()

    assert body["trades_final_equity"] == pytest.approx(10_003.35, abs=1e-9)
    shuffle = body["monte_carlo"][1]
    assert round(shuffle["final_equity"]["p5"], 2) == 10_003.35 == round(shuffle["final_equity"]["p95"], 2)
    assert body["note"] == ("the run ended at 10,025.07 but its closed trades booked 10,003.35 (a position open at "
                            "the end, or fees outside its trades): these tests use the closed trades only")


def test_too_many_resamples_for_the_trades_names_the_methods_asked(client: FlaskClient, pg: Container,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Trial 31: "(2 method(s))" in a panel that offers no choice of method."""
    import app.services.robustness as robustness

    run_id = _completed(client, pg, days=400)
    trades = len(client.get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json()["items"])
    monkeypatch.setattr(robustness, "MAX_CELLS", trades * 100)
    both = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 60})
    assert both.status_code == 422 and both.get_json()["details"]["fields"] == {"resamples": (
        f"at most 50 for {trades} trades with both methods (bootstrap and shuffle): resamples × trades × methods "
        f"is capped at {trades * 100:,}")}
    one = client.post(f"/api/v1/runs/{run_id}/robustness", json={"resamples": 101, "method": "shuffle"})
    assert one.get_json()["details"]["fields"]["resamples"].startswith(f"at most 100 for {trades} trades with the "
                                                                        "shuffle method:")
