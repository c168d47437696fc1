"""Monte Carlo over a trade sequence and the random-entry benchmark (app/greta/robustness.py), pinned
on trade lists and price series whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from app.greta.robustness import (
    TradeShape,
    _walk_paths,
    band_indices,
    monte_carlo,
    random_entry,
    realised_returns,
    walk,
)

KNOWN = [0.10, -0.05, 0.20, -0.15, 0.03, 0.07, -0.10, 0.12, -0.02, 0.05]


def test_a_fixed_seed_gives_the_same_percentiles_and_another_seed_others() -> None:
    first = monte_carlo(KNOWN, 10_000.0, method="bootstrap", resamples=500, seed=7)
    again = monte_carlo(KNOWN, 10_000.0, method="bootstrap", resamples=500, seed=7)
    other = monte_carlo(KNOWN, 10_000.0, method="bootstrap", resamples=500, seed=8)
    assert first == again
    assert first.final_equity != other.final_equity


def test_shuffling_keeps_the_final_equity_but_not_the_drawdowns() -> None:
    result = monte_carlo(KNOWN, 10_000.0, method="shuffle", resamples=1000, seed=1)
    product = 10_000 * 1.10 * 0.95 * 1.20 * 0.85 * 1.03 * 1.07 * 0.90 * 1.12 * 0.98 * 1.05  # 12,184.66
    spread = result.final_equity
    for value in (spread.p5, spread.p50, spread.p95, spread.mean):
        assert value == pytest.approx(product, rel=1e-12)
    assert result.band_p5[-1] == pytest.approx(product, rel=1e-12) == result.band_p95[-1]
    dd = result.max_drawdown_pct
    assert dd.p5 < dd.p50 < dd.p95  # the order decides how deep the worst fall is
    # the deepest possible: every loss in a row, (1 - .95 * .85 * .90 * .98) = 28.78 %
    assert dd.p95 <= 28.78 + 1e-9 and result.max_drawdown_pct.p5 >= 15.0 - 1e-9  # never less than the worst loss
    assert sum(result.drawdown_histogram.counts) == 1000


def test_the_bootstrap_mean_final_equity_is_the_analytic_expectation() -> None:
    """Trades drawn independently with replacement: E[prod(1 + r_i)] = (1 + mean r)^n, and the final
    equity's variance is E[(1 + r)^2]^n - (1 + mean r)^(2n)."""
    rng = np.random.default_rng(3)
    returns = rng.normal(0.004, 0.03, 200)
    resamples = 20_000
    result = monte_carlo(returns, 1.0, method="bootstrap", resamples=resamples, seed=11)
    n = len(returns)
    expected = (1 + returns.mean()) ** n
    standard_error = np.sqrt(np.mean((1 + returns) ** 2) ** n - expected ** 2) / np.sqrt(resamples)
    assert standard_error > 0.001  # a spread wide enough for the check to mean something
    assert abs(result.final_equity.mean - expected) < 3 * standard_error


@pytest.mark.parametrize("copies", [1, 300])  # few paths: whole-path accumulates; many: one step at a time
def test_drawdown_depth_and_length_of_a_known_path(copies: int) -> None:
    paths = np.array([[100.0, 110.0, 99.0, 104.5, 121.0, 60.5, 121.0],
                      [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0]])
    draws = np.tile(paths[:, 1:] / paths[:, :-1], (copies, 1))
    equity, depth, longest = walk(np.vstack([np.full(2 * copies, 100.0), draws.T]))
    assert equity.shape == (7, 2 * copies)
    assert equity[:, :2].T == pytest.approx(paths)
    assert depth[:2].tolist() == pytest.approx([50.0, 0.0])  # 121 → 60.5
    assert longest[:2].tolist() == [2, 0]  # 99 and 104.5 below 110; 60.5 alone below 121 (121 is back at the peak)


