"""GET /api/v1/health tells the truth about every component: 200 only when all are ok, 503 with the
failing ones named otherwise, never a 500. Real Redis, real worker processes, no mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app.bootstrap import Container, bootstrap, build_services
from app.glados.app import create_app
from app.walle import migrate
from scheduler.heartbeat import SchedulerHeartbeat
from tests.conftest import REDIS_URL, TEST_TOKEN, create_pg_database, drop_pg_database, make_settings, pg_url_for
from tests.integration.workers.conftest import ROOT, Stack, open_stack, spawn_workers, wait_for

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


def health(client: FlaskClient) -> tuple[int, dict[str, Any]]:
    response = client.get("/api/v1/health")
    return response.status_code, response.get_json()


@pytest.fixture
def scheduler_beating(stack: Stack) -> Iterator[None]:
    beating = SchedulerHeartbeat(stack.queue.heartbeats).start()
    yield
    beating.stop()


def test_health_is_503_naming_redis_when_redis_is_away(pg: Container) -> None:
    settings = make_settings(pg.settings.database_url, redis_url=CLOSED_PORT_URL)
    services = build_services(settings, container=pg, namespace=f"weaver-test-{uuid.uuid4().hex[:8]}")
    app = create_app({"SETTINGS": settings, "SERVICES": services})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    try:
        status, body = health(client)
    finally:
        app.extensions["weaver"].broadcaster.stop()
        services.close()
    assert status == 503
    assert body["status"] == "degraded"
    redis = body["components"]["redis"]
    assert redis["ok"] is False and "ConnectionError" in redis["error"] and redis["url"] == CLOSED_PORT_URL
    assert body["components"]["database"]["ok"] is True  # what still works says so
    # without Redis no heartbeat can be read: the workers and the scheduler are unknown, so not ok
    assert body["components"]["backtest_workers"]["error"].startswith("heartbeats unreadable: ConnectionError")
    assert {"redis", "backtest_workers", "live_worker", "scheduler"} <= set(body["failing"])


def test_health_is_503_naming_the_backtest_workers_when_none_is_alive(stack: Stack, scheduler_beating: None) -> None:
    live = dramatiq.Worker(stack.broker, queues={"live"}, worker_threads=1, worker_timeout=100)
    live.start()  # starts beating at boot
    try:
        wait_for(lambda: (seen := health(stack.client)[1])["workers"].get("live")
                 and seen["components"]["scheduler"]["ok"], what="the live worker's and the scheduler's heartbeats")
        status, body = health(stack.client)
    finally:
        live.stop(timeout=10_000)
    assert status == 503
    assert body["failing"] == ["backtest_workers"]
    assert body["components"]["backtest_workers"] == {
        "ok": False, "alive": 0, "error": "no backtest worker has sent a heartbeat in the last 20 s"}
    assert body["components"]["live_worker"]["alive"] == 1
    assert body["workers"] == {"live": 1}


def container_healthcheck(stack: Stack) -> tuple[int, dict[str, Any]]:
    """The worker containers' healthcheck, as docker-compose runs it on this host."""
    env = {**os.environ, "WEAVER_REDIS_URL": REDIS_URL, "WEAVER_QUEUE_NAMESPACE": stack.namespace}
    done = subprocess.run([sys.executable, "-m", "workers.healthcheck"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=30)
    return done.returncode, json.loads(done.stdout)


def test_health_is_200_when_every_component_is_up(pg: Container, stack: Stack, scheduler_beating: None) -> None:
    assert container_healthcheck(stack)[0] == 1  # no worker on this host yet
    backtest = spawn_workers(pg, stack, 1, "backtest")
    live = spawn_workers(pg, stack, 1, "live")
    try:
        wait_for(lambda: health(stack.client)[0] == 200, timeout=40, what="every component up")
        status, body = health(stack.client)
        check, seen = container_healthcheck(stack)
    finally:
        backtest.stop()
        live.stop()
    assert check == 0 and sorted(tuple(w["queues"]) for w in seen["workers"]) == [("backtest",), ("live",)]
    assert status == 200 and body["status"] == "ok" and body["failing"] == []
    assert body["workers"] == {"backtest": 1, "live": 1}
    components = body["components"]
    assert all(component["ok"] for component in components.values())
    assert components["database"]["backend"] == "postgresql" and components["redis"]["backend"] == "redis"
    assert components["backtest_workers"]["processes"][0]["age_seconds"] < 20
    assert components["broker"]["detail"] == "no broker account configured"


def test_health_reports_the_broker_as_the_live_worker_last_saw_it(pg: Container, redis_url: str) -> None:
    """The live worker's start-up reconciliation cannot reach the paper account: the web process,
    which never calls the broker itself, reports the worker's error."""
    account = {"alpaca_paper_key_id": "PKTEST", "alpaca_paper_secret_key": "secret-for-tests",
               "alpaca_paper_base_url": "http://127.0.0.1:1", "alpaca_paper_data_url": "http://127.0.0.1:1"}
    container = bootstrap(make_settings(pg.settings.database_url, **account))
    stacks = open_stack(container, redis_url)
    stack = next(stacks)
    env = {f"WEAVER_{name.upper()}": value for name, value in account.items()}
    live = spawn_workers(container, stack, 1, "live", extra_env=env)
    try:
        def broker_error() -> dict[str, Any] | None:
            broker = health(stack.client)[1]["components"]["broker"]
            return broker if broker.get("accounts", {}).get("paper", {}).get("errors") else None

        broker = wait_for(broker_error, timeout=40, what="the live worker's broker error")
        status, body = health(stack.client)
    finally:
        live.stop()
        next(stacks, None)
        container.close()
    assert status == 503 and "broker" in body["failing"]
    paper = broker["accounts"]["paper"]
    assert paper["ok"] is False and paper["last_ok_age_seconds"] is None
    assert "ConnectionError" in paper["last_error"]
    assert broker["error"].startswith("paper: ")


def test_the_web_containers_readiness_check_exits_1_naming_what_fails(stack: Stack) -> None:
    server = make_server("127.0.0.1", 0, stack.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    env = {**os.environ, "WEAVER_API_TOKEN": TEST_TOKEN}
    try:
        ready = subprocess.run([sys.executable, "-m", "app.glados.healthcheck", "--ready", f"{base}/api/v1/health"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
        alive = subprocess.run([sys.executable, "-m", "app.glados.healthcheck", f"{base}/healthz"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
    assert ready.returncode == 1  # no worker and no scheduler in this stack
    assert json.loads(ready.stdout)["failing"] == ["backtest_workers", "live_worker", "scheduler"]
    assert alive.returncode == 0 and json.loads(alive.stdout)["status"] == 200  # liveness stays separate



def test_health_is_503_naming_the_database_when_it_goes_away(stack: Stack) -> None:
    name = create_pg_database("weaver_health")
    migrate.upgrade(pg_url_for(name))
    settings = make_settings(pg_url_for(name))
    services = build_services(settings, listen=False, namespace=stack.namespace)
    app = create_app({"SETTINGS": settings, "SERVICES": services})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    try:
        assert health(client)[1]["components"]["database"]["ok"] is True
        drop_pg_database(name)  # its connections are closed, and it no longer exists
        status, body = health(client)
    finally:
        app.extensions["weaver"].broadcaster.stop()
        services.close()
        drop_pg_database(name)
    assert status == 503 and "database" in body["failing"]
    assert body["components"]["database"]["error"].startswith("OperationalError: ")
    assert body["components"]["redis"]["ok"] is True
