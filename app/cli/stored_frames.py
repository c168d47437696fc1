"""`weaver backtest --symbol AAPL --timeframe 1Day` without a --data file: the symbol's bars as Weaver
stored them (imported, fetched, or the standalone demo's), read from its database, so a backtest from
the command line runs on exactly the bars a run from the API or the UI runs on."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from app.marvin.bars import BarFrame, DataError
from app.services.instruments import shared_asset_class


def load_stored_frames(symbols: list[str], timeframe: str | None) -> tuple[list[BarFrame], str | None]:
    """Each symbol's stored bars at `timeframe`, from WEAVER_DATABASE_URL (or WEAVER_DATA_DIR's standalone
    database), and the asset class their stored instruments share; a symbol with none is an error that
    says what is stored."""
    if not timeframe:
        raise click.UsageError(f"--symbol {symbols[0]} has no --data file, so its stored bars are read: "
                               "give --timeframe too (e.g. 1Day or 1Min)")
    from app.cli.common import settings_or_exit
    from app.walle.db import make_engine
    from app.walle.repositories.bars import BarRepository

    settings = settings_or_exit(require_token=False, needs_broker=False, embedded_fallback=True)
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection, Session(bind=connection) as session:
            repository = BarRepository(session)
            frames = []
            for symbol in symbols:
                bars = repository.load(symbol, timeframe)
                if not len(bars):
                    stored = sorted(s.timeframe for s in repository.series() if s.symbol == symbol)
                    held = f"stored timeframes: {', '.join(stored)}" if stored else "nothing stored for it"
                    raise DataError(f"{symbol} {timeframe}: no stored bars ({held}); import them with "
                                    f"`weaver bars import FILE.csv --symbol {symbol}` or give --data FILE")
                frames.append(BarFrame(symbol, timeframe, bars.ts, bars.open, bars.high, bars.low, bars.close,
                                       bars.volume))
            return frames, shared_asset_class(session, symbols)
    finally:
        engine.dispose()
