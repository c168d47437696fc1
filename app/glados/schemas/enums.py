"""Names the API publishes as enums that no request model declares: the metrics a run reports.

The OpenAPI document lists them (components `RunMetric`), and the UI's types and lists are
generated from it; tests/unit/glados/test_openapi_enums.py checks them against a real backtest.
"""

from __future__ import annotations

from typing import Literal

RunMetric = Literal[
    "bars", "start_equity", "final_equity", "total_return_pct", "cagr_pct", "volatility_pct", "sharpe", "sortino",
    "max_drawdown_pct", "calmar", "max_drawdown_bars", "max_drawdown_seconds", "trades", "win_rate_pct",
    "profit_factor", "expectancy", "avg_trade_pct", "best_trade_pct", "worst_trade_pct", "exposure_pct",
    "benchmark_return_pct", "bars_per_year", "orders_rejected", "fees_total", "day_pnl", "day_start_equity",
]
LIVE_ONLY_METRICS = ("day_pnl", "day_start_equity")  # paper and live runs: the New York day's P&L (app/veda/marking.py)
