from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import redis

from app.bootstrap import Container, build_services
from scheduler.ticks import TickScheduler
from tests.conftest import make_settings
from tests.integration.foundation.factories import make_run


def queued_ticks(client: redis.Redis, namespace: str) -> list[dict]:
    messages = client.hgetall(f"{namespace}:live.msgs")
    return [json.loads(raw) for raw in messages.values()]


def test_ticks_are_bar_aligned_and_follow_runs_started_and_stopped(pg: Container, redis_url: str) -> None:
    namespace = f"weaver-test-{uuid.uuid4().hex[:8]}"
    services = build_services(make_settings(pg.settings.database_url), container=pg, namespace=namespace)
    services.relay.start()  # the scheduler process relays the ticks it records
    client = redis.Redis.from_url(redis_url)
    with pg.uow() as uow:
        steady = uow.runs.add(make_run(mode="paper", timeframe="1Sec", status="running"))
        uow.commit()
    ticks = TickScheduler(pg.read_session, pg.uow, settle=timedelta(milliseconds=200), sync_seconds=0.5)
    ticks.start()
    try:
        time.sleep(2.2)
        with pg.uow() as uow:  # a run started through the API while the scheduler runs
            late = uow.runs.add(make_run(mode="live", timeframe="1Sec", status="running"))
            uow.commit()
        added_at = time.monotonic()
        while late.id not in ticks.active_runs:
            assert time.monotonic() - added_at < 1.0, "a new run must be picked up within one second"
            time.sleep(0.05)
        time.sleep(3.0)
        with pg.uow() as uow:
            uow.runs.get(steady.id).status = "stopped"
            uow.commit()
        stopped_at = time.monotonic()
        while steady.id in ticks.active_runs:
            assert time.monotonic() - stopped_at < 1.0, "a stopped run must be dropped within one second"
            time.sleep(0.05)
        count_after_stop = sum(1 for f in ticks.fired if f.run_id == steady.id)
        time.sleep(2.0)
    finally:
        ticks.stop()
        services.relay.stop()
        services.relay.poll()  # whatever the last tick recorded
        services.close()
    fired = list(ticks.fired)
    assert sum(1 for f in fired if f.run_id == steady.id) == count_after_stop
    assert sum(1 for f in fired if f.run_id == late.id) >= 4
    lateness = sorted(f.late_ms for f in fired)
    assert lateness[0] >= 0
    assert lateness[-1] < 250, f"ticks fired up to {lateness[-1]:.0f} ms after boundary + settle"
    for f in fired:  # each tick names the bar that just closed: one second before its boundary
        assert f.due - f.bar_ts == timedelta(seconds=1, milliseconds=200)
    messages = queued_ticks(client, namespace)  # one command per bar, naming every run ticked on it
    assert len(messages) == len({f.bar_ts for f in fired})
    assert all(m["args"][0]["type"] == "command.tick_bar" for m in messages)
    sent = sorted((run_id, m["args"][0]["payload"]["bar_ts"]) for m in messages
                  for run_id in m["args"][0]["payload"]["run_ids"])
    assert sent == sorted((f.run_id, f.bar_ts.isoformat()) for f in fired)
    print(f"tick lateness over {len(lateness)} ticks: p50 {lateness[len(lateness) // 2]:.1f} ms, "
          f"max {lateness[-1]:.1f} ms")
    client.delete(*client.keys(f"{namespace}:*"))