def test_stepping_across_paths_and_walking_each_give_the_same_figures() -> None:
    steps = np.vstack([np.full(400, 1000.0), 1 + np.random.default_rng(5).normal(0.001, 0.03, (250, 400))])
    stepped, by_path = walk(steps.copy()), _walk_paths(steps.copy())
    for a, b in zip(stepped, by_path, strict=True):
        assert np.array_equal(a, b)


def test_probability_of_ruin_is_the_share_of_paths_reaching_the_drawdown() -> None:
    returns = [0.5, -0.5]  # shuffled: +50 % then -50 % falls 50 %; -50 % first falls 50 % from the start
    assert monte_carlo(returns, 100.0, method="shuffle", resamples=200, ruin_drawdown_pct=50).ruin_probability == 1.0
    assert monte_carlo(returns, 100.0, method="shuffle", resamples=200, ruin_drawdown_pct=50.01).ruin_probability \
        == 0.0
    boot = monte_carlo(returns, 100.0, method="bootstrap", resamples=4000, seed=2, ruin_drawdown_pct=50)
    assert boot.ruin_probability == pytest.approx(0.75, abs=0.03)  # only (+50 %, +50 %) escapes: 1 in 4


def test_equity_bands_are_thinned_to_a_chart_width() -> None:
    assert band_indices(5).tolist() == [0, 1, 2, 3, 4, 5]
    thinned = band_indices(1000)
    assert len(thinned) == 101 and thinned[0] == 0 and thinned[-1] == 1000
    result = monte_carlo(np.full(1000, 0.001), 100.0, resamples=10)
    assert result.band_trades == thinned.tolist()
    assert result.band_p50[0] == 100.0 and result.band_p50[-1] == pytest.approx(100 * 1.001 ** 1000)


def test_large_resample_counts_are_built_in_chunks_reproducibly() -> None:
    """More paths than one chunk holds: the draws continue from the same generator."""
    import app.greta.robustness as module

    whole = monte_carlo(KNOWN, 100.0, resamples=300, seed=4)
    saved = module.CHUNK_CELLS
    module.CHUNK_CELLS = 11 * 7  # seven paths of 11 points a chunk
    try:
        chunked = monte_carlo(KNOWN, 100.0, resamples=300, seed=4)
        again = monte_carlo(KNOWN, 100.0, resamples=300, seed=4)
    finally:
        module.CHUNK_CELLS = saved
    assert chunked.resamples == 300 and sum(chunked.drawdown_histogram.counts) == 300
    assert chunked.final_equity.mean == pytest.approx(whole.final_equity.mean, rel=0.05)  # other draws, same law
    assert chunked == again  # the seed still decides


def _wave(bars: int = 400) -> np.ndarray:
    return 100 + 10 * np.sin(np.arange(bars) / 15)


def test_buying_the_lowest_close_and_selling_the_highest_beats_almost_every_random_entry() -> None:
    closes = _wave()
    low = int(np.argmin(closes[:100]))
    high = low + int(np.argmax(closes[low:low + 60]))
    held = high - low
    best = closes[high] / closes[low] - 1  # +22 %: trough to crest
    result = random_entry([best], [TradeShape("X", False, held, 1.0)], {"X": closes}, resamples=2000, seed=5)
    assert result.strategy_return_pct == pytest.approx(best * 100)
    assert result.p_value < 0.02 and result.percentile > 98
    assert result.random_return_pct.p50 < best * 100


def test_the_worst_trades_lose_to_almost_every_random_entry() -> None:
    closes = _wave()
    high = int(np.argmax(closes[:100]))
    low = high + int(np.argmin(closes[high:high + 60]))
    worst = closes[low] / closes[high] - 1  # bought the crest, sold the trough
    shapes = [TradeShape("X", False, low - high, 1.0)] * 3
    result = random_entry([worst] * 3, shapes, {"X": closes}, resamples=2000, seed=5)
    assert result.p_value > 0.98 and result.percentile < 2


