"""The order tests start in, so that run in parallel (pytest-xdist, scripts/test.sh) the slowest ones overlap
the many short ones instead of ending the run alone, and tests sharing a module-scoped server stay together.

Order only: every test still runs, and a file missing from the list simply starts later.
"""

from __future__ import annotations

import os

import pytest

# The slowest files, slowest first (`pytest --durations`, seconds on an idle 2-core machine in brackets).
SLOW_FIRST = (
    "tests/e2e/test_soak.py",  # (118) a deployment for 70 s
    "tests/e2e/test_standalone_restart.py",  # (37)
    "tests/e2e/test_standalone.py",  # (25, 17)
    "tests/integration/live/test_paper_run.py",  # (24)
    "tests/integration/workers/test_worker_healing.py",  # (20, 15)
    "tests/integration/data/test_bars_import.py",  # (19, 8, 8, …)
    "tests/integration/data/test_bar_blocks.py",  # (18, 10, 7, …)
    "tests/e2e/test_procfile.py",  # (17)
    "tests/integration/workers/test_worker_crash.py",  # (17)
    "tests/integration/data/test_bars_import_memory.py",  # (15)
    "tests/integration/api/test_openapi.py",  # (14, 5)
    "tests/integration/workers/test_health.py",  # (14, 9)
    "tests/e2e/test_stream_load.py",  # (two servers of 8 s and 5 s, then short tests)
    "tests/integration/data/test_bars_fetch.py",  # (11, 6)
    "tests/integration/workers/test_sweeps.py",  # (10)
    "tests/integration/api/test_exports.py",  # (9)
)

# Tests bound to the wall clock (one-second bars, a tick's deadline, a restart racing the next bar): they
# run alone after the parallel phase (`-m serial` in scripts/test.sh), as CPU starved by neighbours would
# make a bar stale and fail them for the machine's sake, not the code's.
SERIAL = (
    "tests/integration/live/test_drift.py",
    "tests/integration/workers/test_live_worker.py",
    "tests/integration/workers/test_scheduler_restart.py",
    "tests/integration/workers/test_live_resume.py",
    "tests/integration/live/test_resume.py",
    "tests/integration/live/test_tick_deadline.py",
    "tests/e2e/test_walkforward_workers.py",  # (35, 20) a killed worker's cells wait out 3 s heartbeats
    "tests/e2e/test_standalone_quit.py",  # (5, 5) a stop within 3 s
)

# Modules whose tests share a module-scoped server: one xdist worker runs them all, on one server.
SHARED_SERVER = ("tests/e2e/test_stream_load.py", "tests/integration/data/test_bars_fetch.py")


def file_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def arrange(items: list[pytest.Item]) -> None:
    """Mark the serial tests; under xdist, also sort the slowest files first (a stable sort: the rest
    keep their order) and group the tests of each shared-server module."""
    for item in items:
        if file_of(item) in SERIAL:
            item.add_marker(pytest.mark.serial)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a plain run keeps pytest's own order
    rank = {path: index for index, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(file_of(item), len(SLOW_FIRST)))
    for item in items:
        if file_of(item) in SHARED_SERVER:
            item.add_marker(pytest.mark.xdist_group(file_of(item)))
