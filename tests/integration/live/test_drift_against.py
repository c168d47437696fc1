"""A drift report against a chosen backtest run: one of another strategy, symbols or bar size is refused
saying what differs; one of other parameters, costs or window is compared, and the report says how it
differs (trial 38: a paper run of sma_cross on AAPL 1Sec was compared with a bollinger_breakout backtest of
MSFT 1Min, "0 of 1536 identical", and nothing said the runs were unrelated)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.veda.recording import write_bars
from tests.integration.foundation.factories import make_run

T0 = datetime(2026, 12, 7, 21, 2, 5, tzinfo=UTC)


def _runs(pg: Container, **backtest: object) -> tuple[str, str]:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", timeframe="1Sec", status="stopped", params={"fast": 5, "slow": 20},
                                    started_at=T0, finished_at=T0 + timedelta(minutes=10)))
        other = uow.runs.add(make_run(**{"mode": "backtest", "timeframe": "1Sec", "status": "completed",
                                         "params": {"fast": 5, "slow": 20}, "start_at": T0 - timedelta(minutes=5),
                                         "end_at": T0 + timedelta(minutes=20), **backtest}))
        uow.commit()
        return run.id, other.id


def test_a_backtest_of_another_strategy_symbol_or_bar_size_is_refused_saying_what_differs(
    pg: Container, client: FlaskClient
) -> None:
    run_id, other_id = _runs(pg, strategy="bollinger_breakout", symbols=["MSFT"], timeframe="1Min",
                             params={"period": 20})
    answer = client.get(f"/api/v1/runs/{run_id}/drift?against={other_id}")
    assert answer.status_code == 422
    assert answer.get_json()["details"]["fields"]["against"] == (
        f"run {other_id} is a backtest of something else: strategy bollinger_breakout (the run's: sma_cross); "
        "symbols MSFT (the run's: AAPL); timeframe 1Min (the run's: 1Sec); compare a run with a backtest of the "
        "same strategy on the same bars")


def test_other_parameters_costs_or_a_window_short_of_the_run_are_compared_and_said(
    pg: Container, client: FlaskClient
) -> None:
    run_id, other_id = _runs(pg, params={"fast": 10, "slow": 20}, fees={"model": "percent", "rate": "0.1"},
                             options={"allow_short": True}, end_at=T0 + timedelta(minutes=5))
    answer = client.get(f"/api/v1/runs/{run_id}/drift?against={other_id}")
    assert answer.status_code == 200, answer.get_json()
    notes = answer.get_json()["notes"]
    assert notes[:3] == [
        "The backtest ran other parameters than the run: fast 10 (the run's: 5); rows may differ for that reason, "
        "not the market's.",
        "The backtest's settings differ from the run's: fees percent:0.1 (the run's: none); shorting allowed (the "
        "run's: off).",
        "The backtest's window (2026-12-07T20:57:05Z to 2026-12-07T21:07:05Z) does not cover the run's trading "
        "(from its start to its stop: 2026-12-07T21:02:05Z to 2026-12-07T21:12:05Z): decisions outside it show as "
        "the run's alone. A backtest of the same period ends at the run's last bar and starts no later than its first "
        "(its warm-up bars before that)."]
    # the same backtest as the run: no such note
    run_id, same_id = _runs(pg)
    same = client.get(f"/api/v1/runs/{run_id}/drift?against={same_id}").get_json()
    assert not [n for n in same["notes"] if n.startswith(("The backtest ran other", "The backtest's"))], same["notes"]


def test_a_backtest_ending_at_the_runs_last_bar_covers_its_trading_though_the_run_stopped_later(
    pg: Container, client: FlaskClient
) -> None:
    """Trial 42: a backtest ending at the run's last bar (00:07:16) was said not to cover the run's trading "to
    00:07:23", the time it stopped; the run's trading is its first traded bar to its last."""
    last = T0 + timedelta(seconds=11)
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", timeframe="1Sec", status="stopped", params={"fast": 5, "slow": 20},
                                    started_at=T0 + timedelta(seconds=2), finished_at=last + timedelta(seconds=7)))
        covering = uow.runs.add(make_run(mode="backtest", timeframe="1Sec", status="completed",
                                         params={"fast": 5, "slow": 20}, start_at=T0, end_at=last))
        short = uow.runs.add(make_run(mode="backtest", timeframe="1Sec", status="completed",
                                      params={"fast": 5, "slow": 20}, start_at=T0, end_at=last - timedelta(seconds=1)))
        uow.session.flush()
        write_bars(uow, [{"run_id": run.id, "symbol": "AAPL", "ts": T0 + timedelta(seconds=s), "open": 100,
                          "high": 100, "low": 100, "close": 100, "volume": 1, "warmup": s < 3} for s in range(12)])
        uow.commit()
        run_id, covering_id, short_id = run.id, covering.id, short.id
    notes = client.get(f"/api/v1/runs/{run_id}/drift?against={covering_id}").get_json()["notes"]
    assert not [n for n in notes if n.startswith("The backtest's window")], notes
    notes = client.get(f"/api/v1/runs/{run_id}/drift?against={short_id}").get_json()["notes"]
    assert [n for n in notes if n.startswith("The backtest's window")] == [
        "The backtest's window (2026-12-07T21:02:05Z to 2026-12-07T21:02:15Z) does not cover the run's trading (from "
        "its first bar to its last: 2026-12-07T21:02:08Z to 2026-12-07T21:02:16Z): decisions outside it show as the "
        "run's alone. A backtest of the same period ends at the run's last bar and starts no later than its first (its "
        "warm-up bars before that)."]
