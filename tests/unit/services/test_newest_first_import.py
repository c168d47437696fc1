"""Keeping the good rows of a file written newest first kept its first row alone (trial 29: 1 of 500 bars
stored, "499 bad rows skipped"): such a file is refused with the rows' own reason, keep_good_rows or not."""

from __future__ import annotations

import io

import pytest

from app.services.bars import BarService
from app.services.csv_import import ImportRejected


def csv(days: list[int]) -> io.BytesIO:
    rows = "".join(f"2024-01-{d:02d},10,11,9,10.5,100\n" for d in days)
    return io.BytesIO(("timestamp,open,high,low,close,volume\n" + rows).encode())


def no_database() -> None:
    raise AssertionError("a refused file must not reach the database")


def test_a_newest_first_file_is_refused_even_when_good_rows_would_be_kept() -> None:
    service = BarService(no_database)  # type: ignore[arg-type]
    with pytest.raises(ImportRejected) as refused:
        service.import_csv(csv(list(range(30, 1, -1))), "GOOG", "1Day", keep_good_rows=True)
    assert refused.value.error_count == 28
    assert refused.value.errors[0].line == 3
    assert refused.value.errors[0].reason == ("timestamp 2024-01-29T00:00:00Z is not after the previous one "
                                              "(2024-01-30T00:00:00Z): rows must be oldest first (a file newest "
                                              "first: sort it by time)")


class Reached(Exception):
    pass


def test_a_few_rows_out_of_order_are_still_skipped_when_asked() -> None:
    def database() -> None:
        raise Reached

    days = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 10, 21]  # one row out of order
    with pytest.raises(Reached):  # past the refusal, on to storing the 20 good rows
        BarService(database).import_csv(csv(days), "GOOG", "1Day", keep_good_rows=True)  # type: ignore[arg-type]
