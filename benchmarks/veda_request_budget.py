"""Does Veda live within Alpaca's 200 requests a minute? Paper runs on minute bars, requests counted.

A local exchange in process (`rate_limit_per_minute=200`, realistic fills with random partials, minute
bars, always open), the live worker's own LiveService on a scratch Postgres, its trade_updates stream
relayed as the worker relays it (applied between ticks, on the one live thread). `--runs` paper runs on
`--symbols` symbols each trade every bar (market orders in and out, one resting limit per symbol that
is replaced now and then), and `--bars` minute bars are ticked one after another, each with the
clock the tick would see one second after its bar closed: the bars are past ones, so the benchmark
takes less than a minute. Every HTTP request of the adapter is counted (method, path, status).

At one bar a minute, a steady tick's requests are the account's requests per minute for these runs
(nothing else calls the broker in between, unless a user asks for an account refresh). Time runs
`--speedup` times faster: a bar is ticked every 60/speedup seconds and the exchange allows
speedup x `--limit` requests in its sliding minute, so a 429 here is one the runs would meet at
one bar a minute against Alpaca's 200.

Measured (5 runs x 3 symbols, Churn, 2026-12-03): a steady tick made 46 requests before the account's
open orders were listed once per bar (20 lookups by client_order_id, 15 of them resting limits), 32
after (20 orders placed, 5 cancels and their 5 checks, 1 open-order list, 1 bar request for all).

Usage: flock /tmp/weaver-bench.lock .venv/bin/python -m benchmarks.veda_request_budget [--runs 5]
           [--symbols 3] [--bars 8] [--speedup 10]
"""

from __future__ import annotations

import argparse
import collections
import queue
import re
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.config import load_settings
from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.marvin.strategy import Strategy
from app.services.runs import transition
from app.veda.stream import TradeUpdatesRelay
from app.walle.models import Order, Run
from benchmarks.common import scratch_postgres

SYMBOLS = ("AAPL", "MSFT", "SPY", "NVDA", "TSLA", "AMZN", "GOOG", "META", "NFLX", "AMD", "IBM", "INTC", "ORCL",
           "CSCO", "ADBE")
PAPER = AccountConfig("paper", "PK-BUDGET", "budget-secret", "10000000")
ID = re.compile(r"/(?:[0-9a-f]{8}-[0-9a-f-]{27,}|[A-Z]{1,5})(?=/|$)")


class Churn(Strategy):
    """Trades every symbol on every bar, as a busy paper run does: a market buy or sell of one share
    in turn, and one limit buy 2 % under the market per symbol, replaced (cancelled, placed again)
    every third bar: orders filled, partly filled, resting and cancelled."""

    name = "bench_churn"

    def init(self) -> None:
        self.resting: dict[str, str] = {}

    def next(self) -> None:
        for k, symbol in enumerate(self.symbols):
            close = float(self.datas[symbol].close[-1])
            if (self.index + k) % 2 == 0 or self.position_of(symbol) <= 0:
                self.buy(symbol, size=1)
            else:
                self.sell(symbol, size=1)
            if symbol in self.resting and (self.index + k) % 3 == 0:
                self.cancel(self.resting.pop(symbol))
            if symbol not in self.resting:
                self.resting[symbol] = self.buy(symbol, size=1, limit=round(close * 0.98, 2))


class ShiftedClock:
    """The system clock, or a moment set by hand (one second after the bar being ticked closed)."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def now(self) -> datetime:
        return self.at if self.at is not None else datetime.now(UTC)


class Counter:
    """Every HTTP request of the adapter's clients: (method, path with ids as ':id', status)."""

    def __init__(self) -> None:
        self.seen: collections.Counter[tuple[str, str, int]] = collections.Counter()

    def wrap(self, broker: Any) -> None:
        for client in (broker.trading, broker.data):
            client._session.request = self._counting(client._session.request)

    def _counting(self, send: Any) -> Any:
        def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            response = send(method, url, *args, **kwargs)
            path = ID.sub("/:id", url.split("//", 1)[-1].split("/", 1)[-1].split("?")[0])
            self.seen[(method, "/" + path, response.status_code)] += 1
            return response

        return request

    def take(self) -> collections.Counter[tuple[str, str, int]]:
        taken, self.seen = self.seen, collections.Counter()
        return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--symbols", type=int, default=3)
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--limit", type=int, default=200, help="the account's requests per minute (Alpaca: 200)")
    parser.add_argument("--speedup", type=int, default=10, help="bars ticked this many times faster than real time")
    args = parser.parse_args()
    from workers.runtime import build_runtime

    config = ExchangeConfig(symbols=tuple(SymbolConfig(s, 50.0 + 10 * i) for i, s in enumerate(SYMBOLS)),
                            accounts=(PAPER,), seed=11, bar_seconds=60, fills="realistic", random_partials=0.1,
                            rate_limit_per_minute=args.limit * args.speedup)
    with scratch_postgres("weaver_budget") as url, ExchangeServer(config) as exchange:
        settings = load_settings(_env_file=None, database_url=url, broker="memory", api_token="veda-budget-token-16",
                                 alpaca_paper_key_id=PAPER.key, alpaca_paper_secret_key=PAPER.secret,
                                 alpaca_paper_base_url=exchange.url, alpaca_paper_data_url=exchange.url,
                                 alpaca_paper_stream_url=exchange.stream_url, log_level="WARNING",
                                 strategy_paths=("benchmarks.veda_request_budget",))
        clock = ShiftedClock()
        runtime = build_runtime(settings, clock=clock)
        live, counter = runtime.live, Counter()
        counter.wrap(live.brokers["paper"])
        updates: queue.Queue[dict[str, Any]] = queue.Queue()
        relay = TradeUpdatesRelay(settings.alpaca("paper"), updates.put)
        relay.start()
        try:
            report(args, exchange, runtime, live, counter, clock, updates)
        finally:
            relay.stop()
            runtime.container.close()


