"""A paper run on a pair is annualised by the crypto year (365 × 24 h) from its first tick, before the broker's
asset list has been stored for it (trial 35: a new install's first BTC/USD run was annualised by the stock
session year, 252 × 6.5 h, until the next restart: its Sharpe and volatility off by about 2.3×)."""

from __future__ import annotations

from sqlalchemy import select

from app.veda.ports import Asset
from app.walle.models import InstrumentRow, Order, RunMetric
from tests.unit.veda.conftest import FIRST_BAR, MINUTE, Desk


def _bars_per_year(desk: Desk, run_id: str) -> float | None:
    with desk.db.read_session() as session:
        return session.scalar(select(RunMetric.value).where(RunMetric.run_id == run_id,
                                                            RunMetric.name == "bars_per_year"))


def test_a_pair_with_no_stored_instrument_is_annualised_by_the_crypto_year(desk: Desk) -> None:
    desk.broker.add_bars("BTC/USD", FIRST_BAR - 50 * MINUTE, [60_000.0 + i for i in range(80)], MINUTE)
    desk.broker.assets["BTC/USD"] = Asset("BTC/USD", "crypto")
    quiet = {"strategy": "sma_cross", "params": {"fast": 40, "slow": 45}}  # no cross on a steady rise: no order,
    pair = desk.start(symbols=["BTC/USD"], **quiet)  # so nothing asked the broker for the pair's asset yet
    stock = desk.start(**quiet)
    for run_id in (pair, stock):
        desk.tick(run_id, 0)
    with desk.db.read_session() as session:
        assert session.scalars(select(Order)).all() == [] and session.get(InstrumentRow, "BTC/USD") is None
    assert _bars_per_year(desk, pair) == 365 * 24 * 60
    assert _bars_per_year(desk, stock) == 252 * 390  # a symbol with no stored instrument: a US share
