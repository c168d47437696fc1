"""Strategy parameters: declared on the strategy class, validated before a run, rendered as JSON Schema.

Declared objects rather than bare class attributes because the REST API and the UI build forms from
the types, bounds and descriptions, and a bad value must fail before the run starts, with a message
per field, not halfway through a backtest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_JSON_TYPES = {"int": "integer", "float": "number", "bool": "boolean", "choice": "string"}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class ParamError(ValueError):
    """Parameters were refused; `errors` maps each offending field to a readable reason."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(sorted(errors.items()))
        super().__init__("invalid parameters: " + "; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Param:
    """One typed parameter; `default=None` makes it required."""

    kind: str  # "int" | "float" | "bool" | "choice"
    default: Any = None
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    description: str = ""
    # The values a sweep form proposes for this parameter (schema "x-sweep"): declared where the form's
    # own guess (half, default, double) would break the strategy's cross-check, e.g. sma_cross fast < slow.
    sweep: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in _JSON_TYPES:
            raise TypeError(f"unknown parameter kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise TypeError("a choice parameter needs choices")
        if self.default is not None:
            _, problem = self.check(self.default)
            if problem:
                raise TypeError(f"default {self.default!r} is invalid: {problem}")
        for value in self.sweep:
            _, problem = self.check(value)
            if problem:
                raise TypeError(f"sweep value {value!r} is invalid: {problem}")

    def check(self, value: Any) -> tuple[Any, str | None]:
        """(normalised value, None) or (None, reason)."""
        checker: Callable[[Any], tuple[Any, str | None]] = getattr(self, f"_check_{self.kind}")
        value, problem = checker(value)
        if problem is None and self.min is not None and value < self.min:
            problem = f"must be >= {_number(self.min)}"
        if problem is None and self.max is not None and value > self.max:
            problem = f"must be <= {_number(self.max)}"
        return (None, problem) if problem else (value, None)

    def _check_int(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "must be an integer"
        if isinstance(value, float) and not value.is_integer():  # JSON may send 10.0
            return None, "must be an integer"
        return int(value), None

    def _check_float(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "must be a number"
        if not math.isfinite(value):
            return None, "must be a finite number"
        return float(value), None

    def _check_bool(self, value: Any) -> tuple[Any, str | None]:
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")

    def _check_choice(self, value: Any) -> tuple[Any, str | None]:
        if value in self.choices:
            return value, None
        return None, "must be one of " + ", ".join(self.choices)

    def parse(self, text: str) -> Any:
        """Text from a command line or query string → a typed value (then `check` it)."""
        raw = text.strip()
        try:
            if self.kind == "int":
                return int(raw)
            if self.kind == "float":
                return float(raw)
        except ValueError:
            return raw  # `check` reports the type error with the usual wording
        if self.kind == "bool" and raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        return raw

    def schema(self) -> dict[str, Any]:
        """This parameter as a JSON Schema property."""
        out: dict[str, Any] = {"type": _JSON_TYPES[self.kind]}
        if self.kind == "choice":
            out["enum"] = list(self.choices)
        if self.default is not None:
            out["default"] = self.default
        if self.min is not None:
            out["minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        if self.description:
            out["description"] = self.description
        if self.sweep:
            out["x-sweep"] = list(self.sweep)
        return out


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def Int(default: int | None = None, *, min: int | None = None, max: int | None = None,  # noqa: N802
        description: str = "", sweep: tuple[int, ...] = ()) -> Any:
    return Param("int", default, min, max, (), description, tuple(sweep))


def Float(default: float | None = None, *, min: float | None = None, max: float | None = None,  # noqa: N802
          description: str = "", sweep: tuple[float, ...] = ()) -> Any:
    return Param("float", default, min, max, (), description, tuple(sweep))


def Bool(default: bool | None = None, *, description: str = "") -> Any:  # noqa: N802
    return Param("bool", default, None, None, (), description)


def Choice(choices: tuple[str, ...] | list[str], default: str | None = None, *,  # noqa: N802
           description: str = "") -> Any:
    return Param("choice", default, None, None, tuple(choices), description)


def validate(specs: Mapping[str, Param], params: Mapping[str, Any],
             cross_check: Callable[[dict[str, Any]], Mapping[str, str]] | None = None) -> dict[str, Any]:
    """Typed values for every declared parameter (defaults filled in), or ParamError with every problem."""
    errors: dict[str, str] = {name: unknown_parameter(specs) for name in params if name not in specs}
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in params:
            value, problem = spec.check(params[name])
            if problem:
                errors[name] = problem
            else:
                values[name] = value
        elif spec.default is None:
            errors[name] = "required"
        else:
            values[name] = spec.default
    if not errors and cross_check is not None:
        errors.update(cross_check(values))
    if errors:
        raise ParamError(errors)
    return values


def schema(specs: Mapping[str, Param], title: str = "", description: str = "") -> dict[str, Any]:
    """JSON Schema for a parameter set: the UI renders a form from it, the API validates against it."""
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: spec.schema() for name, spec in specs.items()},
        "required": [name for name, spec in specs.items() if spec.default is None],
        "additionalProperties": False,
    }
    if title:
        out["title"] = title
    if description:
        out["description"] = description
    return out


def unknown_parameter(specs: Mapping[str, Any]) -> str:
    """A parameter the strategy lacks, said with the ones it has (trial 26: `--param fsat=5` read only
    "unknown parameter")."""
    return f"unknown parameter; the parameters are {', '.join(specs) or 'none'}"


def unknown_parameters(strategy: str, specs: Any, names: Mapping[str, Any]) -> str | None:
    """The parameters (a grid's, or the fixed ones) the strategy lacks, said once by name with the ones it
    has (rather than as every cell's "unknown parameter"); None when it has them all. The sweep and
    walk-forward APIs and `weaver sweep` all say it."""
    unknown = [name for name in names if name not in specs]
    if not unknown:
        return None
    return (f"{strategy} has no parameter {', '.join(map(repr, unknown))}; its parameters are "
            f"{', '.join(specs) or 'none'}")


MAX_RANGE = 500  # values one grid range may give (Haro's grid editor's limit too)


class RangeError(ValueError):
    """A grid range refused; `malformed` when it is not START:STOP[:STEP] in numbers at all."""

    def __init__(self, reason: str, *, malformed: bool = False):
        self.malformed = malformed
        super().__init__(reason)


def range_values(text: str) -> list[Decimal]:
    """A grid range `START:STOP[:STEP]` (step 1 if left out) as its values: from START up by STEP, STOP
    included when a step lands on it (`2:20:4` is 2, 6, 10, 14, 18), as Haro's grid editor reads a range.
    `weaver sweep --grid`, `weaver walkforward run --grid` and the sweep and walk-forward APIs all read it
    here, so a range means one thing everywhere."""
    parts = [p.strip() for p in text.split(":")]
    try:
        if len(parts) not in (2, 3):
            raise InvalidOperation
        start, stop = Decimal(parts[0]), Decimal(parts[1])
        step = Decimal(parts[2]) if len(parts) == 3 else Decimal(1)
        if not all(d.is_finite() for d in (start, stop, step)):
            raise InvalidOperation
    except InvalidOperation:
        raise RangeError("a range takes START:STOP[:STEP] in numbers", malformed=True) from None
    if step <= 0:
        raise RangeError("the step must be positive")
    if stop < start:
        raise RangeError("the range must go up (START:STOP:STEP)")
    count = int((stop - start) / step) + 1
    if count > MAX_RANGE:
        raise RangeError(f"that range has {count:,} values; {MAX_RANGE} at most")
    return [start + i * step for i in range(count)]


def swept_and_fixed(grid: Mapping[str, Any], fixed: Mapping[str, Any]) -> str | None:
    """The parameters given both as grid values and as fixed ones (a cell could take either), said by
    name; None when there are none. The sweep and walk-forward APIs and `weaver sweep` all refuse them."""
    both = sorted(set(grid) & set(fixed))
    if not both:
        return None
    verb = "is" if len(both) == 1 else "are"
    return f"{', '.join(both)} {verb} in the grid too: a parameter is either swept or fixed"


def repeated_values(grid: Mapping[str, Iterable[Any]]) -> str | None:
    """The values listed more than once for a swept parameter (`fast: [5, 5, 10]`), said by name and value;
    None when there are none. Each repeat makes cells identical to another, which run the same backtest
    again and tie in the ranking. The sweep and walk-forward APIs and `weaver sweep` all refuse them.
    Values compare as numbers (5 and 5.0 are one), but true is not 1."""
    found = []
    for name, values in grid.items():
        seen: set[Any] = set()
        repeated: list[str] = []
        for value in values:
            key = _same(value)
            if key in seen and _shown(value) not in repeated:
                repeated.append(_shown(value))
            seen.add(key)
        if repeated:
            found.append(f"{name} lists {', '.join(repeated)} more than once")
    if not found:
        return None
    return "; ".join(found) + ": a repeated value only makes cells identical to others; list each value once"


def _same(value: Any) -> Any:
    """What two grid values that make the same cell share."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    try:
        return ("json", json.dumps(value, sort_keys=True))
    except (TypeError, ValueError):
        return ("repr", repr(value))


def value_problems(specs: Mapping[str, Param], values: Mapping[str, Iterable[Any]]) -> dict[str, str]:
    """Per parameter, the values it can never take whatever the others are (wrong type, out of bounds),
    each shown as given: `{"fast": '"5x" must be an integer'}`. A sweep refuses these up front rather than
    skip every cell holding one; rules between parameters (fast < slow) are left to each cell. Names the
    strategy lacks are `unknown_parameters`' to report."""
    problems: dict[str, str] = {}
    for name, candidates in values.items():
        spec = specs.get(name)
        if spec is None:
            continue
        found = [f"{_shown(value)} {problem}" for value in candidates if (problem := spec.check(value)[1])]
        if found:
            problems[name] = "; ".join(found)
    return problems


def _shown(value: Any) -> str:
    """A value as the request wrote it: "5x" quoted, 5.5 and true bare."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
