"""Bars: the BarFrame container, CSV loaders (errors name the line and the reason), synthetic bars, alignment."""

from __future__ import annotations

import numpy as np
import pytest

from app.greta.data import BarFrame, DataError, Market, load_csv, parse_synthetic, synthetic_bars
from app.greta.data.csvfile import GapMedian, median_gap

YAHOO = """Date,Open,High,Low,Close,Adj Close,Volume
2024-01-02,100.0,101.5,99.0,101.0,100.2,1200
2024-01-03,101.0,102.0,100.5,101.5,100.7,1300
2024-01-04,101.5,103.0,101.0,102.75,101.9,900
"""
PLAIN = """timestamp,open,high,low,close,volume
2024-01-02T14:30:00Z,10,11,9.5,10.5,100
2024-01-02T14:31:00Z,10.5,10.75,10.25,10.5,80
"""


def write(tmp_path, text, name="GOOG.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_yahoo_csv_loads_with_dates_at_utc_midnight_and_the_file_name_as_symbol(tmp_path):
    bars = load_csv(write(tmp_path, YAHOO))
    assert (bars.symbol, bars.timeframe, len(bars)) == ("GOOG", "1Day", 3)
    assert bars.ts[0] == np.datetime64("2024-01-02T00:00:00", "ns").astype(np.int64)
    assert list(bars.close) == [101.0, 101.5, 102.75]  # raw close, not Adj Close


def test_plain_csv_loads_utc_timestamps_and_infers_minute_bars(tmp_path):
    bars = load_csv(write(tmp_path, PLAIN, "msft.csv"), symbol="MSFT")
    assert (bars.symbol, bars.timeframe) == ("MSFT", "1Min")
    assert bars.ts[1] - bars.ts[0] == 60 * 10**9


@pytest.mark.parametrize(("row", "reason"), [
    ("2024-01-03,101,100,100.5,101,101,10", "line 3: high 100 is below low 100.5"),
    ("2024-01-03,101,101.2,100,102,101,10", "line 3: high 101.2 is below max(open, close) 102"),
    ("2024-01-03,101,103,101.5,102,101,10", "line 3: low 101.5 is above min(open, close) 101"),
    ("2024-01-03,101,103,100,nan,101,10", "line 3: close is not a number ('nan')"),
    ("2024-01-03,101,103,100,,101,10", "line 3: close is not a number ('')"),
    ("2024-01-03,101,103,100,102,101,-5", "line 3: volume -5 is negative"),
    ("2024-01-02,101,103,100,102,101,10", "line 3: duplicate timestamp 2024-01-02T00:00:00Z"),
    ("2024-13-03,101,103,100,102,101,10", "line 3: unreadable timestamp '2024-13-03'"),
    ("2024-01-03,101,103,100,102,101", "line 3: expected 7 fields, found 6"),
])
def test_bad_csv_rows_are_refused_naming_line_and_reason(tmp_path, row, reason):
    text = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,100,101,99,100,100,10\n" + row + "\n"
    with pytest.raises(DataError) as caught:
        load_csv(write(tmp_path, text))
    assert reason in str(caught.value)
    assert caught.value.row == 3


def test_a_bad_row_after_blank_lines_is_named_by_its_physical_line(tmp_path):
    text = ("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,100,101,99,100,100,10\n\n\n"
            "2024-01-03,101,100,100.5,101,101,10\n")  # lines 3 and 4 are blank: the bad row is line 5
    with pytest.raises(DataError) as caught:
        load_csv(write(tmp_path, text))
    assert str(caught.value) == "line 5: high 100 is below low 100.5"
    assert caught.value.row == 5


def test_timestamps_out_of_order_are_shown_as_iso_utc_times_on_their_real_line(tmp_path):
    text = (PLAIN + "\n" + "2024-01-02T14:30:00Z,10.5,10.75,10.25,10.5,80\n")  # line 4 is blank
    with pytest.raises(DataError) as caught:
        load_csv(write(tmp_path, text))
    assert str(caught.value) == ("line 5: timestamp 2024-01-02T14:30:00Z is not after the previous one "
                                 "(2024-01-02T14:31:00Z): rows must be oldest first (a file newest first: sort it "
                                 "by time)")  # trial 26: a file newest first had no hint


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(DataError, match=r"line 1: missing column\(s\): low \(header: Date,Open,High,Close\)"):
        load_csv(write(tmp_path, "Date,Open,High,Close\n2024-01-02,1,1,1\n"))


def test_a_file_without_volumes_is_backtested_and_the_caller_hears_so(tmp_path):
    notes: list[str] = []
    frame = load_csv(write(tmp_path, "Date,Open,High,Low,Close\n2024-01-02,1,1,1,1\n2024-01-03,1,2,1,2\n"),
                     notes=notes)
    assert len(frame) == 2 and frame.volume.tolist() == [0.0, 0.0]
    assert notes == ["the file has no volume column: every bar's volume reads 0"]


def test_barframe_refuses_bad_arrays_with_the_row_and_reason():
    with pytest.raises(DataError, match="AAA row 1: high 9 is below low 10"):
        BarFrame("AAA", "1Day", [1, 2], [10, 10], [11, 9], [9, 10], [10, 10], [1, 1])
    with pytest.raises(DataError, match="different lengths"):
        BarFrame("AAA", "1Day", [1, 2], [10], [11], [9], [10], [1])


def test_barframe_arrays_are_read_only():
    bars = synthetic_bars("AAA", 5)
    with pytest.raises(ValueError):
        bars.close[0] = 1.0


def test_synthetic_bars_are_valid_and_the_same_for_the_same_seed_and_symbol():
    a, b = synthetic_bars("AAA", 500, seed=3), synthetic_bars("AAA", 500, seed=3)
    other_symbol, other_seed = synthetic_bars("BBB", 500, seed=3), synthetic_bars("AAA", 500, seed=4)
    assert np.array_equal(a.close, b.close) and np.array_equal(a.ts, b.ts)
    assert not np.array_equal(a.close, other_symbol.close) and not np.array_equal(a.close, other_seed.close)
    assert (a.high >= np.maximum(a.open, a.close)).all() and (a.low <= np.minimum(a.open, a.close)).all()


def test_synthetic_minute_bars_follow_the_regular_session():
    bars = synthetic_bars("AAA", 400, timeframe="1Min")
    minutes = (bars.ts // 60_000_000_000) % (24 * 60)
    assert minutes[0] == 14 * 60 + 30  # 09:30 New York in January is 14:30 UTC
    assert minutes[390] == 14 * 60 + 30 and minutes[389] == 20 * 60 + 59  # next session starts after 15:59


def test_synthetic_spec_from_the_command_line():
    bars = parse_synthetic("msft:50:2")
    assert (bars.symbol, len(bars)) == ("MSFT", 50)
    with pytest.raises(ValueError, match="SYMBOL:BARS"):
        parse_synthetic("MSFT")


@pytest.mark.parametrize("count", ["0", "-5"])
def test_synthetic_data_of_no_bars_is_refused_in_one_line(count):
    # trial 29: AAPL:0 crashed building the result (IndexError), AAPL:-5 in the generator
    with pytest.raises(DataError, match=rf"synthetic data 'AAPL:{count}': BARS must be at least 1, got {count}"):
        parse_synthetic(f"AAPL:{count}")


@pytest.mark.parametrize("timeframe", ["1Day", "1Week", "1Hour"])
def test_synthetic_bars_that_would_run_past_2099_are_refused_with_the_way_out(timeframe):
    with pytest.raises(DataError, match=rf"200,000 synthetic {timeframe} bars from 2024-01-02 would run past 2099: "
                                        r"use fewer bars or a shorter timeframe"):
        synthetic_bars("AAA", 200_000, timeframe=timeframe)
    assert synthetic_bars("AAA", 19_000).ts[-1] < 4_102_444_800 * 10**9  # 2100-01-01


def test_market_aligns_symbols_on_the_union_of_their_timestamps():
    a = BarFrame("A", "1Day", [1, 2, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1])
    b = BarFrame("B", "1Day", [2, 4], [2, 2], [2, 2], [2, 2], [2, 2], [1, 1])
    market = Market([a, b])
    assert list(market.timeline) == [1, 2, 3, 4] and not market.aligned
    assert list(market.rows(1)) == [-1, 0, -1, 1]
    assert list(market.last_rows(0)) == [0, 1, 2, 2]
    np.testing.assert_array_equal(market.closes_on_timeline(1), [np.nan, 2, 2, 2])
    assert [len(f) for f in market.head(3).frames] == [3, 1]


def test_market_refuses_mixed_timeframes_and_duplicate_symbols():
    a = synthetic_bars("AAA", 5)
    with pytest.raises(DataError, match="different timeframes"):
        Market([a, synthetic_bars("BBB", 5, timeframe="1Min")])
    with pytest.raises(DataError, match="given twice"):
        Market([a, a])


@pytest.mark.parametrize("gaps", [
    [60] * 999,  # regular minute bars: settled without sorting
    [60] * 500 + [3600] * 10 + [60] * 490,  # overnight gaps
    [86_400] * 4 + [3 * 86_400] + [86_400] * 4,  # daily bars and a weekend
    [60, 120],  # an even count whose middle gaps differ: the mean of the two
    list(range(1, 5001, 3))[::-1],  # all different, unsorted
])
def test_the_median_gap_is_numpys_median_exactly(gaps):
    ts = np.concatenate([[1_700_000_000], 1_700_000_000 + np.cumsum(gaps)]).astype(np.int64) * 10**9
    assert median_gap(ts) == float(np.median(np.diff(ts)))
    counted = GapMedian()  # as load_csv counts them, batch by batch
    for end in [1, *range(2, len(ts), 97), len(ts)]:
        counted.add(ts, end)
    assert counted.value(ts) == float(np.median(np.diff(ts)))


def test_a_file_whose_later_rows_are_shorter_than_its_first_loads_whole(tmp_path):
    """Rows are estimated from the first 64 kB; a file that beats the estimate makes the arrays grow."""
    rows = [f"{1_700_000_000 + 60 * i},10.5,11,10,10.25,{i},{'x' * (400 if i < 200 else 0)}" for i in range(20_000)]
    bars = load_csv(write(tmp_path, "timestamp,open,high,low,close,volume,note\n" + "\n".join(rows) + "\n"))
    assert len(bars) == 20_000 and bars.timeframe == "1Min"
    assert bars.ts.tolist() == [(1_700_000_000 + 60 * i) * 10**9 for i in range(20_000)]
    assert bars.volume.tolist() == list(map(float, range(20_000))) and set(bars.close.tolist()) == {10.25}


def test_a_yahoo_null_row_says_what_it_is_and_the_way_round(tmp_path):
    """Trial 39: "open is not a number ('null')" and nothing more."""
    text = ("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1,1,1,5\n"
            "2024-01-03,null,null,null,null,null,null\n")
    with pytest.raises(DataError) as caught:
        load_csv(write(tmp_path, text))
    assert str(caught.value) == ("line 3: open is not a number ('null'): a day without prices, as Yahoo writes it; "
                                 "delete such rows, or `weaver bars import --keep-good-rows` stores the others")
