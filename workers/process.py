"""One Dramatiq worker process: what `weaver worker` (workers/supervisor.py) starts, and starts again
when it dies.

It does what a child of Dramatiq's own command line does - load workers.entry (broker, actors,
services), consume the given queues with N threads, finish the messages in hand on SIGTERM - but
its parent is ours: Dramatiq's parent shuts every process down when one dies, ours replaces it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time

import dramatiq

from workers.queues import consumed

log = logging.getLogger("workers.process")  # also when run as __main__

EXIT_BOOT_FAILED = 2  # the code cannot start (an import error): the supervisor gives up, not loops
EXIT_NO_BROKER = 3  # Redis unreachable at boot: worth another try once it is back
EXIT_KILLED = 1
ECHO_SECONDS = 2.0
SHUTDOWN_TIMEOUT_MS = 600_000  # Dramatiq's default: a stopping worker lets the message in hand finish


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM/SIGHUP: finish what is in hand, then exit; another one later: exit now. SIGINT is the
    parent's to turn into SIGTERM (Ctrl-C reaches the whole process group). A signal sent to the
    group reaches this process twice, straight and from the parent: the echo is not a second one."""
    first: list[float] = []

    def on_signal(signum: int, frame: object) -> None:
        if first and time.monotonic() - first[0] > ECHO_SECONDS:
            os._exit(EXIT_KILLED)
        first[:] = first or [time.monotonic()]
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def serve(queues: list[str], threads: int) -> int:
    stop = threading.Event()
    _stop_on_signals(stop)
    try:
        from workers import entry  # configures logging, builds the broker and declares the actors
    except Exception:
        log.exception("the worker process cannot start")
        return EXIT_BOOT_FAILED
    broker = entry.broker
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, queues=consumed(queues), worker_threads=threads)
    # Dramatiq holds two messages per thread; a message held behind a busy thread is one another
    # process cannot take, so the last of a sweep's messages sat in one process while the other
    # idled. Hold no more than the threads can start.
    worker.queue_prefetch = threads
    try:
        worker.start()
    except dramatiq.BrokerConnectionError:
        log.exception("the worker process cannot reach the broker")
        return EXIT_NO_BROKER
    # The broker id names this process's unacknowledged messages in Redis (`__acks__.<id>.<queue>`).
    log.info("worker process %d ready for action: queues %s, %d thread(s), broker id %s", os.getpid(),
             ",".join(queues), threads, getattr(broker, "broker_id", "-"))
    while not stop.wait(1):
        pass
    log.info("worker process %d stopping: finishing the messages in hand", os.getpid())
    worker.stop(timeout=SHUTDOWN_TIMEOUT_MS)
    broker.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.process", description=__doc__)
    parser.add_argument("--queues", required=True, help="comma-separated queue names")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    return serve([q for q in args.queues.split(",") if q], args.threads)


if __name__ == "__main__":
    sys.exit(main())
