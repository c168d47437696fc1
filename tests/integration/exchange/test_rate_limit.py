"""`weaver exchange --rate-limit N`: Alpaca's per-key request limit, with its headers and its 429."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from tests.integration.exchange.conftest import REPO

KEYS = {"APCA-API-KEY-ID": "PAPERKEY", "APCA-API-SECRET-KEY": "PAPERSECRET"}


@pytest.fixture
def limited_exchange() -> Iterator[str]:
    """A real `weaver exchange` process allowing 3 requests a minute per key; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "exchange", "--port", "0", "--rate-limit", "3"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")})
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("exchange listening on "), first
        lines = [process.stdout.readline() for _ in range(4)]  # account, hours and fills, admin token, rate limit
        assert any("rate limit: 3 requests per minute per key" in line for line in lines), lines
        assert any(line.startswith("  hours: nyse; fills: realistic (latency 50 ms, half spread 2.0 bps")
                   for line in lines), lines  # the command's defaults: a market that behaves like one
        yield first.split()[3]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_the_fourth_request_in_a_minute_is_429_with_alpacas_headers(limited_exchange: str) -> None:
    started = time.time()
    answers = [requests.get(f"{limited_exchange}/v2/account", headers=KEYS, timeout=5) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Limit"] for a in answers] == ["3"] * 4
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    resets = {int(a.headers["X-RateLimit-Reset"]) for a in answers}
    assert all(started + 59 <= reset <= time.time() + 61 for reset in resets), resets
    assert answers[3].json() == {"code": 42910000, "message": "rate limit exceeded"}
    other_key = requests.get(f"{limited_exchange}/v2/account", timeout=5,
                             headers={"APCA-API-KEY-ID": "nobody", "APCA-API-SECRET-KEY": "x"})
    assert other_key.status_code == 401 and "X-RateLimit-Limit" not in other_key.headers
