"""The pinned live worker as a real process, SIGKILLed mid-run and started again: its runs go on with
their strategies rebuilt from their records, placing exactly the orders of twins that a worker in
this process ticks without interruption on the same bars."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from app.bootstrap import Container
from app.events.commands import TickLive
from app.exchange import ExchangeServer
from app.walle.models import LiveTick
from tests.integration.live.conftest import LIVE, exchange, live_settings, running_run
from tests.integration.live.test_resume import CROSS, events, exchange_orders, restarted
from tests.integration.workers.conftest import Stack, spawn_workers, wait_for
from tests.integration.workers.test_live_worker import _paper_account

__all__ = ["exchange"]


def _status(pg: Container, run_id: str, bar: datetime) -> str | None:
    with pg.read_session() as session:
        tick = session.get(LiveTick, (run_id, bar))
        return tick.status if tick is not None and tick.status != "started" else None


def _next_bar(after: datetime | None) -> datetime:
    """The next bar to tick (after `after`), once it has closed."""
    bar = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    if after is not None:
        bar = max(bar, after + timedelta(seconds=1))
    while datetime.now(UTC) < bar + timedelta(seconds=1, milliseconds=150):
        time.sleep(0.02)
    return bar


def test_a_sigkilled_live_worker_restarted_goes_on_like_an_uninterrupted_twin(
    stack: Stack, pg: Container, exchange: ExchangeServer
) -> None:
    specs = [{"strategy": "buy_and_hold", "params": {"percent": 10.0}},
             {"strategy": CROSS, "params": {"fast": 2, "slow": 4, "size": 5}}]
    pairs = [(running_run(pg, **spec), running_run(pg, **spec)) for spec in specs]
    twins = restarted(live_settings(pg, exchange), pg)  # ticks the twins here, never restarted
    # The worker trades on an account of its own: on one shared account each process's trade-update
    # stream would also record the other's fills (one live worker per account is the deployment's rule).
    alpaca = {**_paper_account(exchange), "WEAVER_ALPACA_PAPER_KEY_ID": LIVE.key,
              "WEAVER_ALPACA_PAPER_SECRET_KEY": LIVE.secret}
    last: datetime | None = None
    done = 0

    def tick_both(wanted: int) -> None:
        """Tick the worker's runs through Redis, then the twins here, on bars the worker traded."""
        nonlocal last, done
        goal = done + wanted
        while done < goal:
            last = _next_bar(last)
            for run_id, _ in pairs:
                stack.queue.send(TickLive(run_id, last.isoformat()))
            bar = last
            outcomes = [wait_for(lambda r=run_id, b=bar: _status(pg, r, b), 20, "the tick") for run_id, _ in pairs]
            if outcomes == ["done"] * len(pairs):  # a worker still starting makes its first ticks stale
                for _, twin in pairs:
                    assert twins.live.handle("tick", twin, bar_ts=last.isoformat()).startswith("done")
                done += 1

    first = spawn_workers(pg, stack, processes=1, queues="live", extra_env=alpaca)
    try:
        tick_both(4)
    except AssertionError:
        print(first.log())
        raise
    finally:
        first.kill()
        first.stop()
    # Down for two one-second bars at least: a restart that boots within the bar would miss none.
    time.sleep(2.0)
    second = spawn_workers(pg, stack, processes=1, queues="live", extra_env=alpaca)
    try:
        tick_both(4)
    except AssertionError:
        print(second.log())
        raise
    finally:
        second.stop()

    for resumed, twin in pairs:
        assert exchange_orders(exchange, resumed, LIVE) == exchange_orders(exchange, twin)
        assert events(pg, resumed, "run.replay_mismatch") == []
        assert events(pg, resumed, "run.bars_missed"), "the bars of the outage are listed as missed"
    assert [side for _, side, _ in exchange_orders(exchange, pairs[0][0], LIVE)] == ["buy"]
