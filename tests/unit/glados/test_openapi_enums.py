"""The document names each enum once, with the values the code accepts and reports; the UI's lists come
from these components (ui/src/lib/api/generated/enums.ts)."""

from __future__ import annotations

from typing import get_args

import numpy as np

from app.glados.openapi_dump import document
from app.glados.schemas.enums import LIVE_ONLY_METRICS, RunMetric
from app.greta.metrics import equity_metrics
from tests.unit.greta.helpers import run

REF = "#/components/schemas/"


def test_every_enum_is_a_named_component_that_the_fields_refer_to() -> None:
    schemas = document()["components"]["schemas"]
    assert schemas["Timeframe"]["enum"] == ["1Sec", "5Sec", "15Sec", "30Sec", "1Min", "5Min", "15Min", "30Min",
                                            "1Hour", "1Day"]
    assert schemas["RunStatus"]["enum"] == ["created", "queued", "running", "completed", "failed", "cancelled",
                                            "stopping", "stopped", "error"]
    assert schemas["FinishedStatus"]["enum"] == ["completed", "failed", "cancelled", "stopped", "error"]
    assert schemas["RunMode"]["enum"] == ["backtest", "paper", "live"]
    assert {"created_at", "sharpe", "total_return_pct"} <= set(schemas["RunSort"]["enum"])
    for model in ("RunCreate", "SweepCreate", "BarQuery"):
        assert schemas[model]["properties"]["timeframe"]["$ref"] == REF + "Timeframe", model
    assert schemas["RunCreate"]["properties"]["timeframe"]["default"] == "1Day"
    assert schemas["RunOut"]["properties"]["status"]["$ref"] == REF + "RunStatus"
    assert schemas["RunOut"]["properties"]["mode"]["$ref"] == REF + "RunMode"
    assert schemas["SweepResultOut"]["properties"]["status"]["$ref"] == REF + "RunStatus"
    assert schemas["RunQuery"]["properties"]["sort"]["$ref"] == REF + "RunSort"
    assert schemas["RunOut"]["properties"]["timeframe"] == {"title": "Timeframe", "type": "string"}  # CLI runs: any


def test_the_documented_metrics_are_the_ones_a_backtest_and_a_live_run_report() -> None:
    rows = [(10.0, 13.0, 9.0, 10.0 + i % 3) for i in range(10)]
    result = run(rows, {1: lambda s: s.buy(size=1), 5: lambda s: s.sell(size=1)})
    assert sorted([*result.metrics, *LIVE_ONLY_METRICS]) == sorted(get_args(RunMetric))
    live = equity_metrics(np.array([100.0, 101.0, 99.5, 102.0]), 100.0, 252.0)
    assert set(live) <= set(get_args(RunMetric))
