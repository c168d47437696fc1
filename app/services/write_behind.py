"""A thread beside each worker thread for the transaction between two sweep cells.

That transaction (store the cell that finished, claim the one after the next) mostly waits: on the
round trips, on Postgres working on the other core, on the commit's flush to disk. Run in the
worker's own thread, all of that waiting sat between two cells' engine runs; run here, it overlaps
the next cell's run. One writer per worker thread, so a worker's transactions keep their order.
The caller's context (correlation ids, log fields) goes along: the events it writes are the same.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_writers = threading.local()


def write_behind(work: Callable[[], T]) -> Future[T]:
    """Start `work` in this thread's writer; its result (or exception) comes from `.result()`."""
    writer: ThreadPoolExecutor | None = getattr(_writers, "executor", None)
    if writer is None:
        writer = _writers.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cell-writer")
    return writer.submit(contextvars.copy_context().run, work)
