"""Technical indicators over whole numpy series, computed once per run (never bar by bar).

Every function is causal (the value at t uses inputs up to t only), returns float64 arrays as long
as its input, and is NaN during warm-up. Definitions follow the textbook ones (Wilder for RSI and
ATR, StockCharts for EMA seeding and Bollinger's population deviation), so results can be checked
by hand and against other tools.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Array = np.ndarray


def _series(values: object) -> Array:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError("indicators take one-dimensional series")
    return array


def _period(n: int, name: str = "period") -> int:
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def _windows(x: Array, n: int) -> Array | None:
    return sliding_window_view(x, n) if len(x) >= n else None


_SIGNIFICANT_DIGITS = 12


def _settled(x: Array) -> Array:
    """`x` rounded to 12 significant digits, far below any price's precision but above float error.

    Averages that are equal in exact arithmetic (a 10- and a 20-bar SMA of two-decimal prices both
    at 118.096) come out of float sums an ulp apart; left so, a tie reads as a cross one bar early.
    Each value is multiplied by 10^(11 - ⌊log10 |x|⌋), rounded, divided back. A price series spans a
    decade or two, so the per-value scale is read from where each value stands against the decade
    boundaries (`_decade_scales`), which takes a tenth of the time of the logarithms; otherwise
    (zeros, NaN, wider ranges) the logarithms are taken per value. Both give the same scales.
    """
    scale = _decade_scales(x)
    if scale is None:
        scale = _scales_by_logs(x)
    out = np.multiply(x, scale)
    np.round(out, out=out)
    out /= scale
    return out


def _scales_by_logs(x: Array) -> Array:
    """10^(11 - ⌊log10 |x|⌋) per value, 10^11 for zeros and non-finite values (worked in place: on a
    million bars each fresh temporary costs as much as the arithmetic)."""
    scale = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log10(scale, out=scale)
    np.floor(scale, out=scale)
    scale[~np.isfinite(scale)] = 0.0
    np.subtract(_SIGNIFICANT_DIGITS - 1, scale, out=scale)
    np.power(10.0, scale, out=scale)
    return scale


def _magnitude(value: float) -> float:
    """⌊log10 value⌋ for a positive finite value, by the same numpy routine the per-value path uses."""
    return float(np.floor(np.log10(np.array([value]))[0]))


def _decade_scales(x: Array) -> Array | float | None:
    """10^(11 - ⌊log10 |x|⌋) per value when every |x| is positive, finite and within two adjacent
    decades (a scalar for one); None otherwise. The boundary between the two decades is the smallest
    float the logarithm puts in the upper one (found by stepping down from the power of ten, as the
    logarithm may round a value a few ulps below it up), so each value gets the scale the logarithm
    would have given it."""
    if not len(x):
        return None
    magnitude = np.abs(x)
    low, high = float(magnitude.min()), float(magnitude.max())
    if not (low > 0.0 and high < math.inf):  # zeros, infinities or NaN (NaN fails both tests)
        return None
    bottom, top = _magnitude(low), _magnitude(high)
    if top - bottom > 1:
        return None
    scales = np.power(10.0, np.array([_SIGNIFICANT_DIGITS - 1 - bottom, _SIGNIFICANT_DIGITS - 1 - top]))
    if top == bottom:
        return float(scales[0])
    boundary = float(np.power(10.0, top))
    while _magnitude(boundary) < top:  # (the power of ten itself in the lower decade: up to where it ends)
        boundary = float(np.nextafter(boundary, math.inf))
    while _magnitude(float(np.nextafter(boundary, 0.0))) >= top:
        boundary = float(np.nextafter(boundary, 0.0))
    return np.where(magnitude >= boundary, scales[1], scales[0])


def sma(values: object, n: int) -> Array:
    """Simple moving average. Window sums (not a running cumsum) keep long series exact to 1e-12;
    a convolution with ones computes them three times faster than summing a sliding window's rows."""
    x, n = _series(values), _period(n)
    out = np.full(len(x), np.nan)
    if len(x) >= n:
        sums = np.convolve(x, np.ones(n), "valid")
        sums /= n
        out[n - 1:] = _settled(sums)
    return out


def _recursive(x: Array, alpha: float, n: int) -> Array:
    """y[t] = y[t-1] + alpha * (x[t] - y[t-1]), seeded with the mean of the first n valid values.

    The recursion is inherently sequential, so it runs as a tight loop over Python floats; the
    seed is StockCharts' (an SMA), which is what makes published EMA/RSI/ATR tables reproducible.
    """
    out = np.full(len(x), np.nan)
    valid = np.flatnonzero(~np.isnan(x))
    if len(valid) < n:
        return out
    start = int(valid[0])
    if np.isnan(x[start:]).any():
        raise ValueError("series has gaps (NaN after its first value)")
    seed_end = start + n - 1
    level = float(np.mean(x[start:seed_end + 1]))
    values = [level]
    append = values.append
    keep = 1.0 - alpha
    for value in x[seed_end + 1:].tolist():
        level = level * keep + value * alpha
        append(level)
    out[seed_end:] = values
    return out


def ema(values: object, n: int) -> Array:
    """Exponential moving average, alpha = 2/(n+1), seeded with the SMA of the first n values."""
    n = _period(n)
    return _recursive(_series(values), 2.0 / (n + 1), n)


def wilder(values: object, n: int) -> Array:
    """Wilder's smoothing (an EMA with alpha = 1/n), seeded with an SMA: the basis of RSI and ATR."""
    n = _period(n)
    return _recursive(_series(values), 1.0 / n, n)


