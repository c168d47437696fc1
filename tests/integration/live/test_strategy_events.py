"""The strategy sees its own trading the same way in a paper run and in a backtest (issue 12, item 5).

A strategy that records its `on_fill` / `on_order` calls runs tick by tick against the local
exchange, then in Greta over the same bars. The callback sequence (bar heard, kind, side, type,
status, quantity) is the same. Prices differ where the engines fill differently: the local exchange
fills a market order at once at its last trade, Greta at the next bar's open, so each engine's
`position.avg_price` and closed trade are checked against that engine's own fills.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal

from alpaca.data.historical import StockHistoricalDataClient

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.greta.engine import Backtest, BacktestConfig
from app.marvin.bars import BarFrame
from tests.fixtures.event_strategies import EventRecorder
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run
from workers.runtime import Runtime

EXPECTED = [
    (1, "fill", "buy", Decimal(10)),
    (1, "order", "buy", "market", "filled", Decimal(10)),
    (2, "order", "buy", "market", "rejected", Decimal(0)),
    (3, "order", "buy", "limit", "canceled", Decimal(0)),
    (4, "fill", "sell", Decimal(10)),
    (4, "order", "sell", "market", "filled", Decimal(10)),
]


def _check_own_prices(strategy: EventRecorder) -> None:
    buy, sell = strategy.fills
    assert strategy.avg_prices == [buy.price, Decimal(0)]  # entry price while held, 0 once flat
    assert strategy.open_lots and strategy.open_lots[0].entry_price == buy.price
    assert [(t.direction, t.size, t.entry_price, t.exit_price) for t in strategy.closed] == [
        ("long", Decimal(10), buy.price, sell.price)]
    assert strategy.closed[0].pnl == ((sell.price - buy.price) * 10).quantize(Decimal("0.01"))
    assert strategy.resting_status == "new"
    rejected = next(o for o in strategy.orders if o.status == "rejected")
    assert rejected.reject_reason == "fractional shares are disabled for this run (qty 0.5)"


def test_a_paper_run_hears_the_same_fills_and_order_changes_as_the_backtest(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.event_strategies:EventRecorder", params={})
    first = last_closed_bar()
    bars = [first + timedelta(seconds=i) for i in range(5)]
    for bar in bars:
        while datetime.now(first.tzinfo) < bar + timedelta(seconds=1, milliseconds=150):
            time.sleep(0.02)
        outcome = live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat())
        assert outcome.startswith("done"), outcome
    live = live_runtime.live.contexts[run_id].runner.strategy
    assert isinstance(live, EventRecorder)
    assert live.heard == EXPECTED
    _check_own_prices(live)

    live_runtime.live.contexts.pop(run_id)  # the worker restarts: the strategy is rebuilt by replay
    restart = bars[-1] + timedelta(seconds=1)
    while datetime.now(first.tzinfo) < restart + timedelta(seconds=1, milliseconds=150):
        time.sleep(0.02)
    assert live_runtime.live.handle("tick", run_id, bar_ts=restart.isoformat()).startswith("done")
    # It heard again, from the records, exactly what it heard before; nothing twice, nothing new.
    assert live_runtime.live.contexts[run_id].runner.strategy.heard == EXPECTED  # type: ignore[union-attr]

    data = StockHistoricalDataClient(PAPER.key, PAPER.secret, url_override=exchange.url, raw_data=True)
    raw = data.get("/stocks/bars", {"symbols": "AAPL", "timeframe": "1Sec", "start": bars[0].isoformat(),
                                    "end": bars[-1].isoformat(), "limit": 10000})["bars"]["AAPL"]
    frame = BarFrame("AAPL", "1Sec", [int(datetime.fromisoformat(b["t"].replace("Z", "+00:00")).timestamp() * 1e9)
                                      for b in raw], *([b[k] for b in raw] for k in ("o", "h", "l", "c", "v")))
    assert len(frame) == len(bars)
    backtest = Backtest(BacktestConfig(strategy="event_recorder", cash=Decimal("100000"), asset_class="us_equity"),
                        [frame], strategy=EventRecorder)
    backtest.run()
    greta = backtest.runner.strategy
    assert isinstance(greta, EventRecorder)
    assert greta.heard == live.heard
    _check_own_prices(greta)
    assert greta.fills[0].price == Decimal(repr(float(frame.open[1])))  # Greta: the next bar's open
