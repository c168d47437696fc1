"""Lines: what a strategy reads in `next()`, and the recorded recipes that produce them.

A Line is a Python list holding a series *up to the current bar*: `line[-1]` is now, `line[-2]` the
bar before. The runner appends one value per bar, so a future value is never in the list and cannot
be read by accident, and reading one costs a C-level list index (the hot loop runs a million bars
a second). Indicators are declared in `init()` as recipes (IndicatorSpec), computed vectorised over
the whole history, and recomputed from the recipe when live trading grows the history by one bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from app.marvin import indicator_memo
from app.marvin.bars import COLUMNS

if TYPE_CHECKING:
    from app.marvin.runner import StrategyRunner


class StrategyError(Exception):
    """A strategy used the API wrongly (the message says how to fix it)."""


@dataclass(frozen=True, slots=True)
class ColumnRef:
    symbol: str
    column: str


@dataclass(frozen=True, slots=True)
class OutputRef:
    indicator: int  # position in the runner's list of specs
    output: int


Ref = ColumnRef | OutputRef


def _no_math(self: Line, *_: object) -> Any:
    raise TypeError(
        f"line {self.name!r} is a list of values up to now, not an array: read line[-1] in next(), "
        "or compute derived series in a function passed to self.I()"
    )


class Line(list):  # type: ignore[type-arg]
    """A series up to the current bar: `line[-1]` is the current value, `len(line)` the bars so far."""

    __slots__ = ("name", "symbol", "ref", "__weakref__")

    def __init__(self, name: str, symbol: str, ref: Ref, values: list[float] | None = None):
        super().__init__(values or ())
        self.name = name
        self.symbol = symbol
        self.ref = ref

    @property
    def value(self) -> float:
        """The current value (NaN before the first bar); `line[-1]` is the faster spelling."""
        return self[-1] if self else math.nan

    def __repr__(self) -> str:
        return f"Line({self.name!r}, {len(self)} values)"

    # Lists would concatenate, repeat or compare lexicographically without complaint; for a series
    # each of those is a bug, so they fail loudly instead.
    __add__ = __radd__ = __iadd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __imul__ = _no_math
    __truediv__ = __rtruediv__ = __lt__ = __le__ = __gt__ = __ge__ = _no_math
    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class IndicatorSpec:
    """How to compute one indicator from data columns, other indicators and constants."""

    name: str
    func: Callable[..., Any]
    args: tuple[Any, ...]  # Ref or constant
    kwargs: tuple[tuple[str, Any], ...]
    symbol: str  # its values follow this symbol's bars
    outputs: int = 1
    plot: str | None = None  # PANES: where a chart draws it; None: not drawn (e.g. a crossover signal)
    labels: tuple[str, ...] = ()  # one per output of a multi-output indicator ("upper", "middle", "lower")


PANES = ("price", "separate")  # over the candles (same scale), or in a pane of its own below them


@dataclass(frozen=True)
class PlottedLine:
    """One drawn output of an indicator a strategy declared with `plot=`: its values over the symbol's bars."""

    name: str
    pane: str
    symbol: str
    values: np.ndarray


def compute(spec: IndicatorSpec, resolve: Callable[[Ref], np.ndarray], length: int) -> list[np.ndarray]:
    """Run a spec's function and check what came back: one float array per output, `length` long."""
    args = [resolve(a) if isinstance(a, ColumnRef | OutputRef) else a for a in spec.args]
    kwargs = {k: resolve(v) if isinstance(v, ColumnRef | OutputRef) else v for k, v in spec.kwargs}
    return indicator_memo.compute(spec.func, args, kwargs, lambda: _checked(spec, spec.func(*args, **kwargs), length))


def _checked(spec: IndicatorSpec, result: Any, length: int) -> list[np.ndarray]:
    outputs = list(result) if isinstance(result, tuple | list) else [result]
    arrays: list[np.ndarray] = []
    for position, output in enumerate(outputs):
        array = np.asarray(output, dtype=np.float64)
        if array.shape != (length,):
            raise StrategyError(
                f"indicator {spec.name!r} output {position} has shape {array.shape}, expected ({length},): "
                "an indicator returns one value per bar of its input"
            )
        arrays.append(array)
    return arrays


def spec_name(func: Callable[..., Any], args: tuple[Any, ...], given: str | None) -> str:
    if given:
        return given
    label = getattr(func, "__name__", "indicator")
    params = [str(a) for a in args if isinstance(a, int | float | str) and not isinstance(a, bool)]
    return f"{label}({','.join(params)})" if params else label


class Feed:
    """One symbol as a strategy sees it: `feed.close[-1]` is this symbol's latest close.

    Columns are Lines made on first use, so a strategy pays per bar only for the columns it reads.
    """

    def __init__(self, runner: StrategyRunner, symbol: str):
        self.symbol = symbol
        self._runner = runner

    def __getattr__(self, name: str) -> Line:
        # Only called when the attribute is missing: the Line is cached in the instance dict, so
        # later reads are plain attribute lookups.
        if name not in COLUMNS:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}; columns: {', '.join(COLUMNS)}")
        line = self._runner._column_line(self.symbol, name)
        self.__dict__[name] = line
        return line

    def __len__(self) -> int:
        """Bars of this symbol seen so far."""
        return self._runner._bars_seen(self.symbol)

    def __repr__(self) -> str:
        return f"Feed({self.symbol!r})"
