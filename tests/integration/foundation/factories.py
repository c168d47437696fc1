"""Small builders for rows the foundation tests need."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.walle.models import Run


def make_run(**overrides: object) -> Run:
    values: dict[str, object] = {
        "mode": "backtest",
        "strategy": "sma_cross",
        "params": {"fast": 10, "slow": 20},
        "symbols": ["AAPL"],
        "timeframe": "1Day",
        "start_at": datetime(2024, 1, 1, tzinfo=UTC),
        "end_at": datetime(2024, 12, 31, tzinfo=UTC),
        "cash": Decimal("10000.00"),
        "fees": {"model": "none"},
        "slippage": {"model": "none"},
        "options": {},
        "status": "created",
    }
    values.update(overrides)
    return Run(**values)
