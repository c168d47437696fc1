"""A paper run survives a restart of the live worker (issue 13, item 1): its strategy is rebuilt by
replaying the bars it recorded against its recorded orders and fills, so it places exactly the
orders an uninterrupted twin places; its indicators are a backtest's over the same bars."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import select, update

from app.bootstrap import Container
from app.config import Settings
from app.events.reader import read_events
from app.exchange import AccountConfig, ExchangeServer
from app.greta.engine import Backtest, BacktestConfig
from app.marvin.bars import BarFrame
from app.services.drift_bars import idle_bars
from app.services.runs import transition
from app.veda.alpaca import RetryPolicy
from app.walle.models import LiveBar, LiveState, Order, Run
from tests.fixtures.replay_strategies import IndicatorLog
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run, trading_client
from workers.runtime import Runtime, build_runtime

CROSS = "tests.fixtures.replay_strategies:RememberingCross"


def restarted(settings: Settings, pg: Container) -> Runtime:
    """A new live worker: nothing in memory."""
    runtime = build_runtime(settings, container=pg)
    for broker in runtime.live.brokers.values():
        broker.policy = RetryPolicy(attempts=5, first_wait=0.01, max_wait=0.05, budget_seconds=2)
    return runtime


def tick_bars(count: int, plan: list[tuple[Runtime, str]], first: datetime | None = None) -> list[datetime]:
    """Tick each (worker, run) on `count` consecutive one-second bars, each once it has closed."""
    start = first or last_closed_bar()
    bars = [start + timedelta(seconds=i) for i in range(count)]
    for bar in bars:
        while datetime.now(start.tzinfo) < bar + timedelta(seconds=1, milliseconds=150):
            time.sleep(0.02)
        for runtime, run_id in plan:
            outcome = runtime.live.handle("tick", run_id, bar_ts=bar.isoformat())
            assert outcome.startswith("done"), (run_id, bar, outcome)
    return bars


def exchange_orders(exchange: ExchangeServer, run_id: str, account: AccountConfig = PAPER
                    ) -> list[tuple[str, str, Decimal]]:
    """The run's orders at the exchange as (bar-seq, side, qty), the run id left out so twins compare."""
    found = trading_client(exchange, account).get_orders(GetOrdersRequest(status="all", limit=500))
    return sorted((o.client_order_id[len(run_id) + 1:], o.side.value, Decimal(o.qty)) for o in found
                  if o.client_order_id.startswith(run_id))


def events(pg: Container, run_id: str, kind: str) -> list[dict[str, Any]]:
    """The run's events of one type, read as `GET /api/v1/runs/{id}/events` reads them."""
    with pg.read_session() as session:
        return [e.payload for e in read_events(session, 0, run_id=run_id) if e.type == kind]


def test_after_a_restart_runs_place_exactly_the_orders_of_an_uninterrupted_twin(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings: Settings
) -> None:
    # The cross trades on an uptick (1 over 2 bars): at 2 over 4 a random walk of cents sat out all 12 bars
    # about 2 % of the time, and the test then failed for want of orders; an uptick is missing about 0.3 %.
    specs = {"hold": {"strategy": "buy_and_hold", "params": {"percent": 10.0}},
             "cross": {"strategy": CROSS, "params": {"fast": 1, "slow": 2, "size": 5}}}
    runs = {name: (running_run(pg, **spec), running_run(pg, **spec)) for name, spec in specs.items()}
    before = tick_bars(6, [(live_runtime, run) for pair in runs.values() for run in pair])
    worker = restarted(settings, pg)  # the first copy of each pair goes on in a new worker
    tick_bars(6, [(worker if k == 0 else live_runtime, pair[k]) for pair in runs.values() for k in (0, 1)],
              first=before[-1] + timedelta(seconds=1))

    for name, (resumed, twin) in runs.items():
        assert exchange_orders(exchange, resumed) == exchange_orders(exchange, twin), name
        assert events(pg, resumed, "run.replay_mismatch") == []
        assert events(pg, resumed, "run.resumed") == [{"run_id": resumed, "last_bar": before[-1].isoformat(),
                                                       "bars_replayed": 6, "mismatches": 0}]  # no saved state
        assert events(pg, twin, "run.resumed") == []  # its worker kept it in memory
        mine, theirs = (r.live.contexts[run].runner.strategy for r, run in ((worker, resumed), (live_runtime, twin)))
        assert vars(mine).get("side") == vars(theirs).get("side") and vars(mine).get("bars") == vars(theirs).get("bars")
    assert [side for _, side, _ in exchange_orders(exchange, runs["hold"][0])] == ["buy"]  # bought once
    assert exchange_orders(exchange, runs["cross"][0]), "the crossover should have traded"


