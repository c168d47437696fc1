"""Which stream clients have left, found for all of them at once.

A stream's client sends nothing after its request, so a socket that turns readable with no bytes
to read (EOF), or reports a hang-up or an error, belongs to a client that is gone. One non-blocking
poll() over every stream socket costs about as much as checking one, so the broadcaster sweeps
them all each second instead of each stream waking up to check its own. Under gevent the original
(unpatched) poll is used: with a zero timeout it never blocks, and gevent's own may not report
readiness without a turn of its loop.
"""

from __future__ import annotations

import select
import socket
import sys
from collections.abc import Callable, Iterable
from typing import Any

_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


def _poll_class() -> Callable[[], Any]:
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("select"):
        return monkey.get_original("select", "poll")  # type: ignore[no-any-return]
    return select.poll


def closed_sockets(connections: Iterable[socket.socket]) -> set[socket.socket]:
    """The sockets among `connections` whose peer has closed or reset the connection."""
    by_fd: dict[int, socket.socket] = {}
    gone: set[socket.socket] = set()
    for conn in connections:
        fd = conn.fileno()
        if fd < 0:
            gone.add(conn)
        else:
            by_fd[fd] = conn
    if not by_fd:
        return gone
    poller = _poll_class()()
    for fd in by_fd:
        poller.register(fd, select.POLLIN | select.POLLPRI)
    for fd, flags in poller.poll(0):
        conn = by_fd[fd]
        if flags & _GONE or _at_eof(conn):
            gone.add(conn)
    return gone


def _at_eof(conn: socket.socket) -> bool:
    """Called only on a readable socket, so the peek returns at once."""
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:  # reset by the peer
        return True
