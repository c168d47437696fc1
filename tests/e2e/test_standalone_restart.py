"""`weaver standalone` SIGKILLed mid-run and started again on the same data directory: its paper runs
go on where they were. buy_and_hold bought once, the crossover decided on every bar it processed
what its strategy decides on the bars it recorded, the exchange (whose state file survives the
restart) holds exactly the runs' orders, the outage's bars are listed as missed, nothing is replayed
differently and no tick is handled twice."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests

from app.marvin.indicators import crossover, sma
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
WEAVER = Path(sys.executable).parent / "weaver"
URL = re.compile(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)")
FAST, SLOW = 2, 3


class Standalone:
    """`weaver standalone` in its own process group; its output is drained (a full pipe would block it)."""

    def __init__(self, data_dir: Path):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [str(WEAVER), "standalone", "--data-dir", str(data_dir), "--port", "0", "--exchange-bar-seconds", "1",
             "--exchange-fills", "ideal"],  # decisions recomputed below assume every order fills at once
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        found = threading.Event()
        self.base, self.auth = "", {}

        def drain() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)
                match = URL.search(line)
                if match and not found.is_set():
                    self.base, self.auth = match.group(1), {"Authorization": f"Bearer {match.group(2)}"}
                    found.set()
            found.set()

        self.reader = threading.Thread(target=drain, daemon=True)
        self.reader.start()
        if not found.wait(40) or not self.base:
            self.kill()
            raise AssertionError("weaver standalone printed no URL:\n" + self.output())

    def get(self, path: str, **params: Any) -> Any:
        answer = requests.get(f"{self.base}{path}", headers=self.auth, params=params, timeout=10)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        answer = requests.post(f"{self.base}{path}", headers=self.auth, json=body, timeout=10)
        assert answer.status_code in (201, 202), (path, answer.status_code, answer.text)
        return answer.json()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._close()

    def _close(self) -> None:
        self.reader.join(5)
        if self.process.stdout is not None and not self.reader.is_alive():
            self.process.stdout.close()

    def stop(self) -> int:
        """SIGINT, as Ctrl-C: a clean stop; SIGKILL when it takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()
        return self.process.returncode

    def output(self) -> str:
        return "".join(self.lines)[-6000:]


def processed(app: Standalone, run_id: str) -> list[str]:
    """The bars the run traded on (its ticks done, not skipped), from its events."""
    ticks = [e["payload"] for e in app.get(f"/api/v1/runs/{run_id}/events", limit=5000) if e["type"] == "live.tick"]
    return sorted(t["bar_ts"] for t in ticks if t["status"].startswith("done"))


def run_events(app: Standalone, run_id: str, kind: str) -> list[dict[str, Any]]:
    return [e["payload"] for e in app.get(f"/api/v1/runs/{run_id}/events", limit=5000) if e["type"] == kind]


def orders(app: Standalone, run_id: str) -> list[dict[str, Any]]:
    return app.get(f"/api/v1/runs/{run_id}/orders", per_page=1000)["items"]


