"""How much of a run's result is luck: Monte Carlo over its trade sequence and a random-entry benchmark.

Pure numpy, vectorised over resamples (every resample is a row of one matrix), so 1,000 resamples of
1,000 trades cost less than the backtest they test. The paths are built in row chunks of about
CHUNK_CELLS values, so 100,000 resamples do not hold 100,000 whole paths at once; one seeded
numpy Generator draws every chunk in turn, so a seed gives the same figures every time.

A trade's return here is its P&L as a fraction of the realised equity before it (`realised_returns`:
starting cash plus the earlier trades' P&L), so the trades compound to exactly the cash they booked:
the shuffle's constant final equity is starting cash plus the trades' total P&L. Open positions'
unrealised P&L between trades is not in these paths.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

PERCENTILES = (5.0, 50.0, 95.0)
METHODS = ("bootstrap", "shuffle")
CHUNK_CELLS = 2_000_000  # values per chunk of paths (16 MB of float64)
BAND_POINTS = 101  # at most this many trade indices in the equity bands (a fan chart's width)
HISTOGRAM_BINS = 20
STEP_ROWS = 256  # paths from which `walk` steps across them all at once


@dataclass(frozen=True)
class Spread:
    """A distribution's 5th, 50th and 95th percentiles (linear interpolation; a count's are counts) and its mean."""

    p5: float
    p50: float
    p95: float
    mean: float


@dataclass(frozen=True)
class Histogram:
    edges: list[float]  # len(counts) + 1, ascending; the last bin includes its upper edge
    counts: list[int]


@dataclass(frozen=True)
class MonteCarlo:
    method: str  # bootstrap: trades drawn with replacement; shuffle: the same trades in a random order
    resamples: int
    trades: int
    final_equity: Spread
    max_drawdown_pct: Spread  # deepest fall from a running peak of the trade-by-trade path, percent
    longest_drawdown_trades: Spread  # most consecutive trades closed below a previous peak
    ruin_drawdown_pct: float
    ruin_probability: float  # share of paths whose max drawdown reaches ruin_drawdown_pct
    band_trades: list[int]  # the trade index of each band point (0: the start, before any trade)
    band_p5: list[float]
    band_p50: list[float]
    band_p95: list[float]
    drawdown_histogram: Histogram  # max drawdown, percent


@dataclass(frozen=True)
class RandomEntry:
    resamples: int
    strategy_return_pct: float  # the trades' realised returns compounded: their total P&L over the starting cash
    random_return_pct: Spread
    percentile: float  # percent of random runs whose return is below the strategy's
    p_value: float  # share of random runs whose return is at least the strategy's (one-sided)


def realised_returns(pnls: Sequence[float] | np.ndarray, start_equity: float) -> tuple[np.ndarray, np.ndarray]:
    """Each trade's P&L over the realised equity before it, and that equity: E0 = start_equity,
    r_i = pnl_i / E_{i-1}, E_i = E_{i-1} + pnl_i, so prod(1 + r_i) = (E0 + sum pnl) / E0 exactly (in
    the order given: exits oldest first). Refused when the booked equity falls to zero or below."""
    pnl = np.asarray(pnls, dtype=np.float64)
    before = start_equity + np.concatenate(([0.0], np.cumsum(pnl)[:-1]))
    if not start_equity > 0 or (before <= 0).any():
        raise ValueError("the realised equity falls to zero or below: returns on it are undefined")
    return pnl / before, before


def spread(values: np.ndarray, counts: bool = False) -> Spread:
    """`counts`: the values are whole counts, and so is each percentile (one of the values, the inverted CDF's):
    interpolated, a longest drawdown read "1,316.65 trades" (trial 26). The mean stays a mean."""
    p5, p50, p95 = np.percentile(values, PERCENTILES, method="inverted_cdf" if counts else "linear")
    return Spread(float(p5), float(p50), float(p95), float(values.mean()))


def _rows_per_chunk(width: int) -> int:
    return max(1, CHUNK_CELLS // max(1, width))


def _chunks(total: int, width: int) -> Iterator[int]:
    rows = _rows_per_chunk(width)
    for start in range(0, total, rows):
        yield min(rows, total - start)


def _steps(growth: np.ndarray, start_equity: float, method: str, rows: int, rng: np.random.Generator) -> np.ndarray:
    """(n + 1, rows): the starting equity, then each path's trades' growth factors (1 + return, floored
    at zero: a short losing more than its entry value ends the equity), one path a column."""
    n = len(growth)
    steps = np.empty((n + 1, rows), dtype=np.float64)
    steps[0] = start_equity
    if method == "bootstrap":
        np.take(growth, rng.integers(0, n, size=(n, rows)), out=steps[1:], mode="clip")
    elif method == "shuffle":  # each column (a path) a permutation, shuffled in place: no transposed copy
        steps[1:] = growth[:, None]
        rng.permuted(steps[1:], axis=0, out=steps[1:])
    else:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    return steps


def walk(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compound `steps` (as `_steps` lays them out) in place into each path's equity after each trade,
    and give each path's max drawdown (percent of its running peak) and its longest stretch of trades
    closed below a previous peak. Many paths: one trade at a time across every path (two calls on
    whole rows per trade; numpy's accumulate along a path is several times slower); few: `_walk_paths`."""
    width, rows = steps.shape
    if rows < STEP_ROWS:
        return _walk_paths(steps)
    equity = steps
    level = np.empty_like(equity)  # the running peak, then equity over it
    level[0] = equity[0]
    for step in range(1, width):
        np.multiply(equity[step - 1], equity[step], out=equity[step])
        np.fmax(level[step - 1], equity[step], out=level[step])
    np.divide(equity, level, out=level)  # 1 at a peak, below 1 under one
    return equity, (1.0 - level.min(axis=0)) * 100.0, _longest_below(np.ascontiguousarray((level >= 1.0).T))


def _longest_below(peaks: np.ndarray) -> np.ndarray:
    """Per row of (rows, steps) booleans, True where a path is at its running peak (every row starts
    at one): the most consecutive steps below it, as the gaps between the flattened matrix's peaks."""
    rows, width = peaks.shape
    at_peak = np.flatnonzero(peaks.ravel())
    gaps = np.diff(at_peak, append=rows * width) - 1  # steps below the peak after each peak step
    return np.maximum.reduceat(gaps, np.searchsorted(at_peak, np.arange(rows) * width))


def _walk_paths(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`walk` for few paths (the trade loop's per-call cost would dominate): accumulates along each
    path. The same figures."""
    paths = np.cumprod(steps.T, axis=1)
    level = np.fmax.accumulate(paths, axis=1)  # the running peak
    np.divide(paths, level, out=level)  # 1 at a peak, below 1 under one
    return paths.T, (1.0 - level.min(axis=1)) * 100.0, _longest_below(level >= 1.0)


def band_indices(trades: int) -> np.ndarray:
    """Trade indices 0..trades, thinned evenly to at most BAND_POINTS (the first and last kept)."""
    if trades + 1 <= BAND_POINTS:
        return np.arange(trades + 1)
    return np.unique(np.linspace(0, trades, BAND_POINTS).round().astype(np.int64))


def histogram(values: np.ndarray, bins: int = HISTOGRAM_BINS) -> Histogram:
    """`bins` equal bins from 0 to the largest value (0 to 1 if every value is 0)."""
    high = float(values.max()) if len(values) else 0.0
    counts, edges = np.histogram(values, bins=bins, range=(0.0, high if high > 0 else 1.0))
    return Histogram([float(e) for e in edges], [int(c) for c in counts])


def monte_carlo(returns: Sequence[float] | np.ndarray, start_equity: float, *, method: str = "bootstrap",
                resamples: int = 1000, seed: int = 0, ruin_drawdown_pct: float = 50.0) -> MonteCarlo:
    """Resample the trade sequence `resamples` times: `bootstrap` draws n trades with replacement (the
    spread of results such trades could give), `shuffle` reorders the same n trades (same final
    equity, a different path: how much of the drawdown was the order's luck)."""
    r = np.asarray(returns, dtype=np.float64)
    if len(r) == 0 or resamples < 1 or not start_equity > 0:
        raise ValueError("need at least one trade, one resample and a starting equity above zero")
    rng = np.random.default_rng(seed)
    growth = np.maximum(1.0 + r, 0.0)
    bands = band_indices(len(r))
    finals, depths, longest, banded = [], [], [], []
    for rows in _chunks(resamples, len(r) + 1):
        equity, depth, stretch = walk(_steps(growth, start_equity, method, rows, rng))
        finals.append(equity[-1])
        depths.append(depth)
        longest.append(stretch)
        banded.append(equity[bands])
    final, depth, stretch = np.concatenate(finals), np.concatenate(depths), np.concatenate(longest)
    p5, p50, p95 = np.percentile(np.concatenate(banded, axis=1), PERCENTILES, axis=1)
    return MonteCarlo(method, resamples, len(r), spread(final), spread(depth), spread(stretch, counts=True),
                      float(ruin_drawdown_pct), float((depth >= ruin_drawdown_pct).mean()),
                      [int(i) for i in bands], p5.tolist(), p50.tolist(), p95.tolist(), histogram(depth))


@dataclass(frozen=True)
class TradeShape:
    """What the random-entry benchmark keeps of a trade: its series, side, holding period in bars and
    stake (its entry value over the realised equity before it: the share of equity a random trade risks)."""

    symbol: str
    short: bool
    bars_held: int
    stake: float


def random_entry(returns: Sequence[float] | np.ndarray, shapes: Sequence[TradeShape],
                 closes: dict[str, np.ndarray], *, resamples: int = 1000, seed: int = 0) -> RandomEntry:
    """Run the strategy's trades `resamples` times at random entry bars: each keeps its symbol, side,
    holding period and stake (return = stake × side × (close[exit] / close[entry] − 1)); a long buys
    at the entry bar's close and sells `bars_held` closes later, a short sells and buys back. Each
    random trade's entry is drawn independently and uniformly from the bars where its holding period
    fits, so random trades may overlap one another (placing them one after another would tie every
    draw to the others' and bias entries towards the start).
    Random trades pay no fees or slippage and the strategy's returns are net of both, so the
    comparison leans against the strategy. A run's return is its trades' returns compounded; `returns`
    are the strategy's on the same basis (`realised_returns`)."""
    r = np.asarray(returns, dtype=np.float64)
    if len(r) != len(shapes) or len(r) == 0 or resamples < 1:
        raise ValueError("need one shape per trade, at least one trade and one resample")
    strategy = float(np.prod(np.maximum(1.0 + r, 0.0)))
    rng = np.random.default_rng(seed)
    groups = {}
    for symbol in sorted({s.symbol for s in shapes}):
        picked = [i for i, s in enumerate(shapes) if s.symbol == symbol]
        held = np.array([shapes[i].bars_held for i in picked], dtype=np.int64)
        series = np.asarray(closes[symbol], dtype=np.float64)
        if len(series) == 0 or held.max(initial=0) >= len(series):
            raise ValueError(f"a {symbol} trade is held {int(held.max(initial=0))} bars, longer than its "
                             f"{len(series)} closes")
        side = np.array([-1.0 if shapes[i].short else 1.0 for i in picked])
        stake = np.array([shapes[i].stake for i in picked], dtype=np.float64)
        groups[symbol] = (held, side * stake, series)
    totals = []
    for rows in _chunks(resamples, len(r)):
        growth = np.ones(rows, dtype=np.float64)
        for held, signed_stake, series in groups.values():
            entries = rng.integers(0, len(series) - held, size=(rows, len(held)))
            move = series[entries + held] / series[entries] - 1.0  # a long's return on its entry value
            factor = 1.0 + signed_stake * move  # a short gains what the price loses
            np.maximum(factor, 0.0, out=factor)
            growth *= np.prod(factor, axis=1)
        totals.append(growth)
    random_growth = np.concatenate(totals)
    p_value = float((random_growth >= strategy).mean())
    return RandomEntry(resamples, (strategy - 1.0) * 100.0, spread((random_growth - 1.0) * 100.0),
                       float((random_growth < strategy).mean() * 100.0), p_value)
