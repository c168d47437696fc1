"""The batch hot loop, generated for the Lines a strategy actually reads.

A generic loop (`for append, source in lines: append(source[i])`) costs more per bar than the work
it does, so the runner writes the loop out for the exact set of Lines, with every name bound as a
local (default arguments), the way `dataclasses` and `namedtuple` generate their methods. The loop:
1. lets the venue (Greta's broker) fill orders placed on the previous bar, only when some are pending;
2. appends this bar's value to each Line (symbols without a bar at this step are skipped);
3. sets the runner's index and calls `next()`;
4. returns early when the strategy subscribed a new Line, so the runner can rebuild the loop.

A strategy with `next_only_when` (a signal Line) gets the sparse loop (`compile_sparse_stepper`): next() only
on the bars where that line is non-zero, the Lines brought up to date in one slice just before, and
the broker on every bar while it has orders working.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from types import CodeType
from typing import Any

Source = tuple[Callable[[Any], None], list[Any]]


def compile_stepper(runner: Any, venue: Any, next_bar: Callable[[], None], groups: dict[int, list[Source]],
                    rows: dict[int, list[int]] | None) -> Callable[[int, int], int]:
    """`groups`: symbol index → (append, source values) per Line; `rows`: symbol index → row at each
    step (-1 without a bar), or None when every symbol has a bar at every step."""
    bound: dict[str, Any] = {"runner": runner, "venue": venue, "next_bar": next_bar}
    body: list[str] = []
    for g, (k, sources) in enumerate(groups.items()):
        calls = []
        for j, (append, values) in enumerate(sources):
            bound[f"a{g}_{j}"], bound[f"s{g}_{j}"] = append, values
            calls.append(f"a{g}_{j}(s{g}_{j}[{'i' if rows is None else 'r'}])")
        if rows is None:
            body += calls
        else:
            bound[f"rows{g}"] = rows[k]
            body += [f"r = rows{g}[i]", "if r >= 0:"] + [f"    {call}" for call in calls]
    lines = [f"def step(start, stop, {', '.join(f'{name}={name}' for name in bound)}):",
             "    for i in range(start, stop):"]
    if venue is not None:
        lines += ["        if venue.pending:", "            venue.on_bar(i)"]
    lines += [f"        {line}" for line in body]
    lines += ["        runner.index = i", "        next_bar()", "        if runner.dirty:", "            return i + 1",
              "    return stop"]
    return _define("\n".join(lines), "<marvin.stepper>", bound)


def compile_sparse_stepper(runner: Any, venue: Any, next_bar: Callable[[], None], sources: list[Source],
                           wake: list[int]) -> Callable[[int, int], int]:
    """`sources`: (append, source values) per Line, every symbol with a bar at every step; `wake`: the
    sorted steps on which next() runs. Between them the Lines are not touched (nothing reads them)
    and only the venue works, bar by bar, while `venue.pending`; at a wake step, and at the end of the
    range, each Line is extended to the step in one slice, so next() and whoever reads the Lines after
    the run see what the dense loop leaves."""
    bound: dict[str, Any] = {"runner": runner, "venue": venue, "next_bar": next_bar, "wake": wake,
                             "bisect_left": bisect_left}
    for j, (append, values) in enumerate(sources):
        bound[f"l{j}"], bound[f"s{j}"] = append.__self__, values  # type: ignore[attr-defined]

    def catch_up(upto: str, indent: str) -> list[str]:
        return [f"{indent}l{j}.extend(s{j}[len(l{j}):{upto}])" for j in range(len(sources))]

    lines = [f"def step(start, stop, {', '.join(f'{name}={name}' for name in bound)}):",
             "    pos, last, i = bisect_left(wake, start), len(wake), start",
             "    while i < stop:",
             "        due = wake[pos] if pos < last and wake[pos] < stop else stop",
             *(["        while i < due and venue.pending:",
                "            venue.on_bar(i)",
                "            i += 1"] if venue is not None else []),
             "        if due == stop:",
             "            break",
             "        i = due",
             *(["        if venue.pending:",
                "            venue.on_bar(i)"] if venue is not None else []),
             *catch_up("i + 1", "        "),
             "        runner.index = i",
             "        next_bar()",
             "        pos += 1",
             "        i += 1",
             "        if runner.dirty:",
             "            return i",
             *catch_up("stop", "    "),
             "    if stop > start:",
             "        runner.index = stop - 1",
             "    return stop"]
    return _define("\n".join(lines), "<marvin.sparse_stepper>", bound)


@lru_cache(maxsize=256)
def _compiled(source: str, filename: str) -> CodeType:
    """A loop's code, compiled once per shape: a sweep runs the same strategy cell after cell, and
    compiling cost a 39,000-bar cell more than 1 % of its time."""
    return compile(source, filename, "exec")


def _define(source: str, filename: str, bound: dict[str, Any]) -> Callable[[int, int], int]:
    """The `step` function the source defines, its defaults bound to this run's objects."""
    namespace: dict[str, Any] = {}
    exec(_compiled(source, filename), dict(bound), namespace)  # noqa: S102
    return namespace["step"]
