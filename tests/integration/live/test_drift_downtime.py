"""The drift report on a run that was down twice: each downtime is named as its own range of bars (trial 35: a
run killed and restarted twice read "not running on 45 earlier bars (17:54:59Z to 17:56:16Z)", a span over the
33 seconds it traded between the two)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.services.drift import drift_report
from app.services.drift_bars import downtime
from app.veda.recording import write_bars
from app.walle.models import Fill, Order, Run
from app.walle.uow import UnitOfWork
from tests.integration.foundation.factories import make_run
from tests.integration.live.drift_pair import run_and_backtest

T0 = datetime(2026, 12, 7, 17, 54, 50, tzinfo=UTC)
WARMUP, IDLE = range(0, 3), (*range(9, 12), *range(15, 17))  # seconds after T0; every other bar was traded


def at(second: int) -> datetime:
    return T0 + timedelta(seconds=second)


def _decide(uow: UnitOfWork, run_id: str, n: int, side: str, second: int) -> None:
    order = Order(run_id=run_id, client_order_id=f"{run_id}-{n}", symbol="AAPL", side=side, type="market",
                  time_in_force="day", qty=Decimal(10), status="filled", bar_ts=at(second), submitted_at=at(second))
    uow.session.add(order)
    uow.session.flush()
    uow.session.add(Fill(run_id=run_id, order_id=order.id, symbol="AAPL", side=side, qty=Decimal(10),
                         price=Decimal(100), ts=at(second + 1)))


def test_a_run_down_twice_names_each_downtime(pg: Container) -> None:
    with pg.uow() as uow:
        run, backtest = run_and_backtest(uow, at, 20, 100, {*WARMUP, *IDLE})
        for rid, decisions in ((run.id, [("buy", 3), ("sell", 19)]), (backtest.id, [("buy", 3), ("sell", 10)])):
            for n, (side, second) in enumerate(decisions):
                _decide(uow, rid, n, side, second)
        uow.commit()
        run_id, backtest_id = run.id, backtest.id
    with pg.read_session() as session:
        idle, ran = downtime(session, session.get(Run, run_id))
        report = drift_report(session, run_id, against=backtest_id)
    assert (idle, ran) == (tuple(at(s) for s in IDLE), tuple(at(s) for s in range(3, 20) if s not in IDLE))
    assert [(r.status, r.note) for r in report.rows if r.status != "identical"] == [
        ("only_backtest", "the run was not running when this bar closed (down, or stopped and started again): only "
                          "the backtest decided on it"),
        ("only_live", "before this bar live held 10 shares, the backtest 0; the run was not running on 5 earlier bars "
                      "in 2 gaps (2026-12-07T17:54:59Z to 2026-12-07T17:55:01Z, 2026-12-07T17:55:05Z to "
                      "2026-12-07T17:55:06Z), where the backtest went on deciding")]


def _recorded_run(pg: Container, bars: int, idle: set[int], **values: object) -> str:
    """A stopped paper sma_cross run (fast 2, slow 3) that recorded `bars` one-second bars, the first 3 its warm-up
    and `idle` those it saw only as history (it was down), on a price that crosses every 3 bars."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", timeframe="1Sec", status="stopped",
                                    params={"fast": 2, "slow": 3, "percent": 50.0}, **values))
        uow.session.flush()
        write_bars(uow, [{"run_id": run.id, "symbol": "AAPL", "ts": at(s), "open": p, "high": p, "low": p,
                          "close": p, "volume": 1, "warmup": s in WARMUP or s in idle}
                         for s in range(bars) for p in [100 + 5 * ((s // 3) % 2)]])
        uow.commit()
        return run.id


def test_a_replay_counts_the_bars_the_run_was_not_trading_and_notes_the_backtests_orders_on_them(
    pg: Container
) -> None:
    """Trial 42: "A replay of the 1,114 bars the run saw" of a run down for 225 of them, and a report whose
    difference came mostly from that outage had only a "Fill prices" note."""
    run_id = _recorded_run(pg, 40, set(range(10, 20)))
    with pg.read_session() as session:
        report = drift_report(session, run_id)
    assert (report.bars, report.warmup, report.idle_bars) == (40, 3, 10)
    assert (report.first_bar, report.last_bar) == (at(0), at(39))
    on_idle = [r for r in report.rows if r.bar_ts in {at(s) for s in range(10, 20)}]
    assert on_idle and all(r.status == "only_backtest" for r in on_idle)
    assert report.notes[0] == (
        f"Not trading: {len(on_idle)} of the backtest's {len(report.rows)} orders came on the 10 bars the run was "
        "not trading (down, or stopped and started again), from 2026-12-07T17:55:00Z to 2026-12-07T17:55:09Z. Only "
        "the backtest decided on those bars: these orders are its alone, and what each side held after them can "
        "differ, and with it later decisions (the rows' notes say where); what they made or lost is part of "
        "\"from signal\".")


def test_the_note_on_the_backtests_orders_while_the_run_was_not_trading_counts_every_gap(pg: Container) -> None:
    """Against a chosen backtest too, and over both of the run's downtimes, not only the newest."""
    with pg.uow() as uow:
        run, backtest = run_and_backtest(uow, at, 20, 100, {*WARMUP, *IDLE})
        for n, (side, second) in enumerate((("buy", 3), ("sell", 9), ("buy", 10), ("sell", 16), ("buy", 18))):
            _decide(uow, backtest.id, n, side, second)
        uow.commit()
        run_id, backtest_id = run.id, backtest.id
    with pg.read_session() as session:
        report = drift_report(session, run_id, against=backtest_id)
    assert [n for n in report.notes if n.startswith("Not trading")] == [
        "Not trading: 3 of the backtest's 5 orders came on the 5 bars the run was not trading (down, or stopped and "
        "started again), in 2 gaps (2026-12-07T17:54:59Z to 2026-12-07T17:55:01Z: 2 orders; 2026-12-07T17:55:05Z to "
        "2026-12-07T17:55:06Z: 1 order). Only the backtest decided on those bars: these orders are its alone, and "
        "what each side held after them can differ, and with it later decisions (the rows' notes say where); what "
        "they made or lost is part of \"from signal\"."]
    assert report.idle_bars == 5
