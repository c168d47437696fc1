"""`weaver backtest` and `weaver sweep` refuse empty data and unusable output paths with one line (exit 2),
before any run, and say where a result went once written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import main

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"
CSV = HEADER + "".join(
    f"2024-01-{day:02d},{100 + day},{102 + day},{99 + day},{101 + day},{101 + day},1000\n" for day in range(1, 29))
NO_BARS = "the file holds no bars, only a header: nothing to backtest"
SMA = ["--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20"]


def weaver(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def refused(result, message: str) -> bool:  # type: ignore[no-untyped-def]
    """Exit 2 with `Error: message` as the last line on stderr, no traceback and no run."""
    return (result.exit_code == 2 and result.stderr.strip().splitlines()[-1] == f"Error: {message}"
            and "Traceback" not in result.output and "total return" not in result.output)


@pytest.mark.parametrize("text", [HEADER, HEADER + "\n\n  \n"], ids=["header only", "blank lines after it"])
def test_a_csv_without_bars_is_refused_naming_the_file(tmp_path, text):
    path = tmp_path / "headeronly.csv"
    path.write_text(text)
    assert refused(weaver("backtest", "--strategy", "sma_cross", "--data", str(path)), f"{path}: {NO_BARS}")
    assert refused(weaver("sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--data", str(path)),
                   f"{path}: {NO_BARS}")


def test_a_bad_row_names_its_file_among_several(tmp_path):
    good, bad = tmp_path / "GOOG.csv", tmp_path / "nan.csv"
    good.write_text(CSV)
    bad.write_text(CSV.replace("2024-01-05,105,107,104,106", "2024-01-05,105,103,104,106"))
    result = weaver("backtest", *SMA, "--data", str(good), "--data", str(bad))
    assert refused(result, f"{bad}: line 6: high 103 is below low 104")


def test_output_paths_are_checked_before_the_run(tmp_path):
    taken = tmp_path / "out.json"
    taken.write_text("{}")
    missing = tmp_path / "nonexistent" / "a.json"
    run = ["backtest", *SMA, "--synthetic", "AAA:300:1", "--quiet"]
    assert refused(weaver(*run, "--json", str(missing)), f"--json {missing}: no folder {missing.parent}")
    assert refused(weaver(*run, "--out", str(missing)), f"--out {missing}: no folder {missing.parent}")
    assert refused(weaver(*run, "--out", str(tmp_path)), f"--out {tmp_path}: give --format json|parquet "
                                                         "(or name it *.json or *.parquet)")
    assert refused(weaver(*run, "--out", str(taken), "--format", "parquet"),
                   f"--out {taken} is named .json but --format is parquet: rename it or change --format")
    assert refused(weaver(*run, "--out", str(tmp_path / "w.parquet"), "--format", "json"),
                   f"--out {tmp_path / 'w.parquet'} is named .parquet but --format is json: rename it or change "
                   "--format")
    plain_file = tmp_path / "result"
    plain_file.write_text("mine")
    assert refused(weaver(*run, "--out", str(plain_file), "--format", "parquet"),
                   f"--out {plain_file}: is a file; Parquet results are a folder of files, give a folder (or a name "
                   "not taken yet)")
    assert refused(weaver(*run, "--out", str(tmp_path), "--format", "json"),
                   f"--out {tmp_path}: is a folder; give a file name")
    assert refused(weaver("sweep", *SMA[:2], "--grid", "fast=5,10", "--synthetic", "AAA:300:1", "--json",
                          str(missing)), f"--json {missing}: no folder {missing.parent}")
    assert taken.read_text() == "{}" and plain_file.read_text() == "mine" and not missing.parent.exists()


def test_the_command_says_where_the_result_went(tmp_path):
    out, folder = tmp_path / "out.json", tmp_path / "result.parquet"
    result = weaver("backtest", *SMA, "--synthetic", "AAA:300:1", "--quiet", "--json", str(out), "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}\nwrote {folder}/ (orders, fills, trades, equity, result.json)\n" in result.stderr
    assert json.loads(out.read_text())["bars"] == 300
    assert sorted(p.name for p in folder.iterdir()) == ["equity.parquet", "fills.parquet", "orders.parquet",
                                                         "result.json", "trades.parquet"]
    cells = tmp_path / "cells.json"
    result = weaver("sweep", *SMA[:2], "--grid", "fast=5,10", "--synthetic", "AAA:300:1", "--quiet", "--json",
                    str(cells))
    assert result.exit_code == 0 and result.stderr.strip().splitlines()[-1] == f"wrote {cells}"
    assert len(json.loads(cells.read_text())["cells"]) == 2
