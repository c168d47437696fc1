"""Indicators that never had a value: a lookback longer than the data (sma_cross with slow=2000 on 1,260
daily bars) leaves the strategy nothing to act on, and the run ends with no trades and 0.00 % as if the
strategy had simply found nothing. A trial saw exactly that, with nothing said; the run says it now."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def unfilled_indicators(indicators: Mapping[str, tuple[str, np.ndarray]], first: int) -> tuple[str, ...]:
    """A warning per float indicator (name → (symbol, values)) with no value on any bar from `first` (the
    bars before it only warmed up)."""
    warnings = []
    for name, (symbol, values) in indicators.items():
        traded = values[first:]
        if len(traded) and np.issubdtype(traded.dtype, np.floating) and np.isnan(traded).all():
            where = "the run's only bar" if len(traded) == 1 else f"any of the run's {len(traded):,} bars"
            warnings.append(f"the indicator {name} of {symbol} has no value on {where}: "
                            f"it needs more bars than the run's window holds, so the strategy never acted on it")
    return tuple(warnings)
