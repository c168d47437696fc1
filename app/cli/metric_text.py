"""A run's metrics and cost settings as the terminal shows them: `weaver backtest`, `weaver runs show|list`.

The figures follow the UI's reading of them (ui/src/lib/metrics.ts): percentages to two decimals,
the max drawdown negative, money to the cent, and a figure the API withholds (`metrics_unavailable`,
app/greta/metrics.py) shown as "not enough data" rather than a dash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from app.greta.metrics import unavailable
from app.greta.specs import FeeSpec, FeeSpecError, SlippageSpec, SlippageSpecError

Kind = Literal["pct", "drawdown", "ratio", "count", "money", "duration"]
DASH = "–"
NOT_ENOUGH_DATA = "not enough data"  # the UI's NOT_ENOUGH_DATA

# API name -> (label, kind), in the order a report lists them; names not here are listed after, as they come.
METRICS: dict[str, tuple[str, Kind]] = {
    "total_return_pct": ("Total return", "pct"),
    "cagr_pct": ("CAGR", "pct"),
    "volatility_pct": ("Volatility (ann.)", "pct"),
    "sharpe": ("Sharpe (arithmetic, ann.)", "ratio"),
    "sortino": ("Sortino", "ratio"),
    "calmar": ("Calmar", "ratio"),
    "max_drawdown_pct": ("Max drawdown", "drawdown"),
    "max_drawdown_bars": ("Max drawdown bars", "count"),
    "max_drawdown_seconds": ("Max drawdown duration", "duration"),
    "trades": ("Trades", "count"),
    "win_rate_pct": ("Win rate", "pct"),
    "profit_factor": ("Profit factor", "ratio"),
    "expectancy": ("Expectancy", "money"),
    "avg_trade_pct": ("Avg trade", "pct"),
    "best_trade_pct": ("Best trade", "pct"),
    "worst_trade_pct": ("Worst trade", "pct"),
    "exposure_pct": ("Exposure", "pct"),
    "fees_total": ("Fees", "money"),
    "benchmark_return_pct": ("Buy & hold return", "pct"),
    "final_equity": ("Final equity", "money"),
    "orders_rejected": ("Orders rejected", "count"),
    "day_pnl": ("Day P&L", "money"),
    "day_start_equity": ("Day start equity", "money"),
}
# Shown in other ways (the header's bar count, the starting cash) or only an input of other figures.
SHOWN_ELSEWHERE = ("bars", "start_equity", "bars_per_year")


def metric_rows(metrics: Mapping[str, float | int | None]) -> list[tuple[str, str]]:
    """(label, text) for every figure a run reports, known ones first in the catalogue's order."""
    withheld = unavailable(dict(metrics))
    names = [n for n in METRICS if n in metrics] + sorted(n for n in metrics if n not in METRICS
                                                          and n not in SHOWN_ELSEWHERE)
    return [(METRICS.get(n, (n.replace("_", " ").capitalize(), "ratio"))[0],
             NOT_ENOUGH_DATA if n in withheld else metric_text(n, metrics[n])) for n in names]


def withheld_reason(metrics: Mapping[str, float | int | None]) -> str | None:
    """The one sentence saying why the annualised figures are withheld, or None."""
    return next(iter(unavailable(dict(metrics)).values()), None)


def metric_text(name: str, value: float | int | None) -> str:
    kind = METRICS.get(name, ("", "ratio"))[1]
    if value is None or not math.isfinite(value):
        return DASH
    if kind == "pct":
        return pct(value)
    if kind == "drawdown":
        return drawdown(value)
    if kind == "count":
        return f"{round(value):,}"
    if kind == "money":
        return dollars(value)
    if kind == "duration":
        return duration(value)
    return number(value)


def number(value: float | None, places: int = 2) -> str:
    """Thousands separators and a fixed number of decimals (never "-0.00")."""
    if value is None or not math.isfinite(value):
        return DASH
    text = f"{value:,.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def pct(value: float | None) -> str:
    """A percent figure (12.345 means 12.345 %): "12.35%"."""
    return DASH if value is None or not math.isfinite(value) else f"{number(value)}%"


def drawdown(value: float | None) -> str:
    """The API's positive drawdown percent as a loss, as the UI shows it: 14.07 → "-14.07%"."""
    return DASH if value is None or not math.isfinite(value) else pct(-abs(value))


def dollars(value: float | Decimal | None) -> str:
    """To the cent: 98946.2 → "$98,946.20", -12.3 → "-$12.30"."""
    if value is None:
        return DASH
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:  # NaN or infinite
        return DASH
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def duration(seconds: float) -> str:
    """140,400,000 s → "1,625 days" (trial 34 read "1,740 days 0 h" on daily bars), 90,000 s → "1 day 1 h"; under a
    day in hours and minutes, under an hour in minutes; no drawdown at all → "none"."""
    whole = round(seconds)
    if whole <= 0:
        return "none"
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days:,} day{'s' * (days != 1)}" + (f" {hours} h" if hours else "")
    return f"{hours} h {minutes} min" if hours else f"{minutes} min" if minutes else f"{whole} s"


def fees_text(form: Mapping[str, Any] | str | None) -> str:
    """A run's fee model in words: none, Alpaca's, "0.10 % of notional", "$0.005 per share"."""
    try:
        spec = FeeSpec.parse(form)
    except FeeSpecError:
        return str(form)
    if spec.kind == "percent" and spec.rate is not None:
        return f"{spec.rate:.2f} % of notional" if spec.rate == round(spec.rate, 2) else f"{spec.rate} % of notional"
    if spec.kind == "per_share" and spec.rate is not None:
        return f"${spec.rate} per share"
    return {"alpaca": "Alpaca's (SEC and FINRA TAF on share sales; 0.25 % taken, 0.15 % made on crypto)"}.get(
        spec.kind, spec.kind)


def slippage_text(form: Mapping[str, Any] | str | None) -> str:
    """A run's slippage model in words: none, "5 bp against the order", "10 % of the bar's range"."""
    try:
        spec = SlippageSpec.parse(form)
    except SlippageSpecError:
        return str(form)
    if spec.kind == "bps" and spec.value is not None:
        return f"{spec.value.normalize():f} bp against the order"
    if spec.kind == "range" and spec.value is not None:
        return f"{(spec.value * 100).normalize():f} % of the bar's range"
    return spec.kind


def yes_no(value: object) -> str:
    return "yes" if value is True else "no" if value is False else DASH if value is None else str(value)
