"""The strategy catalog as services and the API see it: names, descriptions, parameter schemas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.marvin import registry
from app.marvin.params import ParamError
from app.services.errors import NotFound, ValidationFailed


def catalog() -> list[dict[str, Any]]:
    """The built-ins, then each user strategy from the configured strategy paths under the name a run takes
    (`module:Class`), so the forms offer them (trial 27: only the built-ins were listed, and a user's own
    strategies could be run only through the API or the command line)."""
    registry.rescan()
    out = [describe(cls) for cls in registry.list_strategies()]
    for name in registry.available_strategies():
        if ":" not in name:
            continue
        try:
            cls = registry.get_strategy(name)
        except registry.StrategyLoadError:
            continue
        out.append({**describe(cls), "name": name})
    return out


def describe(cls: Any) -> dict[str, Any]:
    return {
        "name": cls.name,
        "description": cls.description,
        "params_schema": cls.param_schema(),
        "multi_symbol": bool(cls.multi_symbol),
    }


def resolve(name: str, *, field: str = "strategy") -> Any:
    """The strategy class for a built-in name or a `package.module:Class` from a configured strategy path;
    anything else is a 422 listing the available names, and nothing is imported."""
    try:
        return registry.get_strategy(name)
    except registry.StrategyLoadError as exc:
        error = ValidationFailed({field: str(exc)})
        if exc.available is not None:
            error.details["available"] = exc.available
        raise error from None


def check_symbols(cls: Any, symbols: Sequence[str]) -> None:
    """Several symbols for a strategy that trades one are a 422 at `symbols` (not a run on the first)."""
    refusal = cls.symbols_refusal(symbols)
    if refusal is not None:
        raise ValidationFailed({"symbols": refusal})


def find(name: str) -> Any:
    try:
        return registry.get_strategy(name)
    except registry.StrategyLoadError as exc:
        raise NotFound(str(exc)) from None


def validate_params(cls: Any, params: dict[str, Any], *, field: str = "params") -> dict[str, Any]:
    """Params checked against the strategy's schema (defaults filled in), or per-field errors."""
    try:
        return cls.validate_params(params)
    except ParamError as exc:
        problems = exc.errors or {"": str(exc)}
        raise ValidationFailed({f"{field}.{name}" if name else field: why for name, why in problems.items()}) from None
