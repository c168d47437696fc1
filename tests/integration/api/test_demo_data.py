"""The demo data `weaver standalone` loads on first start: its symbols are stored as US equities (as
`weaver bars import --asset-class us_equity` stores them), and its minute series is long enough (30
sessions, all in the past) for a 1Min backtest over the whole of it to have annualised figures."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.services.backtests import BacktestService
from app.services.bars import BarService
from app.standalone.demo import DAILY_BARS, DEMO_SYMBOLS, MINUTE_BARS, load_demo_data

US_EQUITY_MINUTES_A_YEAR = 98_280  # 252 sessions of 390 minutes


def _backtest(client: FlaskClient, pg: Container, **asked: str) -> dict:
    run = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Min",
                                            "cash": "10000", "start_now": True, **asked}).get_json()
    assert BacktestService(pg.uow, pg.read_session).execute(run["id"]) == "completed"
    return client.get(f"/api/v1/runs/{run['id']}").get_json()


def test_the_demo_stores_us_equities_and_30_past_minute_sessions_that_annualise(client: FlaskClient,
                                                                                  pg: Container) -> None:
    stored = load_demo_data(BarService(pg.uow))
    assert MINUTE_BARS == 11_700 and DAILY_BARS == 1260
    assert stored == {f"{s} {tf}": n for s in DEMO_SYMBOLS for tf, n in (("1Day", 1260), ("1Min", 11_700))}
    with pg.uow() as uow:
        rows = {row.symbol: (row.asset_class, row.source) for row in uow.instruments.all()}
        first, last, count = uow.bars.range("AAPL", "1Min")
    assert rows == {symbol: ("us_equity", "synthetic") for symbol in DEMO_SYMBOLS}
    assert count == 11_700 and last.date() < datetime.now(UTC).date()

    session_year = _backtest(client, pg, asset_class="us_equity")
    assert session_year["metrics"]["bars"] == 11_700
    assert session_year["metrics"]["bars_per_year"] == US_EQUITY_MINUTES_A_YEAR
    assert session_year["metrics"]["sharpe"] is not None and session_year["metrics"]["volatility_pct"] is not None
    # A run that names no asset class (the UI's) annualises by its data's own year, and has a Sharpe too.
    data_year = _backtest(client, pg)
    assert data_year["metrics"]["sharpe"] is not None
