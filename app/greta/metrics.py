"""Performance metrics from the equity curve and the closed trades (floats; None when undefined).

Definitions (percentages are in percent, ratios plain; risk-free rate 0):
- returns are simple per-bar returns of equity; annualisation uses the run's bars per year, chosen by
  the asset class the run asked for, never a stored instrument (app/greta/annualise.py): the US equity
  session (252 days of 6.5 h), crypto's or a pair's ('BTC/USD') 365 × 24 h, else as many bars a year
  as the run's data holds. CAGR uses the bar count too, so all three agree.
- sharpe = mean / sample std × √bars_per_year; sortino = mean / downside deviation × √bars_per_year,
  the downside deviation being √(mean of min(r, 0)²) over all bars.
- max drawdown: largest fall from a running peak, in percent; its duration is the longest stretch
  from a peak to the bar that regained it (or the end), in bars and in seconds of bar time.
- calmar = CAGR / max drawdown. profit factor = gross profit / gross loss. expectancy = mean trade
  P&L in currency; avg/best/worst trade are trade returns in percent.
- exposure: share of bars with any position open at the bar's close.
- annualised figures (CAGR, volatility, Sharpe, Sortino, Calmar) are withheld (None, with the reason
  `annualised_shortfall` gives) until the run holds at least 30 returns covering at least a month of
  its year (the shortest: 19/252 of it): a Sharpe of 10 seconds or 5 days annualised means nothing.
"""

from __future__ import annotations

import math

import numpy as np

from app.greta.records import EquityCurve

Metrics = dict[str, float | int | None]
MIN_RETURNS = 30  # fewer returns than this give no usable mean or deviation
# and they must cover a month of the asset's year: the shortest, so that any calendar month is enough (trial 26:
# a twelfth of a year withheld every 30-day month's Sharpe): a February of 19 sessions of the 252 in a stock
# year (28 days of 365 are a little more)
MIN_YEAR_SHARE = 19 / 252
ANNUALISED = ("cagr_pct", "volatility_pct", "sharpe", "sortino", "calmar")


def returns_needed(bars_per_year: float) -> int:
    """How many returns (bars − 1) annualised figures need: 30, and a month of the run's year."""
    return max(MIN_RETURNS, math.ceil(bars_per_year * MIN_YEAR_SHARE - 1e-9))


def annualised_shortfall(bars: int, bars_per_year: float) -> str | None:
    """Why a run's annualised figures are withheld, or None when it holds enough data for them."""
    returns, needed = max(bars - 1, 0), returns_needed(bars_per_year)
    if returns >= needed:
        return None
    if needed == MIN_RETURNS:  # (the month is shorter than the 30 returns any figure needs)
        return f"not enough data: {returns:,} returns; annualised figures need at least {needed:,}"
    return (f"not enough data: {returns:,} returns; annualised figures need at least {needed:,}: a month of this "
            f"run's year of {bars_per_year:,.0f} bars")


def unavailable(metrics: dict[str, float | int | None]) -> dict[str, str]:
    """The reason each withheld annualised figure of stored metrics has (needs `bars` and `bars_per_year`)."""
    bars, per_year = metrics.get("bars"), metrics.get("bars_per_year")
    if bars is None or not per_year or not math.isfinite(per_year):
        return {}
    reason = annualised_shortfall(int(bars), float(per_year))
    return {} if reason is None else {name: reason for name in ANNUALISED if name in metrics and metrics[name] is None}


