"""The parallel block reader: every row once, in file order, whatever the block edges cut through,
and each skipped row named by its line in the file."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

from app.greta.data.parallel_csv import ParallelCsvReader

NAMES = ["c0", "c1", "c2"]


def read_all(path, start: int, block_bytes: int, workers: int = 2):
    skipped = []

    def invalid_row(row):
        skipped.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    reader = ParallelCsvReader(str(path), start, first_line=2, block_bytes=block_bytes, column_names=NAMES,
                               parse_options=pcsv.ParseOptions(ignore_empty_lines=False),
                               convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(NAMES, pa.int64())),
                               invalid_row=invalid_row, workers=workers)
    batches = []
    try:
        while True:
            batches.append(reader.read_next_batch())
    except StopIteration:
        pass
    finally:
        reader.close()
    rows = pa.Table.from_batches(batches, schema=batches[0].schema).to_pydict() if batches else {}
    return rows, skipped, len(batches)


def write(tmp_path, lines: list[str], end: str = "\n") -> tuple[object, int]:
    path = tmp_path / "rows.csv"
    header = "a,b,c" + end
    path.write_bytes((header + end.join(lines) + end).encode())
    return path, len(header)


@pytest.mark.parametrize("block_bytes", [7, 64, 1000, 1 << 20])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_every_row_comes_once_in_order_wherever_the_blocks_are_cut(tmp_path, block_bytes, end):
    path, start = write(tmp_path, [f"{i},{i * 7},{i % 3}" for i in range(500)], end)
    rows, skipped, batches = read_all(path, start, block_bytes)
    assert rows == {"c0": list(range(500)), "c1": [i * 7 for i in range(500)], "c2": [i % 3 for i in range(500)]}
    assert skipped == []
    if block_bytes == 64:
        assert batches > 10  # many blocks, parsed on two threads


def test_skipped_rows_are_named_by_their_line_in_the_file_across_blocks(tmp_path):
    lines = [f"{i},{i},{i}" for i in range(3000)]
    lines[0] = "1,2"  # line 2: the first block's first line
    lines[1234] = "1,2,3,4"  # line 1236
    lines[2998] = "9"  # line 3000, in the last block
    path, start = write(tmp_path, lines)
    rows, skipped, batches = read_all(path, start, block_bytes=500)
    assert [(number, text) for number, text, _, _ in skipped] == [(2, "1,2"), (1236, "1,2,3,4"), (3000, "9")]
    assert skipped[1][2:] == (3, 4)
    assert len(rows["c0"]) == 2997 and batches > 20


def test_a_line_longer_than_a_block_and_a_last_line_without_its_end(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b,c\n1,2,3\n" + b"4,5," + b"0" * 300 + b"6\n7,8,9")
    rows, skipped, _ = read_all(path, 6, block_bytes=16)
    assert rows == {"c0": [1, 4, 7], "c1": [2, 5, 8], "c2": [3, 6, 9]} and skipped == []


def test_a_file_with_only_its_header_has_no_batches(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b,c\n")
    assert read_all(path, 6, block_bytes=16) == ({}, [], 0)


def test_a_conversion_error_reaches_the_consumer_at_its_block_not_before(tmp_path):
    lines = [f"{i},{i},{i}" for i in range(200)]
    lines[150] = "x,1,1"
    path, start = write(tmp_path, lines)
    reader = ParallelCsvReader(str(path), start, first_line=2, block_bytes=100, column_names=NAMES,
                               parse_options=pcsv.ParseOptions(),
                               convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(NAMES, pa.int64())),
                               invalid_row=lambda row: "skip")
    seen = 0
    try:
        with pytest.raises(pa.ArrowInvalid, match="x"):
            while True:
                seen += reader.read_next_batch().num_rows
    finally:
        reader.close()
    assert 100 < seen <= 150  # the rows before the bad one came out first


@pytest.mark.parametrize(("rows", "block_bytes", "blocks"), [
    (100_000, 4 << 20, 4),  # 1.4 MB: two blocks a worker though it would fit one
    (300, 1_000, 4),  # ~3.5 kB in blocks of 1 kB: four, not three, so both workers finish together
    (10, 4 << 20, 2),  # a tiny file: one line or more a worker
])
def test_the_file_is_shared_out_in_equal_blocks_every_worker_has_some(tmp_path, rows, block_bytes, blocks):
    path, start = write(tmp_path, [f"{i},{i * 7},{i % 3}" for i in range(rows)])
    data, _, batches = read_all(path, start, block_bytes, workers=2)
    assert batches == blocks and data["c0"] == list(range(rows))
