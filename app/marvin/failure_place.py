"""Where in a strategy's own file an exception was raised: "boom.py, line 22", the same words for a backtest's
error and a paper run's (trial 28: the backtest named the line, the paper run of the same strategy did not)."""

from __future__ import annotations

import inspect
import os
import traceback


def place_in(exc: BaseException, strategy: type | None) -> str | None:
    """The strategy file's name and the line of the deepest frame of `exc`'s traceback in it; None when the
    traceback never passes through that file (the error is not the strategy's code)."""
    if strategy is None:
        return None
    try:
        source = os.path.realpath(inspect.getfile(strategy))
    except (TypeError, OSError):
        return None
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if os.path.realpath(frame.f_code.co_filename) == source:
            line = lineno
    return None if line is None else f"{os.path.basename(source)}, line {line}"