def rsi(values: object, n: int = 14) -> Array:
    """Wilder's Relative Strength Index: first value at index n; 100 when there were no losses."""
    x, n = _series(values), _period(n)
    out = np.full(len(x), np.nan)
    if len(x) <= n:
        return out
    change = np.diff(x)
    gain = wilder(np.maximum(change, 0.0), n)
    loss = wilder(np.maximum(-change, 0.0), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 100.0 - 100.0 / (1.0 + gain / loss)
    value = np.where(loss == 0.0, np.where(gain == 0.0, 50.0, 100.0), value)
    value[np.isnan(gain)] = np.nan
    out[1:] = value
    return out


def macd(values: object, fast: int = 12, slow: int = 26, signal: int = 9) -> tuple[Array, Array, Array]:
    """(MACD line, signal line, histogram): EMA(fast) - EMA(slow), its EMA(signal), and their gap."""
    x = _series(values)
    if _period(fast, "fast") >= _period(slow, "slow"):
        raise ValueError("fast must be shorter than slow")
    line = ema(x, fast) - ema(x, slow)
    signal_line = ema(line, _period(signal, "signal"))
    return line, signal_line, line - signal_line


def bollinger(values: object, n: int = 20, k: float = 2.0) -> tuple[Array, Array, Array]:
    """(upper, middle, lower): SMA(n) ± k population standard deviations (StockCharts' definition)."""
    x, n = _series(values), _period(n)
    middle = sma(x, n)
    width = np.full(len(x), np.nan)
    windows = _windows(x, n)
    if windows is not None:
        width[n - 1:] = windows.std(axis=1) * k
    return middle + width, middle, middle - width


def true_range(high: object, low: object, close: object) -> Array:
    """max(high - low, |high - previous close|, |low - previous close|); the first bar is high - low."""
    h, lo, c = _series(high), _series(low), _series(close)
    out = h - lo
    if len(out) > 1:
        previous = c[:-1]
        out[1:] = np.maximum(out[1:], np.maximum(np.abs(h[1:] - previous), np.abs(lo[1:] - previous)))
    return out


def atr(high: object, low: object, close: object, n: int = 14) -> Array:
    """Wilder's Average True Range: the first value (index n-1) is the mean of the first n true ranges."""
    return wilder(true_range(high, low, close), n)


def highest(values: object, n: int) -> Array:
    """Rolling highest value over the last n bars (the current one included)."""
    x, n = _series(values), _period(n)
    out = np.full(len(x), np.nan)
    windows = _windows(x, n)
    if windows is not None:
        out[n - 1:] = windows.max(axis=1)
    return out


def lowest(values: object, n: int) -> Array:
    """Rolling lowest value over the last n bars (the current one included)."""
    x, n = _series(values), _period(n)
    out = np.full(len(x), np.nan)
    windows = _windows(x, n)
    if windows is not None:
        out[n - 1:] = windows.min(axis=1)
    return out


def returns(values: object, periods: int = 1) -> Array:
    """Simple return over `periods` bars: x[t] / x[t - periods] - 1."""
    x, p = _series(values), _period(periods, "periods")
    out = np.full(len(x), np.nan)
    if len(x) > p:
        out[p:] = x[p:] / x[:-p] - 1.0
    return out


def log_returns(values: object, periods: int = 1) -> Array:
    """Log return over `periods` bars: ln(x[t] / x[t - periods])."""
    x, p = _series(values), _period(periods, "periods")
    out = np.full(len(x), np.nan)
    if len(x) > p:
        out[p:] = np.log(x[p:] / x[:-p])
    return out


def crossover(a: object, b: object) -> Array:
    """+1 where `a` crosses above `b` at t, -1 where it crosses below, else 0.

    A cross is strict on its bar (a > b at t for +1) against the last earlier bar where the two
    differed (a < b there): touching without crossing is no signal, and a cross that passes through an
    exact tie counts on the first bar past it — as backtesting.py's `crossover` sees it when its
    float averages are an ulp apart at the tie (ours are settled to 12 digits, so ties are exact).
    """
    x, y = _series(a), _series(b)
    out = np.zeros(len(x))
    if len(x) > 1:  # (worked in place: on a million bars each fresh temporary costs as much as the arithmetic)
        side = np.subtract(x, y)
        with np.errstate(invalid="ignore"):
            np.sign(side, out=side)
        side[np.isnan(side)] = 0.0  # before both series have values: no side yet
        ties = np.flatnonzero(side == 0)
        if len(ties) and ties[-1] != len(ties) - 1:  # a tie after the warm-up: look past it
            last = np.arange(len(side))
            last[ties] = 0
            np.maximum.accumulate(last, out=last)  # the last bar that was not a tie, up to t
            before = side[last[:-1]]  # the side there, up to t - 1
        else:  # no tie but the leading run without values: the side before t is the side at t - 1
            before = side[:-1]
        now = side[1:]
        up = now > 0
        up &= before < 0
        down = now < 0
        down &= before > 0
        np.subtract(up, down, out=out[1:], dtype=np.float64)
    return out


def _side_before(a: list[float], b: list[float]) -> float:
    """The sign of a - b at the last bar before the newest one where they differed (0: none)."""
    for i in range(len(a) - 2, -1, -1):
        if a[i] != b[i] and not (math.isnan(a[i]) or math.isnan(b[i])):
            return 1.0 if a[i] > b[i] else -1.0
        if math.isnan(a[i]) or math.isnan(b[i]):
            return 0.0
    return 0.0


def crossed_above(a: list[float], b: list[float]) -> bool:
    """Bar-by-bar form of `crossover` for use inside `next()`: did `a` just cross above `b`?"""
    return len(a) > 1 and a[-1] > b[-1] and _side_before(a, b) < 0


def crossed_below(a: list[float], b: list[float]) -> bool:
    return len(a) > 1 and a[-1] < b[-1] and _side_before(a, b) > 0


def is_nan(value: float) -> bool:
    return math.isnan(value)
