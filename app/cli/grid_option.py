"""`--grid NAME=V1,V2,...` or `--grid NAME=START:STOP[:STEP]` (inclusive, as Haro's grid editor reads a
range), for `weaver sweep` and `weaver walkforward run`; and `--param NAME=VALUE`, for them and `weaver backtest`.
Values stay text: the strategy types them. A name given twice is refused rather than one of them dropped."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

MAX_RANGE = 500  # values one range may give (Haro's limit too)


def parse_grid(items: tuple[str, ...]) -> dict[str, list[str]]:
    grid: dict[str, list[str]] = {}
    texts: dict[str, str] = {}  # as given, to tell a range from a list
    for item in items:
        name, sep, values = item.partition("=")
        if ":" in values:
            choices = _range(item, values)
        else:
            choices = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not name.strip() or not choices:
            raise click.UsageError(f"--grid takes NAME=V1,V2,... or NAME=START:STOP[:STEP], got {item!r}")
        name = name.strip()
        if name in grid:
            both = ("V1,V2,... or START:STOP[:STEP]" if ":" in values or ":" in texts[name]
                    else ",".join(dict.fromkeys([*grid[name], *choices])))
            raise click.UsageError(f"--grid {name} is given twice: list all its values in one --grid {name}={both}")
        texts[name] = values
        grid[name] = choices
    return grid


def parse_params(items: tuple[str, ...]) -> dict[str, str]:
    """`--param NAME=VALUE` options as {name: value}; a name given twice is a usage error (exit 2)."""
    texts: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.UsageError(f"--param takes NAME=VALUE, got {item!r}")
        if name in texts:
            raise click.UsageError(f"--param {name} is given twice ({name}={texts[name]}, {item.strip()}): "
                                   "give it once")
        texts[name] = value
    return texts


def _range(item: str, text: str) -> list[str]:
    parts = [p.strip() for p in text.split(":")]
    try:
        if len(parts) not in (2, 3):
            raise InvalidOperation
        start, stop = Decimal(parts[0]), Decimal(parts[1])
        step = Decimal(parts[2]) if len(parts) == 3 else Decimal(1)
    except InvalidOperation:
        raise click.UsageError(f"--grid range takes NAME=START:STOP[:STEP] in numbers, got {item!r}") from None
    if step <= 0:
        raise click.UsageError(f"--grid {item!r}: the step must be positive")
    if stop < start:
        raise click.UsageError(f"--grid {item!r}: the range must go up (START:STOP:STEP)")
    count = int((stop - start) / step) + 1
    if count > MAX_RANGE:
        raise click.UsageError(f"--grid {item!r}: that range has {count:,} values; {MAX_RANGE} at most")
    return [str(start + i * step) for i in range(count)]
