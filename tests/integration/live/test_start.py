"""Starting a live or paper run: the broker must trade every symbol, or the run ends in error at once
with the reason (a run on a typo would otherwise tick forever with nothing to trade)."""

from __future__ import annotations

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.walle.models import Run
from tests.integration.live.conftest import live_settings, running_run
from workers.runtime import build_runtime


def test_a_run_on_a_symbol_the_broker_does_not_trade_ends_in_error_at_start(
    pg: Container, exchange: ExchangeServer
) -> None:
    runtime = build_runtime(live_settings(pg, exchange), container=pg)
    run_id = running_run(pg, symbols=["AAPL", "ZZZZ"])
    runtime.live.handle("start", run_id)
    with pg.read_session() as session:
        run = session.get(Run, run_id)
        assert (run.status, run.error) == ("error", "cannot start: ZZZZ: not a tradable asset at the paper broker")
    ok = running_run(pg, symbols=["AAPL", "MSFT"])
    runtime.live.handle("start", ok)
    with pg.read_session() as session:
        assert session.get(Run, ok).status == "running"
