"""A few bars' growth annualised past any float: the run still finishes, with no CAGR figure."""

import numpy as np

from app.greta.metrics import compute_metrics
from app.greta.records import EquityCurve


def test_growth_too_large_to_annualise_gives_no_cagr_instead_of_an_error():
    equity_e4 = np.array([100_0000, 500_0000, 1000_0000], dtype=np.int64)  # $100 → $1,000 in two minutes
    curve = EquityCurve(np.arange(3, dtype=np.int64) * 60_000_000_000, equity_e4, equity_e4, equity_e4)
    metrics = compute_metrics(curve, np.array([900.0]), np.array([900.0]), 100.0, 98_280.0,
                              np.array([False, True, True]))
    assert metrics["total_return_pct"] == 900.0
    assert metrics["cagr_pct"] is None and metrics["calmar"] is None
    assert metrics["final_equity"] == 1000.0
