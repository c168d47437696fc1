"""Find a strategy class: a built-in by name (`sma_cross`) or a user's by path (`my_pkg.my_module:MyStrategy`).

User strategies come only from the places the owner configured (`WEAVER_STRATEGY_PATHS`: package names
or folders of .py files, set with `configure_sources` by each process's composition root). A name is
checked against the modules found there *before* anything is imported, so a request's text never
decides what gets imported. `load_strategy` (the command line's `--strategy pkg.module:Class`, typed by
the owner) imports any module on the path and makes it available to the rest of that process.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import os
import pkgutil
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from app.marvin.code_digest import loaded_digest
from app.marvin.strategies import BUILTINS
from app.marvin.strategy import Strategy

log = logging.getLogger(__name__)

_BY_NAME: dict[str, type[Strategy]] = {cls.name: cls for cls in BUILTINS}

_lock = threading.RLock()
_sources: tuple[str, ...] = ()
_modules: dict[str, Path | None] = {}  # module name -> its file for a folder's module, None for a package's
_trusted: set[str] = set()  # modules the command line named (load_strategy)


class StrategyLoadError(LookupError):
    """The strategy could not be found or is not a Strategy; the message says which part is wrong.
    `available` lists what may be asked for instead, when the name was not among the allowed ones."""

    def __init__(self, message: str, available: list[str] | None = None):
        super().__init__(message)
        self.available = available


def configure_sources(paths: Iterable[str]) -> None:
    """Allow user strategies from these packages (dotted names) or folders (of .py files), and no others.

    Only file names are looked at here; nothing is imported until a strategy is asked for by name."""
    global _sources
    given = tuple(p.strip() for p in paths if p and p.strip())
    found: dict[str, Path | None] = {}
    for source in given:
        folder = Path(source).expanduser()
        if os.sep in source or (os.altsep and os.altsep in source) or folder.is_dir() or source.endswith(".py"):
            found.update(_folder_modules(folder))
        else:
            found.update(_package_modules(source))
    with _lock:
        _sources = given
        _modules.clear()
        _modules.update(found)


def configured_sources() -> tuple[str, ...]:
    return _sources


def rescan() -> None:
    """Look at the configured places again: a strategy file added since the process started is found
    (its module is imported when first asked for; one imported already keeps the code it had)."""
    configure_sources(_sources)


def _folder_modules(folder: Path) -> dict[str, Path | None]:
    if not folder.is_dir():
        log.warning("strategy path %s is not a folder; no strategies loaded from it", folder)
        return {}
    return {file.stem: file.resolve() for file in sorted(folder.glob("*.py"))
            if file.stem.isidentifier() and file.stem != "__init__"}


def _package_modules(package: str) -> dict[str, Path | None]:
    """The package and every module below it, found from the file system (no submodule is imported)."""
    if not all(part.isidentifier() for part in package.split(".")):
        log.warning("strategy path %r is neither a folder nor a package name; ignored", package)
        return {}
    try:
        spec = importlib.util.find_spec(package)  # imports the parent packages only, which the owner named
    except (ImportError, ValueError) as exc:
        log.warning("strategy package %r cannot be found: %s", package, exc)
        return {}
    if spec is None:
        log.warning("strategy package %r cannot be found (is it on PYTHONPATH?)", package)
        return {}
    found: dict[str, Path | None] = {package: None}
    locations = list(spec.submodule_search_locations or [])
    pending = [(location, package) for location in locations]
    while pending:
        location, prefix = pending.pop()
        for info in pkgutil.iter_modules([location]):
            name = f"{prefix}.{info.name}"
            found[name] = None
            if info.ispkg:
                pending.append((os.path.join(location, info.name), name))
    return found


def available_strategies() -> list[str]:
    """Every name a request may use: the built-ins, then `module:Class` for each configured module's
    Strategy classes (importing those modules, which the owner chose; one that fails is skipped)."""
    names = sorted(_BY_NAME)
    with _lock:
        modules = sorted(set(_modules) | _trusted)
    for module_name in modules:
        try:
            module = _import_allowed(module_name)
        except StrategyLoadError as exc:
            log.warning("strategy module %s skipped: %s", module_name, exc)
            continue
        names.extend(f"{module_name}:{name}" for name, value in sorted(vars(module).items())
                     if inspect.isclass(value) and issubclass(value, Strategy) and value is not Strategy
                     and not inspect.isabstract(value) and value.__module__ == module.__name__)
    return names


def _import_allowed(module_name: str):  # noqa: ANN202 - a module
    with _lock:
        if module_name not in _modules and module_name not in _trusted:
            raise StrategyLoadError(f"module {module_name!r} is not in a configured strategy path")
        file = _modules.get(module_name)
    try:
        if file is None:
            return importlib.import_module(module_name)
        return _import_file(module_name, file)
    except StrategyLoadError:
        raise
    except Exception as exc:  # a user module may fail in any way while importing
        raise StrategyLoadError(f"module {module_name!r} failed to import: {type(exc).__name__}: {exc}") from exc


def _import_file(module_name: str, file: Path):  # noqa: ANN202 - a module
    with _lock:
        existing = sys.modules.get(module_name)
        if existing is not None:
            if Path(getattr(existing, "__file__", "") or "").resolve() == file:
                return existing
            raise StrategyLoadError(f"strategy file {file} is named like the module {module_name!r} "
                                    f"that is already loaded; rename the file")
        spec = importlib.util.spec_from_file_location(module_name, file)
        if spec is None or spec.loader is None:
            raise StrategyLoadError(f"cannot load strategy file {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        return module


def list_strategies() -> list[type[Strategy]]:
    """Built-in strategies, sorted by name (each has .name, .description, .param_schema())."""
    return [_BY_NAME[name] for name in sorted(_BY_NAME)]


def get_strategy(name: str) -> type[Strategy]:
    """A built-in by registry name, or a user strategy `module:Class` whose module is in a configured
    strategy path (checked before anything is imported). What a request or a stored run names goes here."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    module_name, sep, attribute = name.partition(":")
    with _lock:
        allowed = bool(sep) and (module_name in _modules or module_name in _trusted)
    if not allowed and sep and _sources:  # a file added since the places were last looked at (trial 28)
        rescan()
        with _lock:
            allowed = module_name in _modules
    if not allowed:
        available = available_strategies()
        where = ("built-in, or 'module:Class' from a configured strategy path (WEAVER_STRATEGY_PATHS)")
        raise StrategyLoadError(f"unknown strategy {name!r}: a strategy must be {where}; "
                                f"available: {', '.join(available)}", available)
    if not attribute or ":" in attribute:
        raise StrategyLoadError(f"strategy path {name!r} must look like 'package.module:ClassName'")
    return _class_of(_import_allowed(module_name), name, module_name, attribute)


def load_strategy(path: str) -> type[Strategy]:
    """Import `package.module:ClassName` from anywhere on the path and check it is a concrete Strategy
    subclass. Only for a name the owner typed (the command line); the module is then available to
    `get_strategy` in this process. Never call it with a request's text."""
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
    target = _class_of(module, path, module_name, attribute)
    with _lock:
        _trusted.add(module_name)
    return target


def _class_of(module: object, path: str, module_name: str, attribute: str) -> type[Strategy]:
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
    loaded_digest(target)  # the code this process runs is the file as it is now, as it is imported
    return target
