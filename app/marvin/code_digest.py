"""Which code a run traded with: a digest of the strategy's source file, taken when this process loaded it.

A worker keeps the module it imported until it restarts, so an edited file changes nothing until then; and
after a restart a live run goes on with the new code while its records came from the old. Both were silent
(trial 27: a drift report read "they asked differently: limit 409.97 live, 409.93 in the backtest" after an
edit, with nothing said of it). A run records the digest its worker started it with; the drift report and a
restarted run compare it with theirs, and say so when they differ."""

from __future__ import annotations

import hashlib
import inspect
import os
import threading

_lock = threading.Lock()
_loaded: dict[str, str | None] = {}  # module → its file's digest when first asked for in this process


def file_digest(cls: type) -> str | None:
    """The strategy's source file's digest as it is on disk now (None when it has no file)."""
    try:
        with open(inspect.getfile(cls), "rb") as source:
            return hashlib.sha256(source.read()).hexdigest()[:12]
    except (TypeError, OSError):
        return None


def loaded_digest(cls: type) -> str | None:
    """The digest of the code this process runs: the file as it was when the strategy was first asked for
    here (the registry asks as it imports the module)."""
    with _lock:
        if cls.__module__ not in _loaded:
            _loaded[cls.__module__] = file_digest(cls)
        return _loaded[cls.__module__]


def changed_since(cls: type, recorded: str | None) -> str | None:
    """The strategy's file name when the code this process runs is not the code whose digest a run
    recorded (`recorded`); None when it is, or when either is unknown."""
    loaded = loaded_digest(cls)
    return file_name(cls) if recorded and loaded and recorded != loaded else None


def edited_since_loaded(cls: type) -> str | None:
    """The strategy's file name when it was edited after this process loaded it (the edit waits for a
    restart); None when not."""
    loaded, now = loaded_digest(cls), file_digest(cls)
    return file_name(cls) if loaded and now and now != loaded else None


def file_name(cls: type) -> str:
    try:
        return os.path.basename(inspect.getfile(cls))
    except TypeError:
        return cls.__module__