def test_a_short_gains_what_the_price_loses() -> None:
    closes = np.array([100.0, 90.0, 80.0, 70.0, 60.0])  # only falls: any short of 1 bar gains
    result = random_entry([0.0], [TradeShape("X", True, 1, 1.0)], {"X": closes}, resamples=500, seed=0)
    assert result.random_return_pct.p5 >= 10.0 - 1e-9  # 100 → 90 … 70 → 60: +10 % … +14.3 %
    assert result.random_return_pct.p95 == pytest.approx(100 / 7, abs=1e-6)
    assert result.p_value == 1.0  # a flat trade is beaten by every random short


def test_trades_on_two_symbols_use_their_own_closes() -> None:
    rising, falling = np.linspace(100, 200, 50), np.linspace(200, 100, 50)
    shapes = [TradeShape("UP", False, 10, 1.0), TradeShape("DOWN", True, 10, 1.0)]
    result = random_entry([0.0, 0.0], shapes, {"UP": rising, "DOWN": falling}, resamples=300, seed=9)
    assert result.random_return_pct.p5 > 0  # a long on the riser and a short on the faller always gain


def test_realised_returns_compound_to_the_cash_the_trades_booked() -> None:
    """$98,927.95 is what −1.07 % compounding gave; the trades' P&L over the equity before each gives
    the run's $98,946.20 exactly: 100,000 + 250.00 − 1,500.00 + 196.20."""
    returns, before = realised_returns([250.00, -1500.00, 196.20], 100_000.0)
    assert before.tolist() == [100_000.0, 100_250.0, 98_750.0]
    assert returns.tolist() == pytest.approx([0.0025, -1500 / 100_250, 196.20 / 98_750], rel=1e-15)
    shuffled = monte_carlo(returns, 100_000.0, method="shuffle", resamples=50, seed=2).final_equity
    for value in (shuffled.p5, shuffled.p50, shuffled.p95):
        assert round(value, 2) == 98_946.20
    with pytest.raises(ValueError, match="zero or below"):
        realised_returns([-60.0, -40.0, 5.0], 100.0)


def test_a_random_trade_stakes_the_share_of_equity_its_strategy_trade_did() -> None:
    closes = np.array([100.0, 110.0, 121.0, 133.1])  # +10 % every bar
    long_quarter = random_entry([0.025], [TradeShape("X", False, 1, 0.25)], {"X": closes}, resamples=100)
    assert long_quarter.random_return_pct.p5 == pytest.approx(2.5) == long_quarter.random_return_pct.p95
    assert long_quarter.strategy_return_pct == pytest.approx(2.5) and long_quarter.p_value == 1.0
    short_half = random_entry([0.0], [TradeShape("X", True, 1, 0.5)], {"X": closes}, resamples=100)
    assert short_half.random_return_pct.p50 == pytest.approx(-5.0)  # half the equity short through a 10 % rise
    two = random_entry([0.01, 0.02], [TradeShape("X", False, 1, 0.2), TradeShape("X", False, 2, 0.1)],
                       {"X": closes}, resamples=100)
    assert two.strategy_return_pct == pytest.approx((1.01 * 1.02 - 1) * 100)
    assert two.random_return_pct.p50 == pytest.approx((1.02 * 1.021 - 1) * 100)  # 0.2 × 10 %, then 0.1 × 21 %


def test_a_holding_period_longer_than_the_series_is_refused() -> None:
    with pytest.raises(ValueError, match="held 10 bars"):
        random_entry([0.1], [TradeShape("X", False, 10, 1.0)], {"X": np.arange(1.0, 6.0)})


def test_the_longest_drawdowns_percentiles_are_whole_trades():
    """A count's percentiles are counts (trial 26 read a longest drawdown of "1,316.65 trades"); its mean is a mean."""
    returns = np.random.default_rng(4).normal(0.001, 0.02, 500)
    result = monte_carlo(returns, 10_000, resamples=300, seed=2)
    longest = result.longest_drawdown_trades
    assert all(float(v).is_integer() for v in (longest.p5, longest.p50, longest.p95))
    assert longest.p5 <= longest.p50 <= longest.p95
