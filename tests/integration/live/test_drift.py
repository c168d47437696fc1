"""The drift report on real paper runs: Veda ticks against the local exchange over alpaca-py, then
Greta replays the bars the run saw. Clean fills give identical decisions; a spread and partial fills
are execution; other parameters are signal. The API and the CLI show the same report."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import requests
from alpaca.data.historical import StockHistoricalDataClient
from sqlalchemy import func, select

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.glados.app import create_app
from app.services.drift import drift_report
from app.services.runs import transition
from app.walle.models import Order
from tests.conftest import TEST_TOKEN
from tests.integration.conftest import weaver
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run
from workers.runtime import Runtime

PARAMS = {"fast": 2, "slow": 3, "percent": 20.0, "allow_short": False}  # crosses every few bars
TICKS = 20
MAX_TICKS = 60  # a quiet stretch of the exchange's walk can hold no cross in 20 bars: tick on until two orders


def paper_run(pg: Container, exchange: ExchangeServer, runtime: Runtime, orders: int = 2) -> str:
    """A paper sma_cross run ticked bar by bar as each one-second bar closes (at least TICKS bars, and on
    until it has placed `orders` orders), then stopped; the exchange's bars are stored too (the report's
    fallback when the run recorded none)."""
    run_id = running_run(pg, params=PARAMS)
    bars: list[datetime] = []
    for _ in range(MAX_TICKS):
        if len(bars) >= TICKS and _orders(pg, run_id) >= orders:
            break
        # Every bar in turn, once it has closed: a slow tick on a busy machine makes the next one late,
        # never skipped (a skipped bar is one the backtest decides on and the run did not).
        bar = bars[-1] + timedelta(seconds=1) if bars else last_closed_bar()
        while datetime.now(UTC) < bar + timedelta(seconds=1, milliseconds=150):
            time.sleep(0.02)
        outcome = runtime.live.handle("tick", run_id, bar_ts=bar.isoformat())
        assert outcome.startswith("done"), outcome
        bars.append(bar)
    time.sleep(0.1)  # the exchange fills a remainder on its next pass; stopping books it
    with pg.uow() as uow:
        transition(uow, uow.runs.get(run_id), "stopping")
        uow.commit()
    runtime.live.handle("stop", run_id)
    _store_bars(pg, exchange, bars[0], bars[-1])
    return run_id


def _orders(pg: Container, run_id: str) -> int:
    with pg.read_session() as session:
        return session.scalar(select(func.count()).select_from(Order).where(Order.run_id == run_id)) or 0


def _store_bars(pg: Container, exchange: ExchangeServer, first: datetime, last: datetime) -> None:
    data = StockHistoricalDataClient(PAPER.key, PAPER.secret, url_override=exchange.url, raw_data=True)
    start = datetime.fromtimestamp(first.timestamp() - 400, UTC)
    raw = data.get("/stocks/bars", {"symbols": "AAPL", "timeframe": "1Sec", "start": start.isoformat(),
                                    "end": last.isoformat(), "limit": 10000})["bars"]["AAPL"]
    ts = np.array([int(datetime.fromisoformat(b["t"].replace("Z", "+00:00")).timestamp()) * 10**9 for b in raw])
    with pg.uow() as uow:
        uow.bars.insert_columns("AAPL", "1Sec", ts, *(np.array([float(b[k]) for b in raw]) for k in "ohlcv"),
                                source="exchange")
        uow.commit()


def test_a_clean_paper_run_makes_the_backtests_decisions_the_api_and_cli_say_so_and_other_parameters_differ(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, cli_env: dict[str, str]
) -> None:
    run_id = paper_run(pg, exchange, live_runtime)
    with pg.read_session() as session:
        report = drift_report(session, run_id)
    summary = report.summary
    assert summary.decisions >= 2, "the strategy should have traded on a volatile symbol"
    assert (summary.identical_pct, summary.only_live, summary.only_backtest) == (100.0, 0, 0)
    assert summary.partial_fills == 0 and report.warmup > 0
    assert summary.difference == summary.execution + summary.signal
    assert summary.live_fees == summary.backtest_fees == 0  # no costs on either side: a note only on fill prices
    assert [note.split(":")[0] for note in report.notes] == (["Fill prices"] if summary.execution else [])

    app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    try:
        body = client.get(f"/api/v1/runs/{run_id}/drift").get_json()
    finally:
        app.extensions["weaver"].broadcaster.stop()
    assert body["summary"]["identical_pct"] == 100.0 and len(body["decisions"]) == summary.decisions
    assert Decimal(body["summary"]["difference"]) == summary.difference
    assert [d["note"] for d in body["decisions"]] == [r.note for r in report.rows]
    assert body["equity"]["live"] and body["equity"]["backtest"] and body["notes"] == report.notes

    shown = weaver("runs", "drift", run_id, env=cli_env)
    assert shown.returncode == 0, shown.stderr
    assert f"{summary.decisions} of {summary.decisions} (100.0 %)" in shown.stdout
    as_json = weaver("runs", "drift", run_id, "--json", env=cli_env)
    assert json.loads(as_json.stdout)["summary"]["identical"] == summary.decisions
    other_parameters_make_other_decisions_and_the_difference_is_signal(pg, run_id)
    cost_models_are_the_backtest_sides_and_the_report_says_what_they_charged(pg, run_id, cli_env)


def cost_models_are_the_backtest_sides_and_the_report_says_what_they_charged(pg: Container, run_id: str,
                                                                            cli_env: dict[str, str]) -> None:
    """The same run as if made with a fee and a slippage model (a paper run's fills and fees are the broker's
    whatever its models say, so the run is as it would have been): the replay charges and slips, the broker
    charged nothing, and the report, the API and the CLI say which side paid what and why (trial 19 saw
    "fees percent 0.5" on a paper run whose fills were all $0.00, and nothing said why)."""
    with pg.uow() as uow:
        run = uow.runs.get(run_id)
        run.fees, run.slippage = {"model": "percent", "rate": "0.5"}, {"model": "bps", "value": "20"}
        uow.commit()
    with pg.read_session() as session:
        report = drift_report(session, run_id)
    summary = report.summary
    assert summary.live_fees == 0 < summary.backtest_fees and summary.execution_fees > 0
    fees, slippage = report.notes[0], report.notes[1]
    assert fees.startswith(f"Fees: the backtest side charged ${summary.backtest_fees:,.2f} under the fee model "
                           f"percent:0.5; the broker charged $0.00. A paper or live run pays what its broker charges")
    assert f"(+${summary.execution_fees:,.2f} of \"from execution\"" in fees
    assert slippage.startswith("Slippage: the backtest side's fills are moved against each order by the slippage "
                               "model 20bp; live fills are at the broker's own prices")
    assert summary.difference == summary.execution + summary.signal
    shown = weaver("runs", "drift", run_id, env={**cli_env, "COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    assert "under the fee model percent:0.5" in shown.stdout and "fees live / backtest" in shown.stdout
    as_json = json.loads(weaver("runs", "drift", run_id, "--json", env=cli_env).stdout)
    assert as_json["notes"] == report.notes and Decimal(as_json["summary"]["backtest_fees"]) == summary.backtest_fees
    # times as the API writes them (trial 38: "2026-12-07 21:07:17+00:00" here, "…T21:07:17Z" there)
    stamps = [row["bar_ts"] for row in as_json["decisions"]] + [p["ts"] for p in as_json["equity"]["live"]]
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", s) for s in stamps), stamps[:3]


def other_parameters_make_other_decisions_and_the_difference_is_signal(pg: Container, run_id: str) -> None:
    """The same run's report against a backtest of other parameters (on the clean run above: a run of its
    own, ticked for another 20 s of the serial tier, showed nothing more)."""
    with pg.read_session() as session:
        report = drift_report(session, run_id, params={"fast": 3, "slow": 8, "percent": 60.0})
    summary = report.summary
    assert (report.params["slow"], report.params["percent"]) == (8, 60.0)
    # A buy asks for 60 % instead of 20 %, so no buy is identical; a close asks for "all", so a close both
    # make on one bar is (the quantity follows from the fills, drift_match's rule)
    assert not [row for row in report.rows if row.side == "buy" and row.status == "identical"]
    assert summary.identical < summary.decisions, "other parameters make other decisions"
    # The difference is signal. The two P&Ls may meet to the cent (CI once saw -6.30 on both sides: 105 shares
    # losing 6 cents each, 315 losing 2), so a zero difference is allowed, and then signal is what offsets the
    # one matched close's execution (a run here saw execution -1.05 and signal +1.05)
    assert abs(summary.signal) > abs(summary.execution) or (summary.difference == 0
                                                            and summary.signal == -summary.execution)
    assert summary.difference == summary.execution + summary.signal


def test_a_spread_and_partial_fills_are_execution_and_the_partial_fills_are_listed(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, cli_env: dict[str, str]
) -> None:
    set_to = requests.post(f"{exchange.url}/_exchange/execution", json={"half_spread_bps": 40, "partial_fill": 0.5},
                           headers={"X-Exchange-Admin-Token": exchange.admin_token}, timeout=5)
    assert set_to.status_code == 200
    # Sizing follows equity: after the spread's first losses the live run buys a share fewer (104 against
    # 105), and that share's P&L is signal, about $40 here, while the spread costs about $80 a decision. Two
    # decisions left that within a factor of two of each other (CI saw -39.52 against -80.85); from four on
    # the spread's cost is most of the difference (CI saw -79.80 of signal against -238.35: the shares a
    # smaller equity buys move with the random walk, so a third was too tight a bound, half is not).
    run_id = paper_run(pg, exchange, live_runtime, orders=4)
    with pg.read_session() as session:
        report = drift_report(session, run_id)
    summary = report.summary
    assert summary.identical_pct == 100.0, "a spread and partial fills change no decision"
    assert summary.partial_fills == summary.decisions >= 2
    assert all(len(order.fills) == 2 for order in report.partial_fills)
    assert summary.worst_slippage_bps is not None and summary.worst_slippage_bps > 20
    assert summary.execution < 0 and abs(summary.signal) < abs(summary.execution) / 2
    assert summary.difference == summary.execution + summary.signal
    # Identical requests, but each filled in two pieces: every row says so ("(the backtest 105 in 1)", or for
    # an order on the window's last bar "(the backtest's was still open when its window ended)"), and at 80
    # columns the CLI lists them as decisions that differ with the note whole
    assert all(r.note and " in 2 fills (the backtest" in r.note for r in report.rows), [
        r.note for r in report.rows if not (r.note and " in 2 fills (the backtest" in r.note)]
    shown = weaver("runs", "drift", run_id, env={**cli_env, "COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    assert "decisions that differ" in shown.stdout and "…" not in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    # a row per decision, its note wrapped inside the cell (a close of another size says first what each
    # side held, so "live filled" may break across lines)
    assert len(re.findall(r"^│ \d\d:\d\d:\d\d │", shown.stdout, re.MULTILINE)) == summary.decisions
