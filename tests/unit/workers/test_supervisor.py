"""workers/supervisor.py with stand-in children (a sleeping Python): a child that dies is replaced,
one that cannot start stops everything with its code, SIGTERM stops all, and no child outlives a
supervisor killed outright (a restarted one must not find its old live process still trading)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.process_tree import alive, children_of
from tests.waiting import wait_for
from workers.supervisor import MAX_RESTART_DELAY_SECONDS, restart_delay

ROOT = Path(__file__).resolve().parents[3]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
CANNOT_START = [sys.executable, "-c", "import sys; sys.exit(2)"]


def supervisor(child: list[str], processes: int) -> subprocess.Popen[bytes]:
    code = ("import logging, sys; logging.basicConfig(); from workers.supervisor import Supervisor; "
            f"sys.exit(Supervisor(sys.argv[1:], {processes}).run())")
    return subprocess.Popen([sys.executable, "-c", code, *child], cwd=ROOT)


def running(parent: subprocess.Popen[bytes], count: int) -> list[int]:
    found = children_of(parent.pid)
    return found if len(found) == count else []


def test_a_killed_child_is_replaced_and_sigterm_stops_them_all() -> None:
    parent = supervisor(SLEEPER, 2)
    try:
        first = wait_for(lambda: running(parent, 2), 10, "two children")
        victim = first[0]
        os.kill(victim, signal.SIGKILL)
        after = wait_for(lambda: (found := running(parent, 2)) and victim not in found and found, 10, "a replacement")
        assert first[1] in after and parent.poll() is None
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(10) == 0
        assert not any(alive(pid) for pid in after)
    finally:
        parent.kill()


def test_a_child_that_cannot_start_stops_the_supervisor_with_its_code() -> None:
    parent = supervisor(CANNOT_START, 1)
    try:
        assert parent.wait(10) == 2
    finally:
        parent.kill()


def test_children_die_with_a_supervisor_killed_outright() -> None:
    parent = supervisor(SLEEPER, 2)
    children = wait_for(lambda: running(parent, 2), 10, "two children")
    parent.kill()
    parent.wait(10)
    wait_for(lambda: not any(alive(pid) for pid in children), 5, "the children to die with it")


def test_replacements_that_keep_dying_young_are_spaced_out() -> None:
    assert [restart_delay(n) for n in range(1, 6)] == [0.0, 1.0, 2.0, 4.0, 8.0]
    assert restart_delay(50) == MAX_RESTART_DELAY_SECONDS
