"""What a walk-forward request carries: a sweep's grid and settings, the folds, and the objective."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from app.services.specs import Strict, SweepCreate

# The metrics the sweep heatmap ranks by (ui/src/lib/metrics.ts METRIC_DEFS, as the API names them), but buy &
# hold's return: the same in every cell of a window (trial 31 "chose" the first cell of every fold by it).
Objective = Literal[
    "total_return_pct", "cagr_pct", "sharpe", "sortino", "calmar", "max_drawdown_pct", "max_drawdown_bars",
    "volatility_pct", "win_rate_pct", "profit_factor", "expectancy", "avg_trade_pct", "best_trade_pct",
    "worst_trade_pct", "exposure_pct", "trades", "fees_total", "final_equity",
]
Direction = Literal["max", "min"]
# Each objective as the New walk-forward form's Objective dropdown names it (ui/src/lib/metrics.ts METRIC_DEFS labels):
# an error about the objective is read beside that dropdown, which shows no API names such as total_return_pct.
OBJECTIVE_LABELS: dict[str, str] = {
    "total_return_pct": "Return", "cagr_pct": "CAGR", "sharpe": "Sharpe", "sortino": "Sortino", "calmar": "Calmar",
    "max_drawdown_pct": "Max DD", "max_drawdown_bars": "DD bars", "volatility_pct": "Volatility",
    "win_rate_pct": "Win rate", "profit_factor": "Profit factor", "expectancy": "Expectancy $",
    "avg_trade_pct": "Avg trade", "best_trade_pct": "Best trade", "worst_trade_pct": "Worst trade",
    "exposure_pct": "Exposure", "trades": "Trades", "fees_total": "Fees $", "final_equity": "Final equity",
}

# Better lower, as the heatmap colours them (higherIsBetter false; drawdowns come as positive percents):
# maximising one picks the worst cell, so "max" is refused. The rest are better higher, "min" refused.
BETTER_LOWER = frozenset({"max_drawdown_pct", "max_drawdown_bars", "volatility_pct", "fees_total"})
# A matter of taste, not of quality: either end may be asked. The default is the heatmap's (less time in
# the market, more trades).
EITHER_END: dict[str, Direction] = {"exposure_pct": "min", "trades": "max"}


def natural_direction(objective: str) -> Direction:
    """The end of the objective that is better, when the request does not say."""
    return EITHER_END.get(objective, "min" if objective in BETTER_LOWER else "max")


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
    direction: Direction | None = Field(
        None, validate_default=True,
        description="choose the highest (max) or lowest (min) objective; default: its better end (min for "
                    "max_drawdown_pct, max_drawdown_bars, volatility_pct, fees_total and exposure_pct). The "
                    "worse end of a drawdown, volatility, fees or return is refused")
    min_trades: int = Field(0, ge=0, le=1_000_000, description="cells with fewer trades are not chosen")
    contrast: bool = Field(True, description="also optimise on the whole window and run its best cell: the "
                                             "in-sample result shown beside the stitched out-of-sample one")

    @field_validator("objective", mode="before")
    @classmethod
    def _objective(cls, objective: object) -> object:
        if objective == "benchmark_return_pct":
            raise ValueError("buy & hold's return is the same in every cell of a window, so it cannot choose "
                             "one: choose by a figure of the strategy's own (total_return_pct, sharpe, ...)")
        return objective

    @field_validator("direction")
    @classmethod
    def _direction(cls, direction: Direction | None, info: ValidationInfo) -> Direction:
        """The objective's better end, or the one asked if the objective has no better end; the worse refused
        (a user maximising max_drawdown_pct was given each fold's deepest drawdown, silently)."""
        objective = info.data.get("objective")
        if objective is None:  # refused itself: nothing to weigh the direction against
            return direction or "max"
        natural = natural_direction(objective)
        if direction is None or direction == natural or objective in EITHER_END:
            return direction or natural
        sense, end = ("lower", "lowest") if natural == "min" else ("higher", "highest")
        raise ValueError(f"{OBJECTIVE_LABELS.get(objective, objective)} is better {sense}: best is the {end} "
                         f"(direction '{natural}', or leave direction out)")
