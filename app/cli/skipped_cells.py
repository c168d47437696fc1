"""The grid cells a sweep or walk-forward skipped, one line per reason (not one per cell: a rule such
as fast < slow skips a block of the grid, and printing its reason once per cell buried the table)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def skipped_lines(skipped: Iterable[tuple[Mapping[str, Any], str]], verb: str = "skipped") -> list[str]:
    """`skipped fast=40, slow=30: <reason>` for a reason one cell has; `skipped 4 cells (fast=30, slow=20;
    fast=30, slow=25; …): <reason>` for a reason several share, in the grid's order."""
    by_reason: dict[str, list[str]] = {}
    for params, reason in skipped:
        by_reason.setdefault(reason, []).append(", ".join(f"{k}={v}" for k, v in params.items()))
    return [f"{verb} {cells[0]}: {reason}" if len(cells) == 1
            else f"{verb} {len(cells)} cells ({'; '.join(cells)}): {reason}" for reason, cells in by_reason.items()]