def report(args: argparse.Namespace, exchange: ExchangeServer, runtime: Any, live: Any, counter: Counter,
           clock: ShiftedClock, updates: queue.Queue[dict[str, Any]]) -> None:
    run_ids = []
    with runtime.uow() as uow:
        for i in range(args.runs):
            symbols = [SYMBOLS[(i * args.symbols + k) % len(SYMBOLS)] for k in range(args.symbols)]
            run = Run(mode="paper", strategy="benchmarks.veda_request_budget:Churn", params={}, symbols=symbols,
                      timeframe="1Min", cash=Decimal("100000"), fees={"model": "none"},
                      slippage={"model": "none"}, options={}, status="created", start_at=datetime.now(UTC), end_at=None)
            uow.runs.add(run)
            transition(uow, run, "running")
            run_ids.append(run.id)
        uow.commit()
    live.reconcile()
    for run_id in run_ids:
        live.handle("start", run_id)
    boot = counter.take()
    last = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    bars = [last - timedelta(minutes=args.bars - i) for i in range(args.bars + 1)]
    per_tick, outcomes, applied = [], collections.Counter(), 0
    pace = 60 / args.speedup
    for bar in bars:
        started = time.monotonic()
        clock.at = bar + timedelta(seconds=61)
        done = live.handle("tick_bar", bar_ts=bar.isoformat(), run_ids=run_ids)
        outcomes.update(o.split(":")[0] for o in done.values())
        per_tick.append(counter.take())
        clock.at = None
        time.sleep(max(0.6, pace - (time.monotonic() - started)))  # fills land, the stream tells of them
        while not updates.empty():
            live.handle("update", order=updates.get())
            applied += 1
        per_tick[-1] += counter.take()  # what applying the stream's updates asked (nothing, one hopes)
    with runtime.container.read_session() as session:
        orders = session.query(Order).filter(Order.run_id.in_(run_ids)).all()
    cids = [o.client_order_id for o in orders]
    statuses = collections.Counter(o.status for o in orders)
    steady = per_tick[1:]
    totals = [sum(c.values()) for c in steady]
    throttled = sum(n for c in [boot, *per_tick] for (_, _, status), n in c.items() if status == 429)
    mean = sum(totals) / len(totals)
    print(f"{args.runs} paper runs x {args.symbols} symbols on 1Min bars, {args.bars} steady ticks after a warm-up "
          f"tick, {args.speedup}x real time; limit {args.limit}/min (x{args.speedup}), realistic fills, "
          "10 % random partials")
    print(f"  start-up (reconcile, refresh, start): {sum(boot.values())} requests")
    print(f"  warm-up tick: {sum(per_tick[0].values())} requests")
    print(f"  steady tick: mean {mean:.1f}, max {max(totals)} requests -> {mean:.1f} requests/min at one bar a "
          f"minute ({mean / args.limit:.0%} of the limit); {mean / args.runs:.2f} per run per tick")
    print(f"  429 answers: {throttled}; ticks: {dict(outcomes)}; trade updates applied: {applied}")
    print(f"  orders: {len(orders)} ({len(set(cids))} distinct client_order_ids), {dict(statuses)}")
    print("  steady ticks' requests by kind:")
    by_kind: collections.Counter[tuple[str, str, int]] = collections.Counter()
    for c in steady:
        by_kind += c
    for (method, path, status), n in by_kind.most_common():
        print(f"    {method:<6} {path:<40} {status}  {n / len(steady):6.1f} per tick")


if __name__ == "__main__":
    main()