def test_a_strategy_that_saves_its_state_is_loaded_from_it_not_replayed(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings: Settings
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.replay_strategies:SavingCross", params={"size": 5})
    bars = tick_bars(4, [(live_runtime, run_id)])
    before = live_runtime.live.contexts[run_id].runner.strategy
    with pg.read_session() as session:
        saved = session.get(LiveState, run_id)
    assert (saved.bar_ts, saved.state) == (bars[-1], {"side": before.side, "bars": 4})
    worker = restarted(settings, pg)
    tick_bars(1, [(worker, run_id)], first=bars[-1] + timedelta(seconds=1))
    after = worker.live.contexts[run_id].runner.strategy
    assert after.loaded == {"side": before.side, "bars": 4} and after.bars == 5
    assert events(pg, run_id, "run.replay_mismatch") == []
    assert events(pg, run_id, "run.resumed") == [{"run_id": run_id, "last_bar": bars[-1].isoformat(),
                                                  "bars_replayed": 0, "saved_state": bars[-1].isoformat(),
                                                  "mismatches": 0}]


def test_live_ema_and_rsi_equal_a_backtest_over_the_bars_the_run_recorded(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.replay_strategies:IndicatorLog", params={"period": 5})
    tick_bars(6, [(live_runtime, run_id)])
    live = live_runtime.live.contexts[run_id].runner.strategy.seen
    with pg.read_session() as session:
        bars = list(session.scalars(select(LiveBar).where(LiveBar.run_id == run_id).order_by(LiveBar.ts)))
    assert sum(b.warmup for b in bars) > 5 and [b.ts for b in bars if not b.warmup] == [t for t, *_ in live]
    frame = BarFrame("AAPL", "1Sec", [int(b.ts.timestamp()) * 1_000_000_000 for b in bars],
                     *([float(getattr(b, k)) for b in bars] for k in ("open", "high", "low", "close", "volume")))
    config = BacktestConfig(strategy="indicator_log", cash=Decimal("100000"))
    backtest = Backtest(config, [frame], strategy=IndicatorLog)
    backtest.run()
    greta = {t: (e, r) for t, e, r in backtest.runner.strategy.seen}
    for moment, ema_live, rsi_live in live:
        ema_greta, rsi_greta = greta[moment]
        assert abs(ema_live - ema_greta) <= 1e-9 and abs(rsi_live - rsi_greta) <= 1e-9, moment


def test_a_recorded_order_altered_is_a_replay_mismatch_and_nothing_is_sent(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings: Settings
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 1})
    bars = tick_bars(3, [(live_runtime, run_id)])
    with pg.uow() as uow:  # the records say the second bar sold
        uow.session.execute(update(Order).where(Order.run_id == run_id, Order.bar_ts == bars[1]).values(side="sell"))
        uow.commit()
    worker = restarted(settings, pg)
    tick_bars(1, [(worker, run_id)], first=bars[-1] + timedelta(seconds=1))
    (mismatch,) = events(pg, run_id, "run.replay_mismatch")
    assert mismatch["kind"] == "differs" and "side buy" in mismatch["detail"]
    assert [e["mismatches"] for e in events(pg, run_id, "run.resumed")] == [1]
    assert mismatch["bar_ts"] == bars[1].isoformat()
    assert [bar_seq for bar_seq, _, _ in exchange_orders(exchange, run_id)] == [
        f"{int(b.timestamp())}-1" for b in [*bars, bars[-1] + timedelta(seconds=1)]]  # one per bar, none more


def test_bars_missed_while_the_run_was_down_are_listed_once(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings: Settings, monkeypatch
) -> None:
    monkeypatch.setattr("app.veda.tick.STALE_MIN_SECONDS", 0)  # late by two one-second bars is stale
    run_id = running_run(pg, strategy=CROSS, params={"size": 5})
    bars = tick_bars(2, [(live_runtime, run_id)])
    worker = restarted(settings, pg)
    down = [bars[-1] + timedelta(seconds=i) for i in (1, 2, 3)]
    time.sleep(max((down[0] + timedelta(seconds=4) - datetime.now(bars[0].tzinfo)).total_seconds(), 0))
    assert worker.live.handle("tick", run_id, bar_ts=down[0].isoformat()).startswith("skipped: stale")
    back = tick_bars(1, [(worker, run_id)], first=last_closed_bar())
    (missed,) = events(pg, run_id, "run.bars_missed")
    gap = (back[0] - down[0]).total_seconds()
    assert missed == {"run_id": run_id, "count": int(gap), "first": down[0].isoformat(),
                      "last": (back[0] - timedelta(seconds=1)).isoformat(), "why": "down"}
    assert events(pg, run_id, "run.replay_mismatch") == []
    # The drift report knows them: a decision the replay makes on one is "the run was not running" (drift_notes)
    with pg.read_session() as session:
        assert list(idle_bars(session, session.get(Run, run_id))) == [down[0] + timedelta(seconds=i)
                                                                      for i in range(int(gap))]


def test_bars_missed_while_the_run_was_stopped_say_so_not_down(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    """Trial 41: a crash and a stop read alike ("stopped, or down"); a stop and a start between them say stopped."""
    run_id = running_run(pg, strategy=CROSS, params={"size": 5})
    tick_bars(2, [(live_runtime, run_id)])
    with pg.uow() as uow:
        transition(uow, uow.runs.get(run_id), "stopping")
        uow.commit()
    live_runtime.live.handle("stop", run_id)
    time.sleep(2.2)
    with pg.uow() as uow:
        transition(uow, uow.runs.get(run_id), "running")
        uow.commit()
    live_runtime.live.handle("start", run_id)
    tick_bars(1, [(live_runtime, run_id)], first=last_closed_bar())
    (missed,) = events(pg, run_id, "run.bars_missed")
    assert missed["why"] == "stopped" and missed["count"] >= 1
