"""A walk-forward's stitched result counts its fees: each fold's out-of-sample fees, in the chained account's
dollars (scaled as the fold's P&L is), and the contrast's on the same windows; its exposure is never left out."""

from __future__ import annotations

import pytest

from app.bootstrap import Container, build_services
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Walkforward
from app.walle.repositories import RunRepository
from tests.integration.workers.test_walkforward import GRID, SETTINGS, store_walk
from tests.integration.workers.test_walkforward_year import run_every_command


def test_the_stitched_fees_are_each_folds_in_the_chained_accounts_dollars(pg: Container) -> None:
    store_walk(pg)
    services = build_services(pg.settings, container=pg)
    wf = services.walkforwards.create(WalkforwardCreate(
        strategy="sma_cross", grid=GRID, objective="total_return_pct", min_trades=0, contrast=True,
        folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40},
        **{**SETTINGS, "fees": {"model": "per_share", "rate": "0.05"}}))
    run_every_command(pg, services)
    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        assert stored.status == "completed"
        oos = RunRepository(session).metrics([f["oos_run_id"] for f in stored.folds])
    cash, account, fees = 10000.0, 10000.0, 0.0
    for fold in stored.folds:  # each fold runs from the chained account's equity; its fees scale with it
        figures = oos[fold["oos_run_id"]]
        fees += figures["fees_total"] * account / cash
        account *= figures["final_equity"] / cash
    result = stored.result
    assert fees > 0 and result["metrics"]["fees_total"] == round(fees, 2)  # the chained dollars, to the cent
    assert result["metrics"]["final_equity"] == pytest.approx(account, abs=1e-4)
    contrast = result["contrast_metrics"]
    assert contrast["fees_total"] > 0 and 0.0 < contrast["exposure_pct"] <= 100.0
