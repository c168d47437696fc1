"""A paper run on one-second bars through the local exchange: its run page reports the trade figures of the
round trips its fills make (win rate, profit factor), withholds an annualised Sharpe of seconds with the
reason, and its day's P&L is its equity less the equity it started the New York day with. A backtest
run before and after the paper run (which stores the broker's asset record for its symbol) is the same,
and so is the first one's analysis (rolling Sharpe) read again afterwards."""

from __future__ import annotations

from collections import deque
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from sqlalchemy import delete, select

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.services.backtests import BacktestService
from app.walle.models import EquityPoint
from app.walle.models.instruments import InstrumentRow
from tests.integration.api.conftest import store_daily_bars
from tests.integration.live.test_paper_run import PARAMS, LiveStack, live_stack, two_round_trips_then_stopped  # noqa: F401 (a fixture)

CENT = Decimal("0.01")


def round_trip_pnls(fills: list[dict]) -> list[Decimal]:
    """Each closed lot's P&L (fees shared by quantity), first in first out, to the cent: worked out here
    from the fills alone, as a trader would from the broker's statement. An order filled in parts is one
    lot or one exit (its parts summed at their average price), as a backtest's order fills whole."""
    orders: dict[str, list[Decimal | str]] = {}  # order id → [side, qty, cash moved, fee], by first part
    for fill in fills:
        leg = orders.setdefault(fill["order_id"], [fill["side"], Decimal(0), Decimal(0), Decimal(0)])
        qty = Decimal(fill["qty"])
        moved = (qty * Decimal(fill["price"])).quantize(CENT, rounding=ROUND_HALF_UP)  # each part settles to the cent
        leg[1], leg[2], leg[3] = leg[1] + qty, leg[2] + moved, leg[3] + Decimal(fill["fee"])
    lots: deque[list[Decimal]] = deque()  # [qty, value, fee] of open buys (the strategy is long-only)
    pnls = []
    for side, qty, value, fee in orders.values():
        assert isinstance(qty, Decimal) and isinstance(value, Decimal) and isinstance(fee, Decimal)
        if side == "buy":
            lots.append([qty, value, fee])
            continue
        left = qty
        while left and lots:
            lot = lots[0]
            take = min(lot[0], left)
            entry_value, entry_fee = lot[1] * take / lot[0], lot[2] * take / lot[0]
            pnl = value * take / qty - entry_value - entry_fee - fee * take / qty
            pnls.append(pnl.quantize(CENT, rounding=ROUND_HALF_EVEN))
            lot[0], lot[1], lot[2], left = lot[0] - take, lot[1] - entry_value, lot[2] - entry_fee, left - take
            if not lot[0]:
                lots.popleft()
    return pnls


def backtest(pg: Container, client, **asked: str) -> dict:
    created = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "cash": "10000",
                                                "params": {"fast": 5, "slow": 20}, "start_now": True, **asked})
    assert created.status_code == 201, created.get_json()
    run_id = created.get_json()["id"]
    assert BacktestService(pg.uow, pg.read_session).execute(run_id) == "completed"
    return client.get(f"/api/v1/runs/{run_id}").get_json()


def test_a_paper_run_reports_its_fills_trade_figures_and_leaves_backtests_unchanged(
    pg: Container, exchange: ExchangeServer, live_stack: LiveStack  # noqa: F811
) -> None:
    client = live_stack.client
    store_daily_bars(pg, "AAPL", days=500)  # stored history, every calendar day: the data's own year is 365 days
    with pg.uow() as uow:
        uow.session.execute(delete(InstrumentRow).where(InstrumentRow.symbol == "AAPL"))
        uow.commit()
    before = backtest(pg, client)
    assert before["metrics"]["sharpe"] is not None and before["metrics_unavailable"] == {}
    analysis = client.get(f"/api/v1/runs/{before['id']}/analysis").get_json()
    assert analysis["rolling_sharpe"]["values"]

    run_id = two_round_trips_then_stopped(client)
    run = client.get(f"/api/v1/runs/{run_id}").get_json()
    metrics = run["metrics"]

    # Trade figures: the round trips of the run's own fills, as its trades table pairs them.
    fills = client.get(f"/api/v1/runs/{run_id}/fills?per_page=1000").get_json()
    fills = fills["items"] if isinstance(fills, dict) else fills
    pnls = round_trip_pnls(sorted(fills, key=lambda f: f["ts"]))
    wins, losses = [p for p in pnls if p > 0], [-p for p in pnls if p < 0]
    assert metrics["trades"] == len(pnls) >= 2
    assert metrics["win_rate_pct"] == len(wins) / len(pnls) * 100
    if losses:
        expected = float(sum(wins) / sum(losses))
        assert abs(metrics["profit_factor"] - expected) < 1e-9 * max(1.0, expected)
    else:
        assert metrics["profit_factor"] is None  # no losing trade: no ratio to give
    assert abs(Decimal(repr(metrics["expectancy"])) - sum(pnls) / len(pnls)) < CENT
    # Fees as a backtest gives them, every fill's (trial 19: a paper run showed "—" where backtests show 0.00)
    assert metrics["fees_total"] == float(sum(Decimal(f["fee"]) for f in fills))
    trades = client.get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json()
    trades = trades["items"] if isinstance(trades, dict) else trades
    assert [Decimal(t["pnl"]) for t in trades] == pnls  # the page's trades table says the same

    # Seconds of returns: no annualised figure, and the reason instead.
    assert metrics["bars"] < 491_400 and metrics["sharpe"] is None and metrics["volatility_pct"] is None
    reason = run["metrics_unavailable"]["sharpe"]
    assert reason.startswith(f"not enough data: {metrics['bars'] - 1:,} returns; annualised figures need at least "
                             "444,600"), reason
    listed = {r["id"]: r for r in client.get("/api/v1/runs?mode=paper").get_json()["items"]}
    assert listed[run_id]["metrics_unavailable"]["sharpe"] == reason

    # The day's P&L is the run's equity now less its equity at 00:00 New York (the run began today: its cash).
    with pg.read_session() as session:
        last = session.scalar(select(EquityPoint.equity).where(EquityPoint.run_id == run_id)
                              .order_by(EquityPoint.ts.desc()).limit(1))
    assert metrics["day_start_equity"] == 100_000
    assert Decimal(repr(metrics["day_pnl"])).quantize(CENT) == (last - Decimal(100_000)).quantize(CENT)
    assert Decimal(repr(metrics["final_equity"])).quantize(CENT) == last.quantize(CENT)

    # The paper run stored the broker's record of AAPL (a US equity). The backtest made before is unchanged by
    # it; a new one asked for without a class takes the stored one and says so (as the UI's form and the
    # command line take it), and one asked for with the class the first had gives its figures again.
    with pg.read_session() as session:
        assert session.get(InstrumentRow, "AAPL").asset_class == "us_equity"
    assert client.get(f"/api/v1/runs/{before['id']}").get_json()["metrics"] == before["metrics"]
    assert client.get(f"/api/v1/runs/{before['id']}/analysis").get_json() == analysis  # its rolling Sharpe too
    after = backtest(pg, client)
    assert (before["options"]["asset_class"], after["options"]["asset_class"]) == (None, "us_equity")
    assert after["metrics"]["bars_per_year"] == 252 != before["metrics"]["bars_per_year"]
    again = backtest(pg, client, asset_class="other")
    assert again["metrics"] == before["metrics"]
    assert again["options"]["annualisation"] == before["options"]["annualisation"]
