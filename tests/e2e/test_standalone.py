"""The README's first command: `weaver standalone` comes up from nothing, answers, stops cleanly,
and a second start keeps every run."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]

WEAVER = Path(sys.executable).parent / "weaver"
URL = re.compile(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)")


def start(data_dir: Path, *extra: str, env: dict[str, str] | None = None
          ) -> tuple[subprocess.Popen[str], str, dict[str, str], list[str]]:
    process = subprocess.Popen([str(WEAVER), "standalone", "--data-dir", str(data_dir), "--port", "0", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = URL.search(line)
        if found:
            return process, found.group(1), {"Authorization": f"Bearer {found.group(2)}"}, lines
    process.kill()
    raise AssertionError("weaver standalone printed no URL:\n" + "".join(lines))


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    return process.returncode, out


def test_standalone_starts_from_nothing_answers_and_stops_cleanly(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    process, base, auth, lines = start(data_dir)
    try:
        assert any("SYNTHETIC demo bars" in line for line in lines)
        health = requests.get(f"{base}/api/v1/health", headers=auth, timeout=10).json()
        assert health["status"] == "ok" and health["components"]["database"]["backend"] == "sqlite"
        assert health["components"]["scheduler"]["alive"] == 1  # the in-process scheduler beats too
        assert health["workers"] == {"backtest": 1, "live": 1}
        names = {s["name"] for s in requests.get(f"{base}/api/v1/strategies", headers=auth, timeout=10).json()}
        assert {"sma_cross", "rsi_reversion", "bollinger_breakout", "buy_and_hold", "momentum_rotation"} <= names
        series = requests.get(f"{base}/api/v1/bars/series", headers=auth, timeout=10).json()
        assert {s["source"] for s in series} == {"synthetic"} and len(series) == 10
        assert requests.get(f"{base}/api/v1/runs", timeout=10).status_code == 401
        run = requests.post(f"{base}/api/v1/runs", headers=auth, timeout=10, json={
            "strategy": "sma_cross", "symbols": ["SPY"], "timeframe": "1Day", "start_now": True}).json()
        deadline = time.monotonic() + 30
        while requests.get(f"{base}/api/v1/runs/{run['id']}", headers=auth, timeout=10).json()["status"] != "completed":
            assert time.monotonic() < deadline, "the demo backtest did not complete"
            time.sleep(0.2)
    finally:
        code, out = stop(process)
    assert code == 0, out
    assert "Stopped." in out
    assert all((data_dir / name).stat().st_mode & 0o077 == 0 for name in ("weaver.db", "api-token"))  # owner only

    again, base, auth, lines = start(data_dir)  # a second start keeps every run and loads nothing twice
    try:
        assert not any("SYNTHETIC demo bars" in line for line in lines)
        runs = requests.get(f"{base}/api/v1/runs", headers=auth, timeout=10).json()
        assert [r["id"] for r in runs["items"]] == [run["id"]] and runs["items"][0]["status"] == "completed"
    finally:
        code, out = stop(again)
    assert code == 0, out


def test_standalone_paper_trades_offline_on_its_own_exchange(tmp_path: Path) -> None:
    """The embedded default's offline paper trading end to end: SQLite, in-process live worker and
    scheduler, the local exchange; second bars so that it takes seconds, not minutes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the test strategies live in tests/fixtures
    process, base, auth, _ = start(tmp_path / "data", "--exchange-bar-seconds", "1", env=env)
    try:
        run = requests.post(f"{base}/api/v1/runs", headers=auth, timeout=10, json={
            "mode": "paper", "strategy": "tests.fixtures.strategies:BuyEveryBar", "params": {"size": 1},
            "symbols": ["AAPL"], "timeframe": "1Sec", "cash": "10000", "start_now": True}).json()
        assert run["status"] == "running", run
        short = requests.post(f"{base}/api/v1/runs", headers=auth, timeout=10, json={
            "mode": "paper", "strategy": "tests.fixtures.strategies:ShortOnce", "params": {"size": 2},
            "symbols": ["MSFT"], "timeframe": "1Sec", "cash": "10000", "allow_short": True,
            "start_now": True}).json()

        # trial 24: the standalone's exchange listed no crypto pair ("not a tradable asset at the paper broker")
        coins = requests.post(f"{base}/api/v1/runs", headers=auth, timeout=10, json={
            "mode": "paper", "strategy": "tests.fixtures.strategies:BuyEveryBar", "params": {"size": 0.001},
            "symbols": ["BTC/USD"], "timeframe": "1Sec", "cash": "10000", "start_now": True}).json()

        def filled(of: dict = run) -> list[dict]:
            orders = requests.get(f"{base}/api/v1/runs/{of['id']}/orders", headers=auth, timeout=10).json()
            return [o for o in orders["items"] if o["status"] == "filled"]

        deadline = time.monotonic() + 45
        while len(filled()) < 3:
            detail = requests.get(f"{base}/api/v1/runs/{run['id']}", headers=auth, timeout=10).json()
            assert detail["status"] == "running", detail["error"]
            assert time.monotonic() < deadline, "the paper run did not trade three bars"
            time.sleep(0.5)
        crypto = requests.get(f"{base}/api/v1/runs/{coins['id']}", headers=auth, timeout=10).json()
        assert crypto["status"] == "running" and filled(coins), crypto["error"]
        stopped = requests.post(f"{base}/api/v1/runs/{run['id']}/stop", headers=auth, timeout=10, json={})
        assert stopped.status_code == 202
        deadline = time.monotonic() + 15
        while requests.get(f"{base}/api/v1/runs/{run['id']}", headers=auth, timeout=10).json()["status"] != "stopped":
            assert time.monotonic() < deadline, "the paper run did not stop"
            time.sleep(0.2)
        orders = filled()
        (position,) = requests.get(f"{base}/api/v1/runs/{run['id']}/positions", headers=auth, timeout=10).json()
        assert Decimal(position["qty"]) == len(orders)  # one share per filled order, nothing lost
        # The paper account is a margin account, as Alpaca's are: a run that may short, can.
        (short_position,) = requests.get(f"{base}/api/v1/runs/{short['id']}/positions", headers=auth,
                                         timeout=10).json()
        assert (short_position["symbol"], Decimal(short_position["qty"])) == ("MSFT", Decimal(-2))

        # trial 32: crypto bars to backtest on needed the exchange's random port and its keys found by hand; the
        # command line on the standalone's folder fetches from its local exchange while it runs
        fetched = subprocess.run([str(WEAVER), "bars", "fetch", "--symbol", "BTC/USD", "--timeframe", "1Min",
                                  "--start", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86_400))],
                                 env={**env, "WEAVER_DATA_DIR": str(tmp_path / "data")}, capture_output=True,
                                 text=True, timeout=60)
        assert fetched.returncode == 0 and re.search(r"BTC/USD 1Min: [\d,]+ bars downloaded", fetched.stdout), (
            fetched.stdout + fetched.stderr)
        # trial 37: they were listed as Alpaca's; they are the local exchange's
        listed = subprocess.run([str(WEAVER), "bars", "list"], env={**env, "WEAVER_DATA_DIR": str(tmp_path / "data")},
                                capture_output=True, text=True, timeout=60)
        (line,) = [each for each in listed.stdout.splitlines() if each.startswith("BTC/USD") and " 1Min " in each]
        assert "exchange 127.0.0.1:" in line and "alpaca" not in line and line.endswith(", not adjusted"), listed.stdout
        (pair,) = [s for s in requests.get(f"{base}/api/v1/bars/series", headers=auth, timeout=10).json()
                   if s["symbol"] == "BTC/USD" and s["timeframe"] == "1Min"]  # trial 38: the Data page said nothing
        assert pair["description"] == ("SIMULATED bars of the local exchange (the standalone's market), not real "
                                       "market prices"), pair
    finally:
        code, out = stop(process)
    assert code == 0, out
    assert "database is locked" not in out
