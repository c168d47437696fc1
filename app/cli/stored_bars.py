"""Where `weaver exchange --market replay` gets its bars: Weaver's own database (bars fetched or imported
into WallE). The exchange stands alone (it imports nothing of WallE); the command's composition
(app/cli/exchange.py) hands it this loader."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from app.exchange.replay import StoredBars
from app.walle.db import make_engine
from app.walle.repositories.bars import BarRepository


def load_stored(database_url: str, symbols: list[str], timeframe: str, start: datetime,
                history: int | None = None) -> dict[str, StoredBars]:
    """Each symbol's stored bars from `start` on, with every bar stored before it as history (a
    strategy's warm-up: as far back as it is stored, or the last `history` bars); a symbol without bars
    from `start` on is an error that names it."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection, Session(bind=connection) as session:
            repository = BarRepository(session)
            return {symbol: _stored(repository, symbol, timeframe, start, history) for symbol in symbols}
    finally:
        engine.dispose()


def _stored(repository: BarRepository, symbol: str, timeframe: str, start: datetime,
            history: int | None) -> StoredBars:
    arrays = repository.load(symbol, timeframe)
    start_ns = int(start.timestamp() * 1_000_000_000)
    first = int(np.searchsorted(arrays.ts, start_ns))
    if first >= len(arrays):
        last = arrays.ts[-1] if len(arrays) else None
        stored = "no bars" if last is None else f"bars up to {datetime.fromtimestamp(int(last) / 1e9):%Y-%m-%d %H:%M}"
        raise ValueError(f"{symbol} {timeframe}: nothing stored from {start:%Y-%m-%d %H:%M} on ({stored}); "
                         f"fetch or import it first (weaver bars fetch / import)")
    begin = 0 if history is None else max(first - history, 0)
    window = slice(begin, None)
    return StoredBars(symbol, arrays.open[window], arrays.high[window], arrays.low[window], arrays.close[window],
                      arrays.volume[window], lead=first - begin)
