"""Market data over HTTP: CSV import refuses a file with a bad row by line (storing nothing), stores a clean
one exactly, and the series and bars endpoints show what is stored."""

from __future__ import annotations

import io

HEADER = "timestamp,open,high,low,close,volume\n"
ROWS = ["2024-03-01T00:00:00Z,50.00,51.00,49.50,50.75,1200", "2024-03-04T00:00:00Z,50.75,52.10,50.50,52.00,900"]


def upload(client, text: str, **form: str):
    data = {"file": (io.BytesIO(text.encode()), "bars.csv"), **form}
    return client.post("/api/v1/bars/import", data=data, content_type="multipart/form-data")


def test_a_bad_row_is_named_by_line_and_nothing_is_stored(client):
    bad = HEADER + "\n".join([ROWS[0], "2024-03-02T00:00:00Z,50,49,49.5,50,10", ROWS[1]]) + "\n"
    response = upload(client, bad, symbol="IMPX", timeframe="1Day")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed"
    assert body["details"]["errors"] == [{"line": 3, "reason": "high 49 is below low 49.5"}]
    assert "nothing was imported" in body["message"]
    assert [s for s in client.get("/api/v1/bars/series").get_json() if s["symbol"] == "IMPX"] == []


def test_a_clean_file_is_stored_and_listed(client):
    response = upload(client, HEADER + "\n".join(ROWS) + "\n", symbol="impx", timeframe="1Day")
    assert response.status_code == 201
    assert response.get_json() == {"symbol": "IMPX", "timeframe": "1Day", "rows": 2, "inserted": 2, "skipped": 0,
                                   "error_count": 0, "errors": [], "warnings": [],
                                   "conflicts": {"count": 0, "examples": []}}
    (series,) = [s for s in client.get("/api/v1/bars/series").get_json() if s["symbol"] == "IMPX"]
    assert (series["first_ts"], series["last_ts"], series["count"], series["source"]) == (
        "2024-03-01T00:00:00Z", "2024-03-04T00:00:00Z", 2, "csv")
    bars = client.get("/api/v1/bars?symbol=IMPX&timeframe=1Day").get_json()
    assert [(b["ts"], b["open"], b["high"], b["close"]) for b in bars] == [
        ("2024-03-01T00:00:00Z", "50.0", "51.0", "50.75"), ("2024-03-04T00:00:00Z", "50.75", "52.1", "52.0")]


def test_each_series_names_its_symbols_stored_asset_class_for_the_forms_to_pre_fill(client):
    assert upload(client, HEADER + "\n".join(ROWS) + "\n", symbol="CLSA", timeframe="1Day",
                  asset_class="crypto").status_code == 201
    assert upload(client, HEADER + "\n".join(ROWS) + "\n", symbol="CLSN", timeframe="1Day").status_code == 201
    listed = {s["symbol"]: s["asset_class"] for s in client.get("/api/v1/bars/series").get_json()
              if s["symbol"] in ("CLSA", "CLSN")}
    assert listed == {"CLSA": "crypto", "CLSN": None}


