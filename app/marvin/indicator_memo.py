"""Built-in indicators computed once per process for the same bars and arguments.

A sweep runs one strategy over the same bars cell after cell: 48 SMA-crossover cells declare 96
moving averages but only 14 different ones, and computing them was a fifth of a cell. Only Weaver's
own indicators (app.marvin.indicators, pure functions of their inputs) are remembered, only over
read-only arrays (bar columns, or outputs remembered here, which are made read-only), so the same
key can only ever mean the same values. A BarFrame's columns are read-only views, and nothing writes
into the arrays under them afterwards (a live run's history grows by concatenation, into new arrays).
A user's indicator function is always called. The memo is bounded; big series (a million-bar
backtest runs once) are not kept at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from app.marvin import indicators

MAX_BYTES = 64 << 20  # everything remembered, outputs and the inputs they pin
MAX_ENTRY_BYTES = 4 << 20  # 500,000 bars: longer series are computed every time

_lock = threading.Lock()
# key -> (the argument arrays, pinned so their ids stay theirs while the entry lives; outputs; bytes)
_entries: OrderedDict[Hashable, tuple[tuple[np.ndarray, ...], list[np.ndarray], int]] = OrderedDict()
_held = [0]
stats = {"hits": 0, "misses": 0}


def compute(func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any],
            call: Callable[[], list[np.ndarray]]) -> list[np.ndarray]:
    """`call()`'s outputs, remembered when `func` is a built-in indicator over read-only arrays."""
    key, pinned = _key(func, args, kwargs)
    if key is None:
        return call()
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            _entries.move_to_end(key)
            stats["hits"] += 1
            return list(entry[1])
    outputs = call()
    size = sum(a.nbytes for a in outputs) + sum(a.nbytes for a in pinned)
    if size > MAX_ENTRY_BYTES:
        return outputs
    for output in outputs:
        output.flags.writeable = False  # shared by every run that asks again
    with _lock:
        stats["misses"] += 1
        if key not in _entries:
            _entries[key] = (pinned, outputs, size)
            _held[0] += size
        while _held[0] > MAX_BYTES and _entries:
            _held[0] -= _entries.popitem(last=False)[1][2]
    return outputs


def clear() -> None:
    with _lock:
        _entries.clear()
        _held[0] = 0
        stats.update(hits=0, misses=0)


def _key(func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
         ) -> tuple[Hashable | None, tuple[np.ndarray, ...]]:
    if getattr(func, "__module__", None) != indicators.__name__:
        return None, ()
    pinned: list[np.ndarray] = []
    parts: list[Hashable] = [func]
    for name, value in [(None, a) for a in args] + sorted(kwargs.items()):
        if isinstance(value, np.ndarray):
            if value.flags.writeable:
                return None, ()  # it could change under the remembered outputs
            pinned.append(value)
            parts.append((name, "array", id(value)))
        elif isinstance(value, int | float | str | bool | None):
            parts.append((name, type(value).__name__, value))
        else:
            return None, ()
    return tuple(parts), tuple(pinned)
