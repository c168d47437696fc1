"""`--grid NAME=V1,V2,...` or `--grid NAME=START:STOP[:STEP]` (inclusive, as Haro's grid editor reads a
range), for `weaver sweep` and `weaver walkforward run`; and `--param NAME=VALUE`, for them and `weaver backtest`.
Values stay text: the strategy types them. A name given twice is refused rather than one of them dropped."""

from __future__ import annotations

import click

from app.marvin.params import RangeError, range_values


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
    try:
        return [str(value) for value in range_values(text)]
    except RangeError as exc:
        if exc.malformed:
            raise click.UsageError(f"--grid range takes NAME=START:STOP[:STEP] in numbers, got {item!r}") from None
        raise click.UsageError(f"--grid {item!r}: {exc}") from None
