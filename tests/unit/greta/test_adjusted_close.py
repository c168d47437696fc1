"""Which close is traded when a file also has Yahoo's Adj Close, said on import and on `weaver backtest`
(trial 25: an Adj Close 2 % below Close, and nothing said which the bars took)."""

from __future__ import annotations

import io

from click.testing import CliRunner

from app.cli.backtest import backtest
from app.greta.data.adjusted_close import NOTE, adjusted_close_note

YAHOO = "\ufeffDate,Open,High,Low,Close,Adj Close,Volume\n"


def _rows(days: int = 40) -> str:
    return "".join(f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},10,11,9,10.{d % 10},9.8,100\n" for d in range(days))


def test_a_header_with_an_adjusted_close_gets_the_note_and_others_none(tmp_path):
    yahoo, plain = tmp_path / "yahoo.csv", tmp_path / "plain.csv"
    yahoo.write_text(YAHOO + _rows())
    plain.write_text("timestamp,open,high,low,close,volume\n" + _rows().replace(",9.8,", ","))
    assert adjusted_close_note(yahoo) == NOTE and adjusted_close_note(str(yahoo)) == NOTE
    assert adjusted_close_note(plain) is None
    upload = io.BytesIO((YAHOO + _rows()).encode())
    assert adjusted_close_note(upload) == NOTE and upload.tell() == 0  # the upload is read from its start after
    upload.read()  # as the import leaves it (trial 26: the API's import of a Yahoo file said nothing)
    assert adjusted_close_note(upload) == NOTE and upload.tell() == len((YAHOO + _rows()).encode())


def test_weaver_backtest_says_which_close_it_trades(tmp_path):
    path = tmp_path / "yahoo.csv"
    path.write_text(YAHOO + _rows())
    result = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--data", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"note: yahoo.csv: {NOTE}" in result.stderr
    assert NOTE.startswith("the file's Adj Close column is not used: the bars take open, high, low and close as traded")
