"""Where `weaver backtest` and `weaver sweep` write their results: checked before the run starts, so
a mistyped path is refused at once instead of after the whole backtest, and named once written."""

from __future__ import annotations

import os
from pathlib import Path

import click

PARQUET_FILES = "orders, fills, trades, equity, result.json"


def check_file_target(path: Path, option: str) -> None:
    """A file can be (over)written at `path`: not a folder, in a folder that exists and is writable."""
    if str(path) == "-":  # Unix's "standard output": it made a file named "-" (trial 29)
        raise click.UsageError(f"{option} -: give a file name (the result is written to a file, not to standard "
                               "output)")
    if path.is_dir():
        raise click.UsageError(f"{option} {path}: is a folder; give a file name")
    _check_parent(path, option)


def check_folder_target(path: Path, option: str) -> None:
    """A Parquet result can go to `path`: an existing folder, or a name not taken yet in a writable folder."""
    if path.exists() and not path.is_dir():
        raise click.UsageError(f"{option} {path}: is a file; Parquet results are a folder of files, "
                               "give a folder (or a name not taken yet)")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise click.UsageError(f"{option} {path}: the folder is not writable")
        return
    _check_parent(path, option)


def check_suffix(path: Path, out_format: str) -> None:
    """`--out x.json --format parquet` (or the reverse) is a slip, not a wish: refuse it."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("json", "parquet") and suffix != out_format:
        raise click.UsageError(f"--out {path} is named .{suffix} but --format is {out_format}: rename it or "
                               "change --format")


def wrote_file(path: Path) -> None:
    click.echo(f"wrote {path}", err=True)


def wrote_folder(path: Path) -> None:
    click.echo(f"wrote {path}{os.sep} ({PARQUET_FILES})", err=True)


def _check_parent(path: Path, option: str) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise click.UsageError(f"{option} {path}: no folder {parent}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise click.UsageError(f"{option} {path}: the folder {parent} is not writable")