def _clean(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def compute_metrics(curve: EquityCurve, trade_pnl: np.ndarray, trade_pct: np.ndarray, initial_cash: float,
                    bars_per_year: float, exposed: np.ndarray) -> Metrics:
    """`trade_pnl` (currency) and `trade_pct` (percent): one value per closed trade."""
    equity = curve.equity
    bars = len(equity)
    final = float(equity[-1]) if bars else initial_cash
    out: Metrics = {"bars": bars, "start_equity": initial_cash, "final_equity": final}
    out["total_return_pct"] = _clean((final / initial_cash - 1.0) * 100.0)
    periods = bars - 1
    cagr = None
    if periods > 0 and final > 0:
        try:
            cagr = (final / initial_cash) ** (bars_per_year / periods) - 1.0
        except OverflowError:  # a few bars' growth annualised past any float: no figure, like other infinities
            cagr = math.inf
    elif periods > 0:
        cagr = -1.0
    out["cagr_pct"] = _clean(cagr * 100.0) if cagr is not None else None
    out.update(_risk(equity, bars_per_year))
    max_dd = out["max_drawdown_pct"]
    out["calmar"] = _clean(cagr / (max_dd / 100.0)) if cagr is not None and max_dd else None
    out.update(_drawdown_duration(equity, curve.ts))
    out.update(trade_stats(trade_pnl, trade_pct))
    out["exposure_pct"] = _clean(float(exposed.mean()) * 100.0) if bars else None
    benchmark = curve.benchmark_e4
    out["benchmark_return_pct"] = _clean((benchmark[-1] / 10_000.0 / initial_cash - 1.0) * 100.0) if bars else None
    return _withhold(out, bars, bars_per_year)


def _withhold(out: Metrics, bars: int, bars_per_year: float) -> Metrics:
    if annualised_shortfall(bars, bars_per_year) is not None:
        out.update(dict.fromkeys((name for name in ANNUALISED if name in out), None))
    return out


def equity_metrics(equity: np.ndarray, initial_cash: float, bars_per_year: float) -> Metrics:
    """The figures an equity curve alone gives (a live run's, bar by bar): return, volatility,
    Sharpe, Sortino, max drawdown, computed as for a backtest."""
    final = float(equity[-1]) if len(equity) else initial_cash
    out: Metrics = {"bars": len(equity), "bars_per_year": bars_per_year, "final_equity": final,
                    "total_return_pct": _clean((final / initial_cash - 1.0) * 100.0), **_risk(equity, bars_per_year)}
    return _withhold(out, len(equity), bars_per_year)


def _risk(equity: np.ndarray, bars_per_year: float) -> Metrics:
    if len(equity) < 3 or np.any(equity[:-1] <= 0):
        peak = np.maximum.accumulate(equity) if len(equity) else equity
        worst = float(np.max(1.0 - equity / peak)) * 100.0 if len(equity) and np.all(peak > 0) else None
        return {"volatility_pct": None, "sharpe": None, "sortino": None, "max_drawdown_pct": _clean(worst)}
    r = np.diff(equity) / equity[:-1]
    mean, std = float(r.mean()), float(r.std(ddof=1))
    root = math.sqrt(bars_per_year)
    downside = math.sqrt(float(np.mean(np.minimum(r, 0.0) ** 2)))
    peak = np.maximum.accumulate(equity)
    return {
        "volatility_pct": _clean(std * root * 100.0),
        "sharpe": _clean(mean / std * root) if std > 0 else None,
        "sortino": _clean(mean / downside * root) if downside > 0 else None,
        "max_drawdown_pct": _clean(float(np.max(1.0 - equity / peak)) * 100.0),
    }


def _drawdown_duration(equity: np.ndarray, ts: np.ndarray) -> Metrics:
    if len(equity) == 0:
        return {"max_drawdown_bars": 0, "max_drawdown_seconds": 0.0}
    peak = np.maximum.accumulate(equity)
    at_peak = np.flatnonzero(equity >= peak)  # bars that set or match the running high
    # A drawdown runs from one peak bar to the next one (or to the end when never regained); two peak bars
    # side by side had none between them (a flat curve is never in drawdown: 0 bars, not 1).
    ends = np.append(at_peak[1:], len(equity) - 1)
    lengths = ends - at_peak
    lengths[:-1][lengths[:-1] == 1] = 0
    longest = int(np.argmax(lengths))
    if not lengths[longest]:
        return {"max_drawdown_bars": 0, "max_drawdown_seconds": 0.0}
    start, end = int(at_peak[longest]), int(ends[longest])
    return {"max_drawdown_bars": int(lengths[longest]), "max_drawdown_seconds": float(ts[end] - ts[start]) / 1e9}


def trade_stats(pnl: np.ndarray, pct: np.ndarray) -> Metrics:
    """Figures of closed trades: `pnl` in currency, `pct` their returns in percent (a live run's too)."""
    count = len(pnl)
    if not count:
        return {"trades": 0, "win_rate_pct": None, "profit_factor": None, "expectancy": None,
                "avg_trade_pct": None, "best_trade_pct": None, "worst_trade_pct": None}
    wins, losses = pnl[pnl > 0].sum(), -pnl[pnl < 0].sum()
    return {
        "trades": count,
        "win_rate_pct": float((pnl > 0).mean() * 100.0),
        "profit_factor": _clean(float(wins / losses)) if losses > 0 else None,
        "expectancy": float(pnl.mean()),
        "avg_trade_pct": float(pct.mean()),
        "best_trade_pct": float(pct.max()),
        "worst_trade_pct": float(pct.min()),
    }
