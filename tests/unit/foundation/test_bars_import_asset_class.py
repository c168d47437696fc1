"""`weaver bars import --asset-class` stores the symbol's instrument, and the stored one is what a
backtest of that symbol then uses (its price steps and calendar)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.bootstrap import bootstrap
from app.cli import main
from app.cli.common import settings_or_exit
from app.services.instruments import known_instruments

ROWS = ["2024-01-02,0.0000123,0.0000125,0.0000121,0.0000124,100",
        "2024-01-03,0.0000124,0.0000126,0.0000122,0.0000125,90"]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'weaver.db'}"
    monkeypatch.setenv("WEAVER_DATABASE_URL", url)
    return url


def _import(tmp_path: Path, *extra: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "pepe.csv"
    path.write_text("timestamp,open,high,low,close,volume\n" + "\n".join(ROWS) + "\n")
    return CliRunner().invoke(main, ["bars", "import", str(path), "--symbol", "PEPE", "--quiet", *extra])


def test_the_asset_class_given_on_import_is_stored_as_the_symbols_instrument(database, tmp_path):
    done = _import(tmp_path, "--asset-class", "crypto")
    assert done.exit_code == 0, done.output
    container = bootstrap(settings_or_exit(require_token=False, needs_broker=False), listen=False)
    try:
        with container.uow() as uow:
            known = known_instruments(uow, ["PEPE", "OTHER"])
            bars = uow.bars.load("PEPE", "1Day")
    finally:
        container.close()
    assert list(known) == ["PEPE"] and known["PEPE"].asset_class == "crypto"
    assert bars.open.tolist()[0] == 0.0000123  # stored exactly, not rounded to 6 decimals


def test_an_unknown_asset_class_is_refused_and_nothing_is_stored(database, tmp_path):
    done = _import(tmp_path, "--asset-class", "forex")
    assert done.exit_code == 2
    assert "'forex' is not one of 'us_equity', 'crypto', 'other'" in done.output


def test_the_timeframe_comes_from_the_file_and_a_wrong_one_is_refused(database, tmp_path):
    hourly = [f"2024-01-02T{h:02d}:00:00Z,1.0{h:02d},1.1,0.9,1.0,5" for h in range(10)]
    path = tmp_path / "fx.csv"
    path.write_text("timestamp,open,high,low,close,volume\n" + "\n".join(hourly) + "\n")
    as_day = CliRunner().invoke(main, ["bars", "import", str(path), "--symbol", "FX", "--timeframe", "1Day", "--quiet"])
    assert as_day.exit_code == 2
    assert "the file's bars are 1Hour apart, not 1Day" in as_day.output
    inferred = CliRunner().invoke(main, ["bars", "import", str(path), "--symbol", "FX", "--quiet"])
    assert inferred.exit_code == 0, inferred.output
    assert "FX 1Hour: 10 rows read, 10 stored" in inferred.stdout
