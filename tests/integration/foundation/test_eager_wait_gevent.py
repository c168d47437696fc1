"""Under gevent (as in `weaver web`) the engine's connections wait eagerly and still answer in full:
a 300 KB result, a pipeline, and a slow statement during which other greenlets run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    from gevent import monkey; monkey.patch_all()
    import sys, gevent
    from sqlalchemy import text
    from app.walle.db import make_engine
    from app.walle.eager_wait import EagerConnection

    engine = make_engine(sys.argv[1], pool_size=1, max_overflow=0)
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert isinstance(driver, EagerConnection), type(driver)
        rows = conn.execute(text("SELECT repeat('x', 3000) FROM generate_series(1, 100)")).all()
        assert len(rows) == 100 and all(len(row[0]) == 3000 for row in rows)
        with driver.pipeline():
            first = driver.execute("SELECT 1")
            second = driver.execute("SELECT %s::int + 1", (41,), prepare=True)
        assert first.fetchall() == [(1,)] and second.fetchall() == [(42,)]
        ticks = []
        ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.01)) for _ in range(10)])
        conn.execute(text("SELECT pg_sleep(0.3)"))  # not ready at once: gevent's loop runs the ticker meanwhile
        assert len(ticks) >= 5, ticks
        ticker.kill()
    engine.dispose()
    print("ok")
""")


def test_connections_under_gevent_wait_eagerly_and_answer_in_full(pg_url: str) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, pg_url], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
