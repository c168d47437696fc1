"""The batch hot loop, generated for the Lines a strategy actually reads.

A generic loop (`for append, source in lines: append(source[i])`) costs more per bar than the work
it does, so the runner writes the loop out for the exact set of Lines, with every name bound as a
local (default arguments), the way `dataclasses` and `namedtuple` generate their methods. The loop:
1. lets the venue (Greta's broker) fill orders placed on the previous bar, only when some are pending;
2. appends this bar's value to each Line (symbols without a bar at this step are skipped);
3. sets the runner's index and calls `next()`;
4. returns early when the strategy subscribed a new Line, so the runner can rebuild the loop.
"""

from __future__ import annotations

from collections.abc import Callable
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
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<marvin.stepper>", "exec"), dict(bound), namespace)  # noqa: S102
    return namespace["step"]
