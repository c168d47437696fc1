"""What /health concludes from the heartbeats, and what the live worker records of the broker."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.config import Settings
from app.observability.broker_contacts import BrokerContacts, watch_sessions
from app.observability.health import judge_beats
from tests.conftest import make_settings
from workers.heartbeat import SCHEDULER, WORKER, Beat, MemoryHeartbeats

PAPER = {"alpaca_paper_key_id": "PKTEST", "alpaca_paper_secret_key": "secret-for-tests"}


def settings(**overrides: Any) -> Settings:
    return make_settings("sqlite:///unused.db", broker="memory", **overrides)


def live_beat(broker: dict[str, Any], at: float | None = None) -> Beat:
    return Beat(WORKER, "host:1:9", ("live",), time.time() if at is None else at, {"broker": broker})


def test_every_component_is_ok_with_a_worker_per_queue_and_a_scheduler() -> None:
    now = time.time()
    beats = [Beat(WORKER, "h:1:1", ("backtest",), now), Beat(WORKER, "h:2:1", ("live",), now),
             Beat(SCHEDULER, "h:3", (), now)]
    judged = judge_beats(beats, settings())
    assert {name: c["ok"] for name, c in judged.items()} == {
        "backtest_workers": True, "live_worker": True, "scheduler": True, "broker": True}
    assert judged["broker"]["detail"] == "no broker account configured"


def test_a_missing_scheduler_is_named_and_a_missing_live_worker_leaves_the_broker_unknown() -> None:
    judged = judge_beats([Beat(WORKER, "h:1:1", ("backtest",), time.time())], settings(**PAPER))
    assert judged["scheduler"]["error"] == "no scheduler has sent a heartbeat in the last 20 s"
    assert judged["live_worker"]["ok"] is False
    assert judged["broker"] == {"ok": False, "accounts": {},
                                "error": "unknown: no live worker is alive to report the broker"}


def test_the_broker_is_down_until_a_success_follows_its_last_error() -> None:
    now = time.time()
    failed = {"paper": {"calls": 3, "errors": 1, "last_contact_at": now, "last_ok_at": now - 60,
                        "last_error_at": now, "last_error": "ConnectionError: refused"}}
    broker = judge_beats([live_beat(failed)], settings(**PAPER))["broker"]
    assert broker["ok"] is False and broker["error"] == "paper: ConnectionError: refused"
    assert broker["accounts"]["paper"]["last_ok_age_seconds"] == pytest.approx(60, abs=1)
    recovered = {"paper": {**failed["paper"], "calls": 4, "last_ok_at": now + 1, "last_contact_at": now + 1}}
    assert judge_beats([live_beat(recovered)], settings(**PAPER))["broker"]["ok"] is True


def test_a_configured_account_the_live_worker_has_not_contacted_yet_is_not_an_outage() -> None:
    broker = judge_beats([live_beat({})], settings(**PAPER))["broker"]
    assert broker["ok"] is True and broker["accounts"]["paper"]["detail"] == "not contacted yet by the live worker"


class FakeSession:
    """An HTTP session answering a scripted status, or raising."""

    def __init__(self, answers: list[int | Exception]):
        self.answers = answers

    def request(self, *args: Any, **kwargs: Any) -> Any:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return type("Response", (), {"status_code": answer})()


class FakeClient:
    def __init__(self, answers: list[int | Exception]):
        self._session = FakeSession(answers)


def test_the_live_worker_records_each_request_a_refusal_being_an_answer_and_a_5xx_an_error() -> None:
    contacts = BrokerContacts()
    broker = type("Adapter", (), {})()
    broker.trading = FakeClient([200, 422, 503, ConnectionError("refused")])
    broker.data = FakeClient([200])
    watch_sessions(broker, "paper", contacts)
    for _ in range(3):
        broker.trading._session.request("GET", "/v2/account")
    with pytest.raises(ConnectionError):
        broker.trading._session.request("GET", "/v2/account")
    broker.data._session.request("GET", "/v2/stocks/bars")
    seen = contacts.snapshot()["paper"]
    assert (seen["calls"], seen["errors"]) == (5, 2)
    assert seen["last_error"] == "ConnectionError: refused" and seen["last_ok_at"] >= seen["last_error_at"]


def test_a_process_that_stops_cleanly_is_forgotten_at_once() -> None:
    store = MemoryHeartbeats()
    store.beat("h:1:1", ["backtest"])
    store.beat("h:2", [], role=SCHEDULER)
    assert store.alive() == {"backtest": 1}
    store.forget("h:1:1")
    assert store.alive() == {} and [b.role for b in store.beats()] == [SCHEDULER]
