"""POST /api/v1/bars/import of a Yahoo file says which close the bars take, as the command line does (trial 26:
the CLI warned that Adj Close is not used; the API answered `"warnings": []` for the same file)."""

from __future__ import annotations

import io

from app.greta.data.adjusted_close import NOTE

YAHOO = "Date,Open,High,Low,Close,Adj Close,Volume\n"


def test_an_uploaded_yahoo_file_is_told_its_adj_close_is_not_used(client) -> None:
    rows = "".join(f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},10,11,9,10.{d % 10},9.8,100\n" for d in range(40))
    upload = {"file": (io.BytesIO((YAHOO + rows).encode()), "yahoo.csv"), "symbol": "YHOO"}
    answer = client.post("/api/v1/bars/import", data=upload, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    assert NOTE in answer.get_json()["warnings"]
