"""Bars read once per process serve every later run; a bar added inside the window is seen."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from app.bootstrap import Container
from app.services.bar_cache import BarCache
from app.walle.repositories import BarRepository
from tests.integration.api.conftest import store_daily_bars


def test_a_window_read_once_is_served_again_until_a_bar_is_added_inside_it(pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=100)
    cache = BarCache()
    with pg.read_session() as session:
        bars = BarRepository(session)
        first, last, _ = bars.range("AAPL", "1Day")
        one = cache.load(bars, "AAPL", "1Day", first, last)
        again = cache.load(bars, "AAPL", "1Day", first, last)
    assert again is one and (cache.hits, cache.misses) == (1, 1)
    assert len(one) == 100 and not one.close.flags.writeable  # shared between runs: read-only

    # A late import adds a bar inside the window (stamped between two stored ones): the copy is stale.
    between = first + timedelta(hours=12)
    with pg.uow() as uow:
        added = uow.bars.insert_columns("AAPL", "1Day", np.array([int(between.timestamp() * 1e9)], dtype=np.int64),
                                        *(np.array([100.0]) for _ in range(4)), np.array([1000.0]), source="csv")
        uow.commit()
    assert added == 1
    with pg.read_session() as session:
        fresh = cache.load(BarRepository(session), "AAPL", "1Day", first, last)
    assert len(fresh) == 101 and cache.misses == 2
    assert int(between.timestamp() * 1e9) in set(fresh.ts.tolist())


def test_the_cache_keeps_at_most_its_bar_budget(pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=100)
    store_daily_bars(pg, "MSFT", days=100)
    cache = BarCache(max_bars=150)
    with pg.read_session() as session:
        bars = BarRepository(session)
        cache.load(bars, "AAPL", "1Day", None, None)
        cache.load(bars, "MSFT", "1Day", None, None)  # over budget: AAPL, the least recently used, goes
        cache.load(bars, "AAPL", "1Day", None, None)
    assert (cache.hits, cache.misses) == (0, 3)
