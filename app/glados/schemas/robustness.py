"""The robustness request and response (app/services/robustness.py builds the values). Percentages are in
percent, equity in the run's currency as numbers (a distribution's percentiles are estimates, not money
booked), shares of paths as fractions 0..1."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.glados.schemas.common import Out
from app.services.robustness import MAX_RESAMPLES

RobustnessMethod = Literal["bootstrap", "shuffle", "both"]


class RobustnessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resamples: int = Field(1000, ge=1, le=MAX_RESAMPLES, description="paths per test")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="the same seed gives the same figures")
    ruin_drawdown_pct: float = Field(50.0, gt=0, le=100, description="a path is ruined when its max drawdown "
                                                                      "reaches this, percent")
    method: RobustnessMethod = Field("both", description="bootstrap: trades drawn with replacement; shuffle: the "
                                                         "same trades reordered; both")


class SpreadOut(Out):
    p5: float
    p50: float
    p95: float
    mean: float


class HistogramOut(Out):
    edges: list[float] = Field(description="bin edges, ascending: one more than counts; the last bin includes "
                                           "its upper edge")
    counts: list[int]


class MonteCarloOut(Out):
    method: Literal["bootstrap", "shuffle"]
    resamples: int
    trades: int
    final_equity: SpreadOut
    max_drawdown_pct: SpreadOut = Field(description=(
        "the deepest fall from a running peak of the trade-by-trade compounded equity, percent, positive as a "
        "run's `max_drawdown_pct` is (19.4: a 19.4 % fall; the UI and `weaver runs robustness` show it as "
        "-19.4 %, as they show a run's)"))
    longest_drawdown_trades: SpreadOut = Field(description="the most consecutive trades closed below a previous "
                                                           "peak")
    ruin_drawdown_pct: float
    ruin_probability: float = Field(description="share of paths (0..1) whose max drawdown reaches ruin_drawdown_pct")
    band_trades: list[int] = Field(description="the trade index of each band point (0: the start), at most 201 "
                                               "evenly spread")
    band_p5: list[float] = Field(description="equity's 5th percentile after band_trades[i] trades")
    band_p50: list[float]
    band_p95: list[float]
    drawdown_histogram: HistogramOut = Field(description="max drawdown of every path, percent (positive)")


class RandomEntryOut(Out):
    resamples: int
    strategy_return_pct: float = Field(description="the run's closed trades' total P&L over its starting cash "
                                                   "(their realised returns compounded), percent")
    random_return_pct: SpreadOut = Field(description="the same trades (symbol, side, bars held, share of equity "
                                                     "staked) at random entry bars, close to close, no fees: "
                                                     "compounded return, percent")
    percentile: float = Field(description="percent of random runs whose return is below the strategy's")
    p_value: float = Field(description="share of random runs (0..1) whose return is at least the strategy's")


class RobustnessOut(Out):
    run_id: str
    trades: int
    start_equity: float
    resamples: int
    seed: int
    monte_carlo: list[MonteCarloOut] = Field(description="one per method asked, bootstrap first")
    random_entry: RandomEntryOut | None
    random_entry_unavailable: str | None = Field(description="why there is no random-entry benchmark (the "
                                                             "run's bars are gone or shorter than a trade)")
    trades_final_equity: float = Field(description="starting cash plus the closed trades' total net P&L: where "
                                                   "every shuffled path ends")
    note: str | None = Field(description="why trades_final_equity is not the run's final equity (a position "
                                         "open at the end, or fees outside the trades), if it is not")
    caution: str | None = Field(None, description="what too few trades leave the figures worth (under 30 trades), "
                                                  "else null")
