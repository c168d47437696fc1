"""A bounded soak of the deployed processes (issue 14): three paper runs on one-second bars against the
local exchange, 50 SSE clients and a sweep on the backtest worker, for a warm-up of 45 s and
25 s more. At the end the exchange holds exactly Weaver's orders, every SSE client got every
event once and in order, and no process grew more than 10 % after the warm-up, nor died."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from app.bootstrap import bootstrap
from app.events.reader import read_events
from tests.conftest import make_settings
from tests.e2e.deployment import SYMBOLS, Deployment, deployed, rss_kib
from tests.integration.api.conftest import store_daily_bars
from tests.waiting import wait_for

CLIENTS = 50
WARM_UP_S = 45  # CI time: the whole test command must stay well under 20 minutes
SOAK_S = 25
GROWTH = 1.10

pytestmark = pytest.mark.timeout(WARM_UP_S + SOAK_S + 180)


class SseClient(threading.Thread):
    """Follows /stream from the first event, recording each event's id (the outbox seq)."""

    def __init__(self, deployment: Deployment):
        super().__init__(daemon=True)
        self.deployment, self.seqs, self.error = deployment, [], None
        self.connected = threading.Event()
        self.response: requests.Response | None = None

    def run(self) -> None:
        try:
            self.response = requests.get(f"{self.deployment.base}/api/v1/stream", params={"after": 0},
                                         headers=self.deployment.auth, stream=True, timeout=(10, 60))
            self.connected.set()
            for line in self.response.iter_lines(chunk_size=None, decode_unicode=True):
                if line and line.startswith("id: "):
                    self.seqs.append(int(line[4:]))
        except Exception as exc:  # recorded: a client that stops early fails the test below
            self.error = exc
        finally:
            self.connected.set()

    def close(self) -> None:
        if self.response is not None:
            self.response.close()


def api(deployment: Deployment, method: str, path: str, **kwargs: Any) -> Any:
    answer = requests.request(method, f"{deployment.base}{path}", headers=deployment.auth, timeout=15, **kwargs)
    assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
    return answer.json()


def sample_rss(deployment: Deployment) -> dict[str, int]:
    return {role: kib for role, pid in deployment.processes().items() if (kib := rss_kib(pid)) is not None}


def test_paper_runs_streams_and_a_sweep_for_seventy_seconds(tmp_path: Path) -> None:
    with deployed(tmp_path) as deployment:
        container = bootstrap(make_settings(deployment.database_url), listen=False)
        try:
            store_daily_bars(container, "AAPL", days=400)
            clients = [SseClient(deployment) for _ in range(CLIENTS)]
            for client in clients:
                client.start()
            assert all(client.connected.wait(20) for client in clients)
            runs = [api(deployment, "POST", "/api/v1/runs", json={
                "mode": "paper", "strategy": "sma_cross", "params": {"fast": 2, "slow": 4, "percent": 5.0},
                "symbols": [symbol], "timeframe": "1Sec", "cash": "100000", "start_now": True})["id"]
                for symbol in SYMBOLS]
            # About 4 s per cell (400 bars at 10 ms) on one backtest process: busy for the whole soak.
            sweep = api(deployment, "POST", "/api/v1/sweeps", json={
                "strategy": "tests.fixtures.strategies:SlowSwing", "symbols": ["AAPL"], "timeframe": "1Day",
                "cash": "10000", "grid": {"pause": [0.01], "every": list(range(2, 42))}})
            time.sleep(WARM_UP_S)
            warm = sample_rss(deployment)
            time.sleep(SOAK_S)
            later = sample_rss(deployment)
            sweep_state = api(deployment, "GET", f"/api/v1/sweeps/{sweep['id']}")
            for run_id in runs:
                api(deployment, "POST", f"/api/v1/runs/{run_id}/stop", json={})
            wait_for(lambda: all(api(deployment, "GET", f"/api/v1/runs/{r}")["status"] == "stopped" for r in runs),
                     30, "the runs to stop")

            # No process died or was replaced, and none grew by more than 10 % after the warm-up.
            print(f"RSS KiB after the warm-up: {warm}\nafter the soak: {later}")
            assert {"exchange", "web", "backtest", "live", "scheduler"} <= set(warm)
            assert len(warm) >= 8, warm  # gunicorn's and the supervisors' children are watched too
            assert set(later) == set(warm), {"gone": set(warm) - set(later), "new": set(later) - set(warm)}
            grown = {role: (warm[role], later[role]) for role in warm if later[role] > warm[role] * GROWTH}
            assert not grown, f"RSS KiB after warm-up → after the soak: {grown}"
            assert 0 < sweep_state["done"] < sweep_state["total"] or sweep_state["status"] == "completed", sweep_state

            # The exchange holds exactly the runs' orders, with the same sides, sizes and fills — once the
            # fills still arriving when the runs stopped (realistic fills take latency and bar volume) are booked.
            def books() -> tuple[dict[str, dict], dict[str, dict]]:
                mine = {o["client_order_id"]: o for r in runs for o in api(
                    deployment, "GET", f"/api/v1/runs/{r}/orders", params={"per_page": 1000})["items"]}
                theirs = requests.get(f"{deployment.exchange}/v2/orders", headers=deployment.exchange_auth,
                                      timeout=10, params={"status": "all", "limit": 500, "direction": "asc"}).json()
                return mine, {o["client_order_id"]: o for o in theirs}

            def differences() -> list[str]:
                mine, theirs = books()
                if set(theirs) != set(mine):
                    return [f"ids: {set(theirs) ^ set(mine)}"]
                return [cid for cid, order in mine.items()
                        if (order["side"], order["status"], Decimal(order["filled_qty"]))
                        != (theirs[cid]["side"], theirs[cid]["status"], Decimal(theirs[cid]["filled_qty"]))]

            assert books()[0], "three crossovers on 1-second bars placed no order in seventy seconds"
            try:
                wait_for(lambda: not differences(), 20, "Weaver's books to match the exchange's")
            except AssertionError:
                raise AssertionError(f"orders differing from the exchange's: {differences()}") from None

            # Every client saw every event, once, in order.
            with container.read_session() as session:
                events = []
                while batch := read_events(session, events[-1] if events else 0, limit=5000):
                    events.extend(event.seq for event in batch)
            wait_for(lambda: all(c.seqs and c.seqs[-1] >= events[-1] for c in clients), 30, "the clients to catch up")
            for client in clients:
                assert client.error is None, client.error
                assert client.seqs[:len(events)] == events
            print(f"{len(books()[0])} orders, {len(events)} events to each of {CLIENTS} clients, sweep {sweep_state}")
        except BaseException:
            for role in deployment.roles:
                print(f"--- {role}\n{deployment.log(role)}")
            raise
        finally:
            for client in locals().get("clients", []):
                client.close()
            container.close()