def exchange_orders(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The orders the local exchange keeps in its state file, by client order id."""
    path = data_dir / "exchange-state.json"
    if not path.exists():
        return {}
    state = json.loads(path.read_text())
    return {o["client_order_id"]: o for account in state["accounts"].values() for o in account["orders"]}


def persisted(app: Standalone, data_dir: Path, run_ids: list[str]) -> bool:
    """Every order the runs recorded is in the exchange's state file, filled there when filled here."""
    at_exchange = exchange_orders(data_dir)
    mine = [o for run_id in run_ids for o in orders(app, run_id)]
    return all(o["client_order_id"] in at_exchange
               and (o["status"] != "filled" or at_exchange[o["client_order_id"]].get("status") == "filled")
               for o in mine)


def expected_cross(db: Path, run_id: str, bars: list[str]) -> list[tuple[str, str]]:
    """What sma_cross decides on each processed bar, recomputed from the bars the run recorded (its
    warm-up, the bars it processed and those it missed): buy on an up-cross when flat, sell (close)
    on a down-cross when long; every order fills at once on the local exchange."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT ts, close FROM live_bars WHERE run_id = ? ORDER BY ts", (run_id,)).fetchall()
    stamps = [datetime.fromisoformat(ts).replace(tzinfo=UTC).isoformat() if "+" not in ts
              else datetime.fromisoformat(ts).astimezone(UTC).isoformat() for ts, _ in rows]
    signal_line = crossover(sma([float(c) for _, c in rows], FAST), sma([float(c) for _, c in rows], SLOW))
    at = {ts: signal_line[i] for i, ts in enumerate(stamps)}
    decided, long = [], False
    for bar in bars:
        key = datetime.fromisoformat(bar).astimezone(UTC).isoformat()
        if at[key] > 0 and not long:
            decided.append((key, "buy"))
            long = True
        elif at[key] < 0 and long:
            decided.append((key, "sell"))
            long = False
    return decided


def as_utc(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat()


def missed_listed(app: Standalone, run_id: str) -> list[str]:
    listed = []
    for event in run_events(app, run_id, "run.bars_missed"):
        first, last = datetime.fromisoformat(event["first"]), datetime.fromisoformat(event["last"])
        span = [first + timedelta(seconds=i) for i in range(int((last - first).total_seconds()) + 1)]
        assert len(span) == event["count"], event
        listed.extend(as_utc(s.isoformat()) for s in span)
    return sorted(listed)


def test_a_sigkilled_standalone_restarted_goes_on_with_its_paper_runs(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = Standalone(data_dir)
    try:
        common = {"mode": "paper", "symbols": ["AAPL"], "timeframe": "1Sec", "cash": "20000", "start_now": True}
        hold = app.post("/api/v1/runs", {**common, "strategy": "buy_and_hold", "params": {"percent": 10.0}})
        cross = app.post("/api/v1/runs", {**common, "strategy": "sma_cross",
                                          "params": {"fast": FAST, "slow": SLOW, "percent": 10.0}})
        runs = [hold["id"], cross["id"]]
        assert [hold["status"], cross["status"]] == ["running", "running"], (hold, cross)
        wait_for(lambda: all(len(processed(app, r)) >= 6 for r in runs), 25, "six bars processed by each run")
        wait_for(lambda: orders(app, hold["id"]), 10, "buy_and_hold's order")
        # Whatever the API shows as sent is already on the exchange's disk: it saves each change
        # before confirming it, so a SIGKILL right now loses nothing the runs recorded.
        assert persisted(app, data_dir, runs), "an order the exchange confirmed is not in its state file"
        before = {r: processed(app, r) for r in runs}
        app.kill()
    except BaseException:
        print(app.output())
        app.kill()
        raise

    app = Standalone(data_dir)
    try:
        detail = [app.get(f"/api/v1/runs/{r}") for r in runs]
        assert [d["status"] for d in detail] == ["running", "running"], detail
        wait_for(lambda: all(len(processed(app, r)) >= len(before[r]) + 8 for r in runs), 25,
                   "eight more bars processed by each run after the restart")
        for run_id in runs:
            app.post(f"/api/v1/runs/{run_id}/stop", {})
        wait_for(lambda: all(app.get(f"/api/v1/runs/{r}")["status"] == "stopped" for r in runs), 10,
                   "the runs to stop")
        recorded = {}
        for run_id in runs:
            bars = processed(app, run_id)
            assert bars[:len(before[run_id])] == before[run_id]
            assert len([b for b in bars if b > before[run_id][-1]]) >= 8, (run_id, bars)
            mine = recorded[run_id] = orders(app, run_id)
            assert len({o["client_order_id"] for o in mine}) == len(mine)
            assert all(o["bar_ts"] is not None and as_utc(o["bar_ts"]) in map(as_utc, bars) for o in mine)
            assert run_events(app, run_id, "run.replay_mismatch") == []
            # The bars of the outage are listed as missed: every bar between the first and the last
            # processed that was not processed, once, and no other.
            first, last = datetime.fromisoformat(bars[0]), datetime.fromisoformat(bars[-1])
            span = [as_utc((first + timedelta(seconds=i)).isoformat())
                    for i in range(int((last - first).total_seconds()))]
            done = set(map(as_utc, bars))
            gap = [b for b in span if b not in done]
            assert any(b > as_utc(before[run_id][-1]) for b in gap), "the outage missed no bar?"
            assert missed_listed(app, run_id) == gap
            handled = Counter(e["bar_ts"] for e in run_events(app, run_id, "live.tick"))
            assert max(handled.values()) == 1, "a tick handled twice"

        (bought,) = recorded[hold["id"]]  # buy_and_hold bought once, before the kill, never again
        assert bought["side"] == "buy" and as_utc(bought["bar_ts"]) == as_utc(before[hold["id"]][0])
        (position,) = app.get(f"/api/v1/runs/{hold['id']}/positions")
        assert Decimal(position["qty"]) == Decimal(bought["filled_qty"]) > 0

        decided = sorted((as_utc(o["bar_ts"]), o["side"]) for o in recorded[cross["id"]])
        assert decided == expected_cross(data_dir / "weaver.db", cross["id"], processed(app, cross["id"]))

        drift = {r: app.get(f"/api/v1/runs/{r}/drift") for r in runs}
        assert drift[hold["id"]]["summary"]["identical_pct"] == 100.0, drift[hold["id"]]["summary"]
        # Greta also runs on the bars the live run missed and may decide there (only the backtest's);
        # from then on the two hold different positions and may part ways. Until then, every live
        # decision is the backtest's, and the first difference is a backtest decision on a missed bar.
        rows = sorted(drift[cross["id"]]["decisions"], key=lambda row: as_utc(row["bar_ts"]))
        missed = set(missed_listed(app, cross["id"]))
        parted = next((i for i, row in enumerate(rows) if row["status"] != "identical"), len(rows))
        if parted < len(rows):
            assert rows[parted]["status"] == "only_backtest" and as_utc(rows[parted]["bar_ts"]) in missed, rows
        assert [(as_utc(r["bar_ts"]), r["side"]) for r in rows[:parted]] == decided[:parted], rows
        if parted == len(rows):
            assert len(rows) == len(decided)
        code = app.stop()
        assert code == 0, app.output()
    except BaseException:
        print(app.output())
        app.kill()
        raise

    # The exchange (its state saved on the clean stop) holds exactly the runs' orders, each once.
    at_exchange = exchange_orders(data_dir)
    for run_id, mine in recorded.items():
        assert {cid: (o["side"], Decimal(o["qty"])) for cid, o in at_exchange.items() if cid.startswith(run_id)} \
            == {o["client_order_id"]: (o["side"], Decimal(o["qty"])) for o in mine}, run_id
