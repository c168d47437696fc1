"""Every annualised figure of a walk-forward is on one year: that of the bars its folds cover. On bars of
weekdays only (a series annualised by the bars it holds), each short window's own year differs from the
whole span's; the stitched result, the contrast on the same windows and each fold's efficiency must not."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np

from app.bootstrap import Container, build_services
from app.events.commands import decode
from app.events.reader import read_events
from app.greta.stitch import annualised_pct
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Walkforward
from app.walle.repositories import RunRepository
from tests.integration.workers.test_walkforward import GRID, SETTINGS, START


def store_weekdays(pg: Container, weekdays: int = 300) -> np.ndarray:
    days = [START + timedelta(days=i) for i in range(weekdays * 7 // 5 + 7)]
    days = [d for d in days if d.weekday() < 5][:weekdays]
    closes = np.round(100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.02, weekdays))), 2)
    ts = np.array([int(d.timestamp()) * 10**9 for d in days], dtype=np.int64)
    close = [Decimal(str(c)) for c in closes]
    with pg.uow() as uow:
        uow.bars.insert_columns("AAPL", "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * weekdays, source="test")
        uow.commit()
    return ts


def run_every_command(pg: Container, services) -> None:
    """What the workers would do: every command the outbox holds, in order, until none is left."""
    seq = 0
    while True:
        with pg.read_session() as session:
            events = list(read_events(session, seq, commands=True, limit=100_000))
        if not events:
            return
        for event in events:
            seq = event.seq
            services.commands.handle(decode(event.type, event.payload), str(event.id))


def test_the_stitched_result_the_contrast_and_each_folds_efficiency_share_one_year(pg: Container) -> None:
    ts = store_weekdays(pg)
    services = build_services(pg.settings, container=pg)
    wf = services.walkforwards.create(WalkforwardCreate(
        strategy="sma_cross", grid=GRID, objective="total_return_pct", min_trades=0, contrast=True,
        folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40}, **SETTINGS))
    run_every_command(pg, services)
    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        assert stored.status == "completed"
        runs = RunRepository(session).metrics([i for f in stored.folds for i in (f["chosen_run_id"], f["oos_run_id"])])
    first, last = (np.datetime64(stored.folds[k][key].replace("+00:00", ""), "ns").astype(np.int64)
                   for k, key in ((0, "train_first"), (-1, "test_last")))
    covered = ts[(ts >= first) & (ts <= last)]
    year = (len(covered) - 1) / ((covered[-1] - covered[0]) / (365.25 * 86_400 * 1e9))
    result = stored.result
    assert abs(result["bars_per_year"] - year) < 1e-9
    assert result["metrics"]["bars_per_year"] == result["contrast_metrics"]["bars_per_year"] == result["bars_per_year"]
    own_years = {round(runs[f["oos_run_id"]]["bars_per_year"], 3) for f in stored.folds}
    assert any(abs(own - year) > 0.5 for own in own_years), own_years  # the windows' own years do differ
    for fold in stored.folds:
        inside, outside = runs[fold["chosen_run_id"]], runs[fold["oos_run_id"]]
        is_rate = annualised_pct(inside["total_return_pct"], inside["bars"], year)
        oos_rate = annualised_pct(outside["total_return_pct"], outside["bars"], year)
        if is_rate is not None and is_rate > 0 and oos_rate is not None:
            assert abs(fold["efficiency"] - oos_rate / is_rate) < 1e-9
