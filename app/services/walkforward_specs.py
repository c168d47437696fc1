"""What a walk-forward request carries: a sweep's grid and settings, the folds, and the objective."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.services.specs import Strict, SweepCreate

# The metrics the sweep heatmap ranks by (ui/src/lib/metrics.ts METRIC_DEFS, as the API names them).
Objective = Literal[
    "total_return_pct", "cagr_pct", "sharpe", "sortino", "calmar", "max_drawdown_pct", "max_drawdown_bars",
    "volatility_pct", "win_rate_pct", "profit_factor", "expectancy", "avg_trade_pct", "best_trade_pct",
    "worst_trade_pct", "exposure_pct", "trades", "benchmark_return_pct", "fees_total", "final_equity",
]


class FoldsIn(Strict):
    """Lengths in bars (12, "250") or calendar periods ("12M", "3M", "5D"), all of one kind; app/greta/folds.py."""

    kind: Literal["rolling", "anchored"] = "rolling"
    train: int | str = Field(description="train window: bars, or a period such as 12M")
    test: int | str = Field(description="test (out-of-sample) window: bars, or a period such as 3M")
    step: int | str | None = Field(None, description="how far each fold moves; default: the test length")
    gap: int | str = Field(0, description="bars or a period between train and test")
    warmup: int = Field(200, ge=0, le=100_000, description="bars before each test window that feed the "
                                                             "indicators of the out-of-sample run, without trading")


class WalkforwardCreate(SweepCreate):
    folds: FoldsIn
    objective: Objective = "sharpe"
    direction: Literal["max", "min"] = "max"
    min_trades: int = Field(0, ge=0, le=1_000_000, description="cells with fewer trades are not chosen")
    contrast: bool = Field(True, description="also optimise on the whole window and run its best cell: the "
                                             "in-sample result shown beside the stitched out-of-sample one")
