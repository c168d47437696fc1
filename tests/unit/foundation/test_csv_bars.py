from __future__ import annotations

import pytest

from app.services.csv_bars import CsvRejected, parse_bars_csv

HEADER = "timestamp,open,high,low,close,volume\n"


def test_yahoo_and_plain_files_parse_with_exact_text_prices() -> None:
    yahoo = parse_bars_csv("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10.10,11,9.95,10.55,10.5,100\n")
    assert yahoo.ts.tolist() == [1704153600 * 10**9]
    assert yahoo.columns["close"] == ["10.55"]  # Adj Close is ignored
    plain = parse_bars_csv(HEADER + "2024-01-02T14:30:00Z,1,2,0.5,1.5,7\n2024-01-02T14:31:00+00:00,1.5,2,1,1.8,9\n")
    assert plain.ts.tolist() == [1704205800 * 10**9, 1704205860 * 10**9]


def test_every_bad_row_is_reported_by_its_file_line() -> None:
    text = HEADER + "\n".join([
        "2024-01-02T14:30:00Z,10,11,9,10.5,100",  # line 2: fine
        "2024-01-02T14:31:00Z,10,9.5,9,10.5,100",  # line 3: high below close
        "2024-01-02T14:32:00Z,10,11,10.2,10.5,100",  # line 4: low above open
        "2024-01-02T14:33:00Z,10,11,9,10.5,-5",  # line 5: negative volume
        "2024-01-02T14:33:00Z,10,11,9,10.5,5",  # line 6: duplicate timestamp
        "2024-01-02T14:32:30Z,10,11,9,10.5,5",  # line 7: earlier than line 6
        "not-a-time,10,11,9,10.5,5",  # line 8
        "2024-01-02T14:40:00Z,10,eleven,9,10.5,5",  # line 9
        "2024-01-02T14:41:00Z,10,11,9",  # line 10: missing fields
    ]) + "\n"
    with pytest.raises(CsvRejected) as caught:
        parse_bars_csv(text)
    found = {(e.line, e.reason) for e in caught.value.errors}
    assert found == {
        (3, "high is below open or close"), (4, "low is above open or close"), (5, "negative volume"),
        (6, "duplicate timestamp"), (7, "timestamp is earlier than the row before"), (8, "unparseable timestamp"),
        (9, "high is not a number"), (10, "expected 6 fields, found 4"),
    }
    assert caught.value.error_count == 8


def test_missing_columns_are_named() -> None:
    with pytest.raises(CsvRejected, match="missing column\\(s\\): volume"):
        parse_bars_csv("date,open,high,low,close\n2024-01-02,1,1,1,1\n")


def test_keep_good_rows_stores_the_rest_and_still_reports() -> None:
    parsed = parse_bars_csv(HEADER + "2024-01-02,1,2,0.5,1.5,7\n2024-01-03,1,0.5,0.4,0.45,7\n2024-01-04,1,2,1,1,7\n",
                            keep_good_rows=True)
    assert len(parsed) == 2 and parsed.columns["open"] == ["1", "1"]
    assert [(e.line, e.reason) for e in parsed.errors] == [(3, "high is below open or close")]
