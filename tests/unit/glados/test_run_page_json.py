"""A runs-list item's `metrics_unavailable` and `state`, appended in Python to the text Postgres wrote:
the same whether the metrics are parsed (a null among them) or not (none: nothing can be withheld)."""

from __future__ import annotations

import orjson

from app.glados.run_page_json import with_state
from app.greta.metrics import unavailable
from app.services.run_state import run_state

HEAD = '{"id":"run-1","status":"completed","metrics":'


def appended(metrics_text: str) -> dict[str, object]:
    return orjson.loads(with_state((HEAD + metrics_text + "}", "backtest", "completed", None)))  # type: ignore[no-any-return]


def test_a_short_run_says_why_its_null_annualised_figures_are_withheld() -> None:
    metrics = {"bars": 20, "bars_per_year": 252, "sharpe": None, "volatility_pct": None, "total_return_pct": 1.5}
    item = appended(orjson.dumps(metrics).decode())
    assert item["metrics"] == metrics
    assert set(item["metrics_unavailable"]) == {"sharpe", "volatility_pct"}  # type: ignore[arg-type]
    assert item["metrics_unavailable"] == unavailable(metrics)
    assert item["metrics_unavailable"]["sharpe"].startswith("not enough data: 19 returns")  # type: ignore[index]
    assert item["state"] == orjson.loads(orjson.dumps(run_state("backtest", "completed", None)))


def test_metrics_without_a_null_withhold_nothing() -> None:
    for text in ('{"bars": 20, "bars_per_year": 252, "sharpe": 0.4}', '{"trades": 58}', "{}"):
        item = appended(text)
        assert item["metrics_unavailable"] == {} == unavailable(orjson.loads(text))
        assert item["metrics"] == orjson.loads(text)
