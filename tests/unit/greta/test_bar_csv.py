"""The one CSV bar reader: every check names the row's line, the good rows come out in batches with
their exact text, and the fast (typed) path refuses exactly what the text path refuses."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from app.greta.data.bar_csv import BarCsvReader, CsvFileError, undecodable_line

HEADER = "timestamp,open,high,low,close,volume\n"
GOOD = "2024-01-02T14:30:00Z,10,11,9,10.5,100"


def read(text: str | bytes, folder=None, **options):
    """Read from memory, or from a file in `folder` (a file on disk is read on every core)."""
    data = text.encode() if isinstance(text, str) else text
    if folder is not None:
        path = folder / "bars.csv"
        path.write_bytes(data)
    reader = BarCsvReader(io.BytesIO(data) if folder is None else path, **options)
    batches = list(reader)
    return reader, batches


def errors(text: str, **options) -> list[tuple[int, str]]:
    reader, _ = read(text, **options)
    return [(e.line, e.reason) for e in reader.errors.errors]


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize(("row", "reason"), [
    ("2024-01-02T14:31:00Z,0,11,9,10.5,100", "open 0 is not positive"),
    ("2024-01-02T14:31:00Z,10,11,-9,10.5,100", "low -9 is not positive"),
    ("2024-01-02T14:31:00Z,10,inf,9,10.5,100", "high is not a finite number ('inf')"),
    ("2024-01-02T14:31:00Z,10,11,9,nan,100", "close is not a number ('nan')"),
    ("2024-01-02T14:31:00Z,10,11,9,,100", "close is not a number ('')"),
    ("2024-01-02T14:31:00Z,10,1e308,9,10.5,100", "high 1e308 is too large (at most 18 digits before the point)"),
    ("2024-01-02T14:31:00Z,10,11,9,10.5,1e19", "volume 1e19 is too large (at most 19 digits before the point)"),
    ("2024-01-02T14:31:00Z,10,11,9,10.5,inf", "volume is not a finite number ('inf')"),
    ("2024-01-02T14:31:00Z,10,11,9,10.5,-5", "volume -5 is negative"),
    ("2024-01-02T14:31:00Z,10,eleven,9,10.5,5", "high is not a number ('eleven')"),
    ("2024-01-02T14:31:00Z,101,100,100.5,101,10", "high 100 is below low 100.5"),
    ("2024-01-02T14:31:00Z,101,101.2,100,102,10", "high 101.2 is below max(open, close) 102"),
    ("2024-01-02T14:31:00Z,101,103,101.5,102,10", "low 101.5 is above min(open, close) 101"),
    ("2024-01-02T14:30:00Z,10,11,9,10.5,5", "duplicate timestamp 2024-01-02T14:30:00Z (an earlier row has it)"),
    ("2024-01-02T14:29:00Z,10,11,9,10.5,5",
     "timestamp 2024-01-02T14:29:00Z is not after the previous one (2024-01-02T14:30:00Z): rows must be oldest "
     "first (a file newest first: sort it by time)"),
    ("2024-13-03T14:31:00Z,10,11,9,10.5,5", "unreadable timestamp '2024-13-03T14:31:00Z'"),
    ("01/02/2024,10,11,9,10.5,5", "unreadable timestamp '01/02/2024': dates are read as YYYY-MM-DD (ISO 8601, a "
                                  "time and a zone may follow) or epoch seconds; a date with slashes or dots is "
                                  "ambiguous (is 01/02 January 2 or 1 February?)"),
    ("02.01.2024,10,11,9,10.5,5", "unreadable timestamp '02.01.2024': dates are read as YYYY-MM-DD (ISO 8601, a "
                                  "time and a zone may follow) or epoch seconds; a date with slashes or dots is "
                                  "ambiguous (is 01/02 January 2 or 1 February?)"),
    ("1969-12-31T23:59:00Z,10,11,9,10.5,5", "timestamp '1969-12-31T23:59:00Z' is outside 1970-01-01 … 2100-01-01"),
    ("2100-01-01T00:00:00Z,10,11,9,10.5,5", "timestamp '2100-01-01T00:00:00Z' is outside 1970-01-01 … 2100-01-01"),
    ("3000-01-01T00:00:00Z,10,11,9,10.5,5", "timestamp '3000-01-01T00:00:00Z' is outside 1970-01-01 … 2100-01-01"),
    ("2024-01-02T14:31:00Z,10,11,9", "expected 6 fields, found 4"),
])
@pytest.mark.parametrize("on_disk", [False, True])
def test_each_bad_row_is_named_by_line_with_its_reason_and_left_out(row, reason, exact, on_disk, tmp_path):
    reader, batches = read(HEADER + GOOD + "\n" + row + "\n" + "2024-01-02T14:32:00Z,10,11,9,10.5,1\n",
                           tmp_path if on_disk else None, exact=exact)
    found = [(e.line, e.reason) for e in reader.errors.errors]
    expected_reason = reason if exact or "too large" not in reason else found[0][1]  # typed: Arrow's own digits
    assert found == [(3, expected_reason)]
    assert (reader.rows, reader.good, reader.errors.count) == (3, 2, 1)
    assert [line for b in batches for line in b.lines.tolist()] == [2, 4]


def test_the_typed_path_names_large_values_as_numbers():
    assert errors(HEADER + "2024-01-02T14:31:00Z,10,1e308,9,10.5,100\n", exact=False) == [
        (2, "high 1e+308 is too large (at most 18 digits before the point)")]


def test_epoch_seconds_are_read_and_an_epoch_beyond_2100_is_refused_not_wrapped():
    reader, batches = read(HEADER + "1704205800,10,11,9,10.5,1\n1704205860.5,10,11,9,10.5,1\n"
                                    "99999999999,10,11,9,10,1\n")
    assert batches[0].ts.tolist() == [1704205800 * 10**9, 1704205860_500_000_000]
    assert [(e.line, e.reason) for e in reader.errors.errors] == [
        (4, "timestamp '99999999999' is outside 1970-01-01 … 2100-01-01 (read as epoch seconds)")]


def test_yahoo_files_zones_and_exact_text():
    reader, (batch,) = read("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10.10,11,9.95,10.55,10.5,100\n"
                            "2024-01-03,10.55,11,9.95,10.60,10.6,100\n")
    assert batch.ts.tolist() == [1704153600 * 10**9, 1704240000 * 10**9]
    assert batch.text_columns()[3] == ["10.55", "10.60"]  # the raw Close as written, not Adj Close
    _, (zoned,) = read(HEADER + "2024-01-02T15:30:00+01:00,1,2,0.5,1.5,7\n2024-01-02 14:31:00,1.5,2,1,1.8,9\n")
    assert zoned.ts.tolist() == [1704205800 * 10**9, 1704205860 * 10**9]


def test_blank_lines_are_skipped_but_counted_in_line_numbers():
    text = HEADER + GOOD + "\n\n   \n" + "2024-01-02T14:31:00Z,10,9,9.5,10,1\n"
    for exact in (True, False):
        reader, _ = read(text, exact=exact)
        assert [(e.line, e.reason) for e in reader.errors.errors] == [(5, "high 9 is below low 9.5")]
        assert reader.rows == 2


@pytest.mark.parametrize("on_disk", [False, True])
def test_line_numbers_hold_across_batches_and_rows_with_the_wrong_field_count(on_disk, tmp_path):
    rows = [f"{1_600_000_000 + 60 * i},10,11,9,10,5" for i in range(60_000)]
    rows[10] = "1,2"  # line 12
    rows[40_000] = ""  # line 40,002: blank
    rows[50_000] = f"{1_600_000_000 + 60 * 50_000},10,9,9.5,10,5"  # line 50,002
    rows[59_998] = "1,2,3,4,5,6,7"  # line 60,000
    for exact in (True, False):
        reader, batches = read(HEADER + "\n".join(rows) + "\n", tmp_path if on_disk else None, block_bytes=1 << 16,
                               exact=exact)
        assert [(e.line, e.reason) for e in reader.errors.errors] == [
            (12, "expected 6 fields, found 2"), (50_002, "high 9 is below low 9.5"),
            (60_000, "expected 6 fields, found 7")]
        assert len(batches) > 10
        lines = [line for b in batches for line in b.lines.tolist()]
        assert len(lines) == reader.good == 59_996 and lines[-1] == 60_001 and 50_002 not in lines


def test_every_bad_row_is_counted_and_the_first_200_are_listed():
    rows = [f"2024-01-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z,10,11,9,10,-1" for i in range(1000)]
    reader, batches = read(HEADER + "\n".join(rows) + "\n")
    assert reader.errors.count == 1000 and batches == []
    assert [e.line for e in reader.errors.errors] == list(range(2, 202))


@pytest.mark.parametrize(("on_disk", "exact"), [(False, True), (False, False), (True, False)])
def test_files_that_are_not_a_csv_of_bars_are_refused_whole(on_disk, exact, tmp_path):
    def read_it(text):
        return read(text, tmp_path if on_disk else None, exact=exact)

    missing = r"^line 1: missing column\(s\): close \(header: date,open,high,low,volume\)"
    with pytest.raises(CsvFileError, match=missing):
        read_it("date,open,high,low,volume\n2024-01-02,1,1,1,1\n")
    with pytest.raises(CsvFileError, match="^line 1: the file is empty: expected a header line$"):
        read_it("")
    with pytest.raises(CsvFileError, match="^line 2: the file is not UTF-8 text$"):
        read_it(HEADER.encode() + b"2024-01-02,1,1,1,1,\xff\xfe\n")
    with pytest.raises(CsvFileError, match="^line 3: the file is not UTF-8 text$"):  # a row Arrow must decode to skip
        read_it(HEADER.encode() + b"2024-01-02,1,1,1,1,1\n\x80\n")
    with pytest.raises(CsvFileError, match="^line 1: the file is not UTF-8 text$"):
        read_it(b"date,op\xe9n,high,low,close,volume\n2024-01-02,1,1,1,1,1\n")


def test_the_first_byte_that_is_not_utf8_is_found_on_its_line_across_chunk_edges():
    rows = b"".join(b"2024-01-02,1,1,1,1,1\n" for _ in range(200))
    text = HEADER.encode() + "2024-01-02,1,1,1,1,\u00e9\u20ac\n".encode() * 3 + rows + b"2024-01-03,1,1,1,1,\xe9\n"
    for chunk in (1, 2, 3, 7, 64, 1 << 20):  # every cut, including inside the two- and three-byte characters
        assert undecodable_line(io.BytesIO(text), 0, chunk) == 205
    assert undecodable_line(io.BytesIO(text[:-3] + b"\n"), 0, 5) is None
    assert undecodable_line(io.BytesIO(b"a\nb\xe2\x82"), 0, 3) == 2  # cut short at the end


def test_a_single_threaded_typed_read_that_falls_back_to_text_counts_each_bad_row_once():
    rows = [f"{1_600_000_000 + 60 * i},10,11,9,10,5" for i in range(30_000)]
    rows[5] = "1,2"  # line 7: skipped by Arrow in the typed pass, heard of again in the text pass
    rows[20_000] = f"{1_600_000_000 + 60 * 20_000},10,eleven,9,10,5"  # line 20,002: Arrow can't convert it
    reader, _ = read(HEADER + "\n".join(rows) + "\n", block_bytes=1 << 16, exact=False, threads=False)
    assert [(e.line, e.reason) for e in reader.errors.errors] == [
        (7, "expected 6 fields, found 2"), (20_002, "high is not a number ('eleven')")]
    assert (reader.rows, reader.good, reader.errors.count) == (30_000, 29_998, 2)


def same_reading(text: str, folder, block_bytes: int = 1 << 12) -> tuple[BarCsvReader, list]:
    """A file on disk read for Greta (typed, its blocks on every core) gives what the careful reader
    (text, one thread, from memory) gives: the same errors, lines and float64 / int64 ns arrays."""
    fast, fast_batches = read(text, folder, exact=False, block_bytes=block_bytes)
    slow, slow_batches = read(text, exact=True, threads=False, block_bytes=block_bytes)
    assert [(e.line, e.reason) for e in fast.errors.errors] == [(e.line, e.reason) for e in slow.errors.errors]
    assert (fast.rows, fast.good, fast.errors.count) == (slow.rows, slow.good, slow.errors.count)
    for name in ("lines", "ts", "open", "high", "low", "close", "volume"):
        joined = [np.concatenate([getattr(b, name) for b in batches]) for batches in (fast_batches, slow_batches)]
        assert joined[0].dtype == joined[1].dtype and np.array_equal(*joined), name
    return fast, fast_batches


def minute_rows(count: int) -> list[str]:
    """Minute bars from 2024-01-02T00:00:00Z."""
    start = datetime(2024, 1, 2, tzinfo=UTC)
    return [f"{start + timedelta(minutes=i):%Y-%m-%dT%H:%M:%SZ},{100 + i % 7}.25,{101 + i % 7}.5,{99 + i % 7}.75,"
            f"{100 + i % 7}.5,{i}" for i in range(count)]


def test_errors_in_later_blocks_are_named_by_their_physical_line_on_every_core(tmp_path):
    rows = [f"{1_700_000_000 + 60 * i},{10 + i % 9 / 8},11.5,9.25,10,{i}" for i in range(20_000)]
    rows[3] = "1,2"  # line 5: a row Arrow skips, in the first block
    rows[7_000] = f"{1_700_000_000 + 60 * 7_000},10,9,9.5,10,5"  # line 7,002: high below low, a later block
    rows[12_345] = "1,2,3"  # line 12,347
    rows[19_999] = f"{1_700_000_000 + 60 * 19_998},10,11,9,10,5"  # line 20,001: a duplicate, the last block
    reader, batches = same_reading(HEADER + "\n".join(rows) + "\n", tmp_path)
    assert [(e.line, e.reason) for e in reader.errors.errors] == [
        (5, "expected 6 fields, found 2"), (7_002, "high 9 is below low 9.5"), (12_347, "expected 6 fields, found 3"),
        (20_001, "duplicate timestamp 2023-11-28T19:31:20Z (an earlier row has it)")]
    assert len(batches) > 50 and reader.good == 19_996


def test_the_fast_path_reads_iso_times_and_a_form_only_python_reads_falls_back_with_the_same_arrays(tmp_path):
    rows = minute_rows(3_000)
    assert rows[2_500].startswith("2024-01-03T17:40:00Z")
    _, batches = same_reading(HEADER + "\n".join(rows) + "\n", tmp_path)
    expected = np.concatenate([b.ts for b in batches])
    assert expected[2_500] == (1704153600 + 2_500 * 60) * 10**9
    rows[2_500] = rows[2_500].replace("2024-01-03T17:40:00Z", "20240103T174000Z")  # ISO's basic form: not Arrow's
    reader, batches = same_reading(HEADER + "\n".join(rows) + "\n", tmp_path)
    assert np.array_equal(np.concatenate([b.ts for b in batches]), expected) and reader.errors.count == 0


def test_quoted_fields_are_read_as_before_on_every_core(tmp_path):
    header = "timestamp,open,high,low,close,volume,note\n"
    rows = [f'{r},"plain"' for r in minute_rows(2_000)]
    rows[1_500] = rows[1_500].replace('"plain"', '"a, b"')  # a quoted comma, in a later block
    fields = rows[1_700].split(",")
    rows[1_700] = ",".join([*fields[:2], f'"{fields[2]}"', *fields[3:]])  # a quoted high
    reader, _ = same_reading(header + "\n".join(rows) + "\n", tmp_path)
    assert reader.errors.count == 0 and reader.good == 2_000


@pytest.mark.parametrize("times", [
    [f"{datetime(1990, 1, 1) + timedelta(days=i):%Y-%m-%d}" for i in range(3_000)],  # daily
    [f"{datetime(2024, 1, 2, 9, 30) + timedelta(minutes=i):%Y-%m-%d %H:%M:%S}-05:00" for i in range(3_000)],
])
def test_yahoo_style_files_read_on_every_core_give_the_same_arrays(times, tmp_path):
    rows = [f"{t},{100 + i % 9 / 7:.6f},{102 + i % 9 / 7:.6f},{99 + i % 9 / 7:.6f},{101 + i % 9 / 7:.6f},"
            f"{100.5 + i % 9 / 7:.6f},{1000 + i}" for i, t in enumerate(times)]
    reader, batches = same_reading("Date,Open,High,Low,Close,Adj Close,Volume\n" + "\n".join(rows) + "\n", tmp_path)
    assert reader.good == 3_000 and len(batches) > 4
    close = np.concatenate([b.close for b in batches])
    assert close[5] == float(f"{101 + 5 / 7:.6f}")  # the raw Close, not Adj Close


def test_iso_times_converted_by_arrow_are_refused_at_a_batch_edge_as_the_text_path_refuses_them(tmp_path):
    rows = minute_rows(3_000)
    _, batches = same_reading(HEADER + "\n".join(rows) + "\n", tmp_path)
    first_lines = [int(b.lines[0]) for b in batches[1:4]]  # rows that open a batch: the checks' fast path starts there
    edge, before, late = (line - 2 for line in first_lines)
    rows[edge] = rows[edge - 1]  # a duplicate of the previous batch's last time
    rows[before] = "1969-12-31T23:59:00Z" + rows[before][20:]
    rows[late] = rows[late].replace("Z,", "Z,nan,", 1).rsplit(",", 1)[0]  # open NaN, same field count
    reader, batches = same_reading(HEADER + "\n".join(rows) + "\n", tmp_path)
    assert [(e.line, e.reason.split(" ")[0]) for e in reader.errors.errors] == [
        (first_lines[0], "duplicate"), (first_lines[1], "timestamp"), (first_lines[2], "open")]
    assert reader.good == 2_997 and int(np.concatenate([b.lines for b in batches])[-1]) == 3_001


def test_progress_on_a_file_on_disk_rises_to_its_size_in_many_steps(tmp_path):
    """The CLI's progress bar follows a file Arrow reads itself (never through a Python file object)."""
    start = datetime(2024, 1, 2, 14, 30, tzinfo=UTC)
    rows = [f"{(start + timedelta(minutes=i)).isoformat().replace('+00:00', 'Z')},10,11,9,10.5,100"
            for i in range(20_000)]
    told: list[int] = []
    reader, batches = read(HEADER + "\n".join(rows) + "\n", tmp_path, on_bytes=told.append, block_bytes=64 << 10)
    size = (tmp_path / "bars.csv").stat().st_size
    assert sum(len(b.ts) for b in batches) == reader.good == 20_000
    assert told == sorted(told) and len(told) > 5 and told[-1] == size


