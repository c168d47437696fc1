"""Under gevent, a psycopg connection that waits only when its socket is not ready yet.

psycopg's gevent-aware wait (chosen when `select` is patched) polls through gevent at every step of a
statement, and a gevent poll always hands the loop a turn: every other ready greenlet runs before the
request goes on, even when the socket already holds the answer. Most steps find it ready (sending a
statement, the second and third parts of a 30 KB page), so a runs page made 3 such turns for one
statement and 8 for a pipelined pair, each costing the request the other requests' work under load.
Here each step first asks the original (unpatched) poll with a zero timeout, which never blocks, and
only a step whose socket is not ready goes to psycopg's wait, which yields to gevent as before.
"""

from __future__ import annotations

import select
import sys
from collections.abc import Callable, Generator
from typing import Any

import psycopg
from psycopg import waiting

_MASKS = {waiting.WAIT_R: select.POLLIN, waiting.WAIT_W: select.POLLOUT,
          waiting.WAIT_RW: select.POLLIN | select.POLLOUT}


def original_poll() -> Callable[[], Any] | None:
    """The unpatched `select.poll` when gevent has patched `select`, else None (nothing to do)."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("select"):
        return monkey.get_original("select", "poll")  # type: ignore[no-any-return]
    return None


def eager(gen: Generator[Any, Any, Any], fileno: int, make_poll: Callable[[], Any]) -> Generator[Any, Any, Any]:
    """`gen`'s steps taken at once while the socket is ready for them; the others yielded to the caller's wait."""
    poll = make_poll()
    try:
        state = next(gen)
    except StopIteration as done:  # nothing to wait for
        return done.value
    poll.register(fileno, _MASKS[state])
    while True:
        events = poll.poll(0)
        found = events[0][1] if events else 0
        ready = (waiting.READY_R if found & select.POLLIN else 0) | (waiting.READY_W if found & select.POLLOUT else 0)
        if not ready:  # not ready yet (or an error: psycopg's own wait reports it)
            ready = yield state
        try:
            state = gen.send(ready)
        except StopIteration as done:
            return done.value
        poll.modify(fileno, _MASKS[state])


class EagerConnection(psycopg.Connection[Any]):
    """A connection whose waits go to gevent only when its socket is not ready (see the module)."""

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        make_poll = original_poll()
        if make_poll is None:
            return super().wait(gen, *args, **kwargs)
        return super().wait(eager(gen, self.pgconn.socket, make_poll), *args, **kwargs)


def connect_eagerly(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """SQLAlchemy's `do_connect` hook: an `EagerConnection` under gevent, else the default connect (None)."""
    if original_poll() is None:
        return None
    return EagerConnection.connect(*cargs, **cparams)
