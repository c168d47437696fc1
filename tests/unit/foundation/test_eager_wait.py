"""The eager wait: a psycopg step whose socket is already ready is taken without a turn of gevent's loop."""

from __future__ import annotations

import select
import socket
from collections.abc import Generator
from typing import Any

import pytest
from psycopg import waiting

from app.walle.eager_wait import eager


def one_read() -> Generator[Any, Any, str]:
    """A psycopg-style generator: wait until readable, then finish with what it was told."""
    ready = yield waiting.WAIT_R
    return f"ready={int(ready)}"


@pytest.fixture
def pair() -> Generator[tuple[socket.socket, socket.socket], None, None]:
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


def test_a_step_whose_socket_is_ready_is_taken_without_yielding(pair: tuple[socket.socket, socket.socket]) -> None:
    reader, writer = pair
    writer.send(b"x")
    with pytest.raises(StopIteration) as done:
        next(eager(one_read(), reader.fileno(), select.poll))
    assert done.value.value == f"ready={int(waiting.READY_R)}"


def test_a_step_whose_socket_is_not_ready_goes_to_the_callers_wait(pair: tuple[socket.socket, socket.socket]) -> None:
    reader, _ = pair
    steps = eager(one_read(), reader.fileno(), select.poll)
    assert next(steps) == waiting.WAIT_R  # nothing to read yet: the caller (gevent's wait) waits
    with pytest.raises(StopIteration) as done:
        steps.send(waiting.READY_R)
    assert done.value.value == f"ready={int(waiting.READY_R)}"


def test_a_generator_with_nothing_to_wait_for_finishes_at_once(pair: tuple[socket.socket, socket.socket]) -> None:
    def nothing() -> Generator[Any, Any, str]:
        return "done"
        yield  # a generator all the same

    with pytest.raises(StopIteration) as done:
        next(eager(nothing(), pair[0].fileno(), select.poll))
    assert done.value.value == "done"