@pytest.mark.parametrize(("on_disk", "exact"), [(False, True), (False, False), (True, False)])
def test_a_file_without_volumes_reads_them_as_zero_and_says_so(on_disk, exact, tmp_path):
    """backtesting.py takes OHLC alone (trial 39: Weaver refused the file); its bars read volume 0, and the
    reader says the column was missing so the commands can say it. Its bad rows keep their lines."""
    text = "Date,Open,High,Low,Close\n2024-01-02,10,11,9,10.5\n\n2024-01-04,10,9,11,10\n2024-01-05,10,11,9,10\n"
    reader, batches = read(text, tmp_path if on_disk else None, exact=exact)
    assert reader.volume_missing
    assert [e.line for e in reader.errors.errors] == [4] and "high 9 is below low 11" in reader.errors.errors[0].reason
    assert [v for b in batches for v in b.volume.tolist()] == [0.0, 0.0]
    if exact:
        assert [t for b in batches for t in b.text_columns()[4]] == ["0", "0"]
    assert not read(HEADER + "2024-01-02,1,1,1,1,1\n", tmp_path if on_disk else None, exact=exact)[0].volume_missing


def test_an_unnamed_first_column_is_the_time_as_pandas_writes_its_index(tmp_path):
    reader, batches = read(",Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10,11,9,10,5\n")
    assert reader.errors.count == 0 and sum(len(b) for b in batches) == 2
