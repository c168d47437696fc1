"""The grid the sweep form proposes for each built-in strategy is one the strategy accepts in full: no
cell skipped because, say, sma_cross's fast would not be below its slow ("6 done, 3 skipped of 9")."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from app.marvin import Int, ParamError, Strategy
from app.marvin.registry import list_strategies


def proposed_grid(schema: dict[str, Any]) -> dict[str, list[Any]]:
    """The form's rule (ui/src/features/sweeps/components/SweepForm.tsx, initialGrid): the first two
    integer-then-number parameters, each over its declared "x-sweep" values or half, default, double."""
    props = schema["properties"]
    numeric = [n for kind in ("integer", "number") for n, p in props.items() if p["type"] == kind]
    grid: dict[str, list[Any]] = {}
    for name in numeric[:2]:
        prop = props[name]
        if "x-sweep" in prop:
            grid[name] = list(prop["x-sweep"])
            continue
        d = prop.get("default", prop.get("minimum", 1))
        values = [round(d / 2), d, d * 2] if prop["type"] == "integer" else [d / 2, d, d * 2]
        grid[name] = list(dict.fromkeys(v for v in values if prop.get("minimum", v) <= v <= prop.get("maximum", v)))
    return grid


@pytest.mark.parametrize("strategy", list_strategies(), ids=lambda s: s.name)
def test_every_cell_of_the_proposed_grid_is_valid(strategy: type[Strategy]) -> None:
    grid = proposed_grid(strategy.param_schema())
    refused = []
    for combo in itertools.product(*grid.values()):
        cell = dict(zip(grid, combo, strict=True))
        try:
            strategy.validate_params(cell)
        except ParamError as exc:
            refused.append((cell, exc.errors))
    assert refused == []


def test_sma_cross_proposes_nine_valid_cells_around_its_defaults() -> None:
    grid = proposed_grid(next(s for s in list_strategies() if s.name == "sma_cross").param_schema())
    assert grid == {"fast": [5, 10, 15], "slow": [20, 40, 80]}


def test_a_sweep_value_outside_the_bounds_is_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match="sweep value 1 is invalid: must be >= 2"):
        Int(10, min=2, sweep=(1, 10))