def test_missing_file_and_bad_series_are_4xx_with_the_error_body(client):
    missing = client.post("/api/v1/bars/import", data={"symbol": "X"}, content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.get_json()["code"] == "missing_file"
    wrong = upload(client, HEADER + ROWS[0] + "\n", symbol="not a symbol!", timeframe="7Min")
    assert wrong.status_code == 422
    assert set(wrong.get_json()["details"]["fields"]) == {"symbol", "timeframe"}


def test_an_unadjusted_file_is_stored_with_a_split_warning(client):
    rows = ["2020-08-28T00:00:00Z,499,505,498,500,100", "2020-08-31T00:00:00Z,125.10,127,124,126.5,400"]
    response = upload(client, HEADER + "\n".join(rows) + "\n", symbol="SPLT", timeframe="1Day")
    assert response.status_code == 201
    assert response.get_json()["warnings"] == [
        "SPLT: a 4:1 split? close 500.00 → open 125.10 on 2020-08-31; the bars look unadjusted "
        "(fetch with --adjustment split, or adjust the CSV)"]


def test_prices_volumes_and_times_that_would_be_stored_wrong_are_a_422_by_line(client):
    rows = [
        ROWS[0],
        "2024-03-02T00:00:00Z,0,51,49.5,50.75,10",  # line 3: a zero price was stored before
        "2024-03-03T00:00:00Z,-50,51,49.5,50.75,10",  # line 4: so was a negative one
        "2024-03-04T00:00:00Z,50,inf,49.5,50.75,10",  # line 5: a 500 before
        "2024-03-05T00:00:00Z,50,1e308,49.5,50.75,10",  # line 6: a 500 before (NUMERIC overflow)
        "2024-03-06T00:00:00Z,50,51,49.5,50.75,nan",  # line 7
        "1969-12-31T00:00:00Z,50,51,49.5,50.75,10",  # line 8
    ]
    response = upload(client, HEADER + "\n".join(rows) + "\n", symbol="CHKS", timeframe="1Day")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed"
    assert body["details"]["error_count"] == 6
    assert body["details"]["errors"] == [
        {"line": 3, "reason": "open 0 is not positive"},
        {"line": 4, "reason": "open -50 is not positive"},
        {"line": 5, "reason": "high is not a finite number ('inf')"},
        {"line": 6, "reason": "high 1e308 is too large (at most 18 digits before the point)"},
        {"line": 7, "reason": "volume is not a number ('nan')"},
        {"line": 8, "reason": "timestamp '1969-12-31T00:00:00Z' is outside 1970-01-01 … 2100-01-01"},
    ]
    assert [s for s in client.get("/api/v1/bars/series").get_json() if s["symbol"] == "CHKS"] == []


def test_an_epoch_beyond_2100_is_a_422_not_a_bar_in_1677(client):
    response = upload(client, HEADER + "1709251200,50,51,49.5,50.75,10\n99999999999,50,51,49.5,50.75,10\n",
                      symbol="EPCA")
    assert response.status_code == 422
    assert response.get_json()["details"]["errors"] == [
        {"line": 3, "reason": "timestamp '99999999999' is outside 1970-01-01 … 2100-01-01 (read as epoch seconds)"}]


def test_keep_good_rows_stores_the_rest_and_lists_the_bad(client):
    text = HEADER + "\n".join([ROWS[0], "2024-03-02T00:00:00Z,0,51,49.5,50.75,10", ROWS[1]]) + "\n"
    response = upload(client, text, symbol="KEEPA", timeframe="1Day", keep_good_rows="true")
    assert response.status_code == 201
    assert response.get_json() == {"symbol": "KEEPA", "timeframe": "1Day", "rows": 2, "inserted": 2, "skipped": 0,
                                   "error_count": 1, "errors": [{"line": 3, "reason": "open 0 is not positive"}],
                                   "warnings": [], "conflicts": {"count": 0, "examples": []}}


def test_a_file_that_is_not_utf8_is_a_422_on_the_file_field(client):
    data = {"file": (io.BytesIO(HEADER.encode() + b"2024-03-01,1,1,1,1,1\n\xff\n"), "bars.csv"), "symbol": "UTFX"}
    response = client.post("/api/v1/bars/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_json()  # refused whole, with the line of the first byte that is not UTF-8
    assert body["details"]["errors"] == [{"line": 3, "reason": "the file is not UTF-8 text"}]
    assert body["details"]["fields"] == {"file": "1 bad row(s); first: line 3: the file is not UTF-8 text"}


def test_a_file_with_only_a_header_is_refused_and_makes_no_series(client):
    response = upload(client, HEADER, symbol="EMPT", timeframe="1Day")
    assert response.status_code == 422
    assert response.get_json()["details"]["fields"] == {
        "file": "the file holds no bars, only a header: nothing to import"}
    assert [s for s in client.get("/api/v1/bars/series").get_json() if s["symbol"] == "EMPT"] == []


def test_daily_bars_stored_as_minute_bars_as_asked_come_with_a_warning(client):
    response = upload(client, HEADER + "\n".join(ROWS) + "\n", symbol="SPRS", timeframe="1Min")
    assert response.status_code == 201
    assert response.get_json()["warnings"] == [
        "the file's bars are mostly 1Day apart but were stored as 1Min bars, as asked: check the timeframe"]


def test_a_reupload_with_other_prices_keeps_the_stored_bars_and_lists_the_differences(client):
    assert upload(client, HEADER + "\n".join(ROWS) + "\n", symbol="CONF", timeframe="1Day").status_code == 201
    changed = [ROWS[0], "2024-03-04T00:00:00Z,50.75,52.15,50.50,52.05,900", "2024-03-05T00:00:00Z,52,53,51,52.5,700"]
    response = upload(client, HEADER + "\n".join(changed) + "\n", symbol="CONF", timeframe="1Day")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["rows"], body["inserted"], body["skipped"]) == (3, 1, 2)
    assert body["conflicts"] == {"count": 1, "examples": [
        {"ts": "2024-03-04T00:00:00Z", "column": "high", "stored": "52.1", "file": "52.15"},
        {"ts": "2024-03-04T00:00:00Z", "column": "close", "stored": "52", "file": "52.05"}]}
    bars = client.get("/api/v1/bars?symbol=CONF&timeframe=1Day").get_json()
    assert [(b["ts"], b["high"], b["close"]) for b in bars] == [
        ("2024-03-01T00:00:00Z", "51.0", "50.75"), ("2024-03-04T00:00:00Z", "52.1", "52.0"),
        ("2024-03-05T00:00:00Z", "53.0", "52.5")]
    same = upload(client, HEADER + "\n".join(changed) + "\n", symbol="CONF", timeframe="1Day").get_json()
    assert (same["inserted"], same["conflicts"]["count"]) == (0, 1)
    original = upload(client, HEADER + "\n".join(ROWS) + "\n", symbol="CONF", timeframe="1Day").get_json()
    assert (original["inserted"], original["skipped"], original["conflicts"]) == (0, 2, {"count": 0, "examples": []})


def test_second_bars_import_under_the_timeframe_the_form_offers_and_the_one_the_file_has(client):
    """Trial 19: the Data page offered 1Sec and the import refused it ("one of 1Min, …"), while the same file
    with no timeframe was stored as 1Sec."""
    seconds = HEADER + "".join(f"2024-03-01T14:30:{s:02d}Z,50.00,51.00,49.50,50.75,12\n" for s in range(6))
    given = upload(client, seconds, symbol="SECA", timeframe="1Sec")
    assert given.status_code == 201, given.get_json()
    assert (given.get_json()["timeframe"], given.get_json()["inserted"]) == ("1Sec", 6)
    found = upload(client, seconds, symbol="SECB")
    assert found.status_code == 201 and found.get_json()["timeframe"] == "1Sec"
    unknown = upload(client, seconds, symbol="SECC", timeframe="2Sec").get_json()
    assert unknown["details"]["fields"]["timeframe"] == ("one of 1Sec, 5Sec, 15Sec, 30Sec, 1Min, 5Min, 15Min, 30Min, "
                                                         "1Hour, 1Day")
