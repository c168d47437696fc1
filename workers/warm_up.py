"""Pay a worker process's one-time costs at boot, not in its first message: the modules a command
imports on first use (a quarter of a second: the first cell of a sweep waited for them), and the
garbage collector's walks over them.

`gc.freeze()` moves every object alive at boot (modules, classes, SQLAlchemy's mappers) out of the
collector's generations: the full collections that a backtest's millions of allocations trigger
then walk only what the backtests made, not the whole process.
"""

from __future__ import annotations

import gc
import importlib

MODULES = (
    "app.services.backtests",
    "app.services.commands",
    "app.services.results",
    "app.services.sweeps",
    "app.marvin.strategies",
)


def warm_up() -> None:
    for name in MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
