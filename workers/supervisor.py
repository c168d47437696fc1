"""The parent of `weaver worker`: keeps N worker processes (workers/process.py) running and replaces
any that dies, where Dramatiq's own parent would shut them all down and leave the queue to wait.

A replacement is started only once the dead process has been reaped, so a queue served by one
process (live) never has two. What the dead process held is not lost: its unacknowledged messages
go back to the queue once its broker heartbeat is older than WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS, and
the backtest actor takes over a run whose heartbeat is older than WEAVER_BACKTEST_STALE_SECONDS.

Children die with the parent (PR_SET_PDEATHSIG on Linux): a supervisor killed outright and started
again must not find its old live process still trading.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from workers.process import EXIT_BOOT_FAILED

log = logging.getLogger(__name__)

HEALTHY_AFTER_SECONDS = 30.0  # a process that lived this long died of something else than its start
MAX_RESTART_DELAY_SECONDS = 30.0
POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1


def restart_delay(quick_deaths: int) -> float:
    """No wait after a process that ran a while; 1, 2, 4 ... 30 s while replacements keep dying young."""
    return 0.0 if quick_deaths <= 1 else min(MAX_RESTART_DELAY_SECONDS, 2.0 ** (quick_deaths - 2))


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: the kernel SIGKILLs it when the supervisor dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def describe(code: int) -> str:
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"


@dataclass
class Slot:
    index: int
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restart_at: float = 0.0


class Supervisor:
    def __init__(self, command: list[str], processes: int, *, clock: Callable[[], float] = time.monotonic):
        self.command = command
        self.slots = [Slot(i) for i in range(processes)]
        self.clock = clock
        self.stopping = False
        self.exit_code = 0

    def run(self) -> int:
        """Until SIGTERM/SIGINT/SIGHUP (or a process that cannot boot): start, watch, replace."""
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        log.info("supervising %d worker process(es): %s", len(self.slots), " ".join(self.command))
        for slot in self.slots:
            self._start(slot)
        while not self.stopping:
            for slot in self.slots:
                self._watch(slot)
            time.sleep(POLL_SECONDS)
        self._stop_all()
        return self.exit_code

    def pids(self) -> list[int]:
        return [s.process.pid for s in self.slots if s.process is not None and s.process.poll() is None]

    def _start(self, slot: Slot) -> None:
        slot.process = subprocess.Popen(self.command, preexec_fn=_die_with_parent)  # the parent runs no threads
        slot.started = self.clock()
        log.info("worker process %d started (pid %d)", slot.index, slot.process.pid)

    def _watch(self, slot: Slot) -> None:
        if slot.process is None:
            if self.clock() >= slot.restart_at:
                self._start(slot)
            return
        code = slot.process.poll()
        if code is None or self.stopping:
            return
        pid, slot.process = slot.process.pid, None  # reaped: gone for good, its replacement may start
        if code == EXIT_BOOT_FAILED:
            log.critical("worker process %d (pid %d) cannot start (%s); stopping", slot.index, pid, describe(code))
            self.exit_code, self.stopping = code, True
            return
        lived = self.clock() - slot.started
        slot.quick_deaths = slot.quick_deaths + 1 if lived < HEALTHY_AFTER_SECONDS else 1
        delay = restart_delay(slot.quick_deaths)
        slot.restart_at = self.clock() + delay
        log.error("worker process %d (pid %d) died after %.0f s (%s); replacing it in %.0f s",
                  slot.index, pid, lived, describe(code), delay)

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.stopping:  # a second signal: tell the processes again, they exit without waiting
            self._signal_all()
            return
        log.info("%s: stopping the worker processes", signal.Signals(signum).name)
        self.stopping = True

    def _signal_all(self) -> None:
        for slot in self.slots:
            if slot.process is not None and slot.process.poll() is None:
                slot.process.send_signal(signal.SIGTERM)

    def _stop_all(self) -> None:
        """SIGTERM each process (they finish the message in hand) and wait for every one to exit."""
        self._signal_all()
        for slot in self.slots:
            if slot.process is not None:
                slot.process.wait()
                slot.process = None


def supervise(queues: list[str], processes: int, threads: int) -> int:
    command = [sys.executable, "-m", "workers.process", "--queues", ",".join(queues), "--threads", str(threads)]
    return Supervisor(command, processes).run()
