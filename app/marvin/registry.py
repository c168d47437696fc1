"""Find a strategy class: a built-in by name (`sma_cross`) or a user's by path (`my_pkg.my_module:MyStrategy`)."""

from __future__ import annotations

import importlib
import inspect

from app.marvin.strategies import BUILTINS
from app.marvin.strategy import Strategy

_BY_NAME: dict[str, type[Strategy]] = {cls.name: cls for cls in BUILTINS}


class StrategyLoadError(LookupError):
    """The strategy could not be found or is not a Strategy; the message says which part is wrong."""


def list_strategies() -> list[type[Strategy]]:
    """Built-in strategies, sorted by name (each has .name, .description, .param_schema())."""
    return [_BY_NAME[name] for name in sorted(_BY_NAME)]


def get_strategy(name: str) -> type[Strategy]:
    """A built-in by registry name, or a user strategy when `name` is a `module:Class` path."""
    if ":" in name:
        return load_strategy(name)
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(_BY_NAME))
        raise StrategyLoadError(
            f"unknown strategy {name!r}: built-ins are {known}; load your own as 'package.module:ClassName'"
        ) from None


def load_strategy(path: str) -> type[Strategy]:
    """Import `package.module:ClassName` and check it is a concrete Strategy subclass."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute or ":" in attribute:
        raise StrategyLoadError(f"strategy path {path!r} must look like 'package.module:ClassName'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise StrategyLoadError(f"cannot import module {module_name!r} for strategy {path!r}: "
                                    f"no module named {exc.name!r} (is it on PYTHONPATH?)") from exc
        raise StrategyLoadError(f"module {module_name!r} failed to import: {exc}") from exc
    except Exception as exc:  # a user module may fail in any way while importing
        raise StrategyLoadError(f"module {module_name!r} failed to import: {type(exc).__name__}: {exc}") from exc
    try:
        target = getattr(module, attribute)
    except AttributeError:
        found = sorted(n for n, v in vars(module).items()
                       if inspect.isclass(v) and issubclass(v, Strategy) and v is not Strategy)
        hint = f"; Strategy classes there: {', '.join(found)}" if found else ""
        raise StrategyLoadError(f"module {module_name!r} has no attribute {attribute!r}{hint}") from None
    if not inspect.isclass(target) or not issubclass(target, Strategy):
        kind = "a class" if inspect.isclass(target) else type(target).__name__
        raise StrategyLoadError(f"{path!r} is {kind}, not a subclass of app.marvin.Strategy")
    if target is Strategy:
        raise StrategyLoadError(f"{path!r} is the Strategy base class itself; point at your subclass")
    return target
