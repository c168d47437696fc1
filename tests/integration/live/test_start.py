"""Starting a live or paper run: the broker must trade every symbol, or the run ends in error at once
with the reason (a run on a typo would otherwise tick forever with nothing to trade); a run with more
cash than the broker account can spend starts, and is told so."""

from __future__ import annotations

from decimal import Decimal

from alpaca.trading.requests import MarketOrderRequest

from app.bootstrap import Container
from app.events.reader import read_events
from app.exchange import ExchangeServer
from app.services.runs import transition
from app.veda.shared_account import account_shared
from app.walle.models import Fill, Order, Run
from tests.integration.live.conftest import PAPER, live_settings, run_of, running_run, trading_client
from workers.runtime import Runtime, build_runtime


def test_a_run_on_a_symbol_the_broker_does_not_trade_ends_in_error_at_start(
    pg: Container, exchange: ExchangeServer
) -> None:
    runtime = build_runtime(live_settings(pg, exchange), container=pg)
    run_id = running_run(pg, symbols=["AAPL", "ZZZZ"])
    runtime.live.handle("start", run_id)
    with pg.read_session() as session:
        run = session.get(Run, run_id)
        assert (run.status, run.error) == ("error", "cannot start: ZZZZ: not a tradable asset at the paper broker")
    ok = running_run(pg, symbols=["AAPL", "MSFT"])
    runtime.live.handle("start", ok)
    with pg.read_session() as session:
        assert session.get(Run, ok).status == "running"


def test_a_run_with_more_cash_than_the_account_can_spend_is_told_so_at_start(
    pg: Container, exchange: ExchangeServer
) -> None:
    """A position left on the paper account holds part of its buying power: a fresh run whose own cash is
    more than the rest starts, with `run.buying_power_short` saying why its all-in orders may be rejected."""
    runtime = build_runtime(live_settings(pg, exchange), container=pg)
    before = running_run(pg, cash=Decimal("100000"))
    runtime.live.handle("start", before)
    client = trading_client(exchange, PAPER)
    client.submit_order(MarketOrderRequest(symbol="AAPL", qty=100, side="buy", time_in_force="day"))
    buying_power = Decimal(client.get_account().buying_power)
    assert buying_power < Decimal("90000"), "the 100 shares hold about 19,000 of the account"

    short = running_run(pg, cash=Decimal("100000"))
    runtime.live.handle("start", short)
    within = running_run(pg, cash=Decimal("50000"))
    runtime.live.handle("start", within)

    assert [run_of(pg, r).status for r in (before, short, within)] == ["running"] * 3
    event, crowded = shortfall_events(pg, short)
    assert event["cash"] == "100000.0000" and Decimal(event["buying_power"]) == buying_power
    assert event["detail"] == (
        f"the paper account's buying power is {buying_power:,.2f}, less than this run's cash of 100,000.00: every "
        "paper run trades on that one account, and their losses, positions and open orders count against it, so an "
        "order sized on this run's whole cash (a percent of 100) may be rejected for insufficient buying power")
    # Trial 40: the runs already trading are told when a newcomer's cash takes their buying power; a run whose
    # own cash fits hears that the runs' cash together does not
    bp = f"{buying_power:,.2f}"
    assert [e["detail"] for e in shortfall_events(pg, before)] == [
        f"run {short[:8]} started on the paper account: the 2 active paper runs' cash together (200,000.00) is more "
        f"than the account's buying power ({bp}); they share it, so an order sized on this run's cash of 100,000.00 "
        "may be rejected for insufficient buying power, which the other runs' positions and orders use too. Its "
        "backtest traded alone",
        f"run {within[:8]} started on the paper account: the 3 active paper runs' cash together (250,000.00) is more "
        f"than the account's buying power ({bp}); they share it, so an order sized on this run's cash of 100,000.00 "
        "may be rejected for insufficient buying power, which the other runs' positions and orders use too. Its "
        "backtest traded alone"]
    assert crowded["detail"] == shortfall_events(pg, before)[1]["detail"]
    [own] = shortfall_events(pg, within)
    assert own["detail"] == (
        f"the 3 active paper runs' cash together (250,000.00) is more than the account's buying power ({bp}); they "
        "share it, so an order sized on this run's cash of 50,000.00 may be rejected for insufficient buying power, "
        "which the other runs' positions and orders use too. Its backtest traded alone")


def test_cash_a_run_has_spent_is_not_counted_again_against_the_accounts_buying_power(
    pg: Container, exchange: ExchangeServer
) -> None:
    """A run that bought with part of its cash took that part of the account's buying power already: the
    runs' cash together counts what each has left, or two runs that fit were told their orders may be refused."""
    runtime = build_runtime(live_settings(pg, exchange), container=pg)
    invested = running_run(pg, cash=Decimal("50000"))
    runtime.live.handle("start", invested)
    client = trading_client(exchange, PAPER)
    order = client.submit_order(MarketOrderRequest(symbol="AAPL", qty=100, side="buy", time_in_force="day"))
    price = Decimal(str(client.get_order_by_id(order.id).filled_avg_price))
    with pg.uow() as uow:  # the run's book holds the buy, as its tick would have recorded it
        booked_order = Order(run_id=invested, client_order_id=str(order.client_order_id), symbol="AAPL", side="buy",
                             type="market", time_in_force="day", qty=Decimal(100), status="filled",
                             submitted_at=order.submitted_at)
        uow.session.add(booked_order)
        uow.session.flush()
        uow.session.add(Fill(run_id=invested, order_id=booked_order.id, symbol="AAPL", side="buy", qty=Decimal(100),
                             price=price, fee=Decimal(0), ts=order.submitted_at))
        uow.commit()
    buying_power = Decimal(client.get_account().buying_power)
    left = Decimal(50000) - (100 * price).quantize(Decimal("0.01"))
    assert left + Decimal(45000) <= buying_power < Decimal(95000), "95,000 starting cash is more; what is left fits"

    fits = running_run(pg, cash=Decimal("45000"))
    runtime.live.handle("start", fits)
    assert shortfall_events(pg, fits) == [] and shortfall_events(pg, invested) == []
    # a third run that does not fit beside what they have left: each is told, with the cash it has left
    crowds = running_run(pg, cash=Decimal("40000"))
    runtime.live.handle("start", crowds)
    [told] = shortfall_events(pg, invested)
    assert Decimal(told["cash"]) == left
    assert told["detail"].startswith(
        f"run {crowds[:8]} started on the paper account: the 3 active paper runs' cash together "
        f"({left + Decimal(85000):,.2f}) is more than the account's buying power ({buying_power:,.2f}); they share "
        f"it, so an order sized on this run's cash of {left:,.2f} may be rejected")

    # trial 43: a stop that leaves them short still says so again, with the figures now (a fourth run stops)
    more = running_run(pg, cash=Decimal("30000"))
    runtime.live.handle("start", more)
    stop(pg, runtime, more)
    restated = shortfall_events(pg, invested)[-1]
    assert restated["detail"] == (
        f"run {more[:8]} stopped; the 3 active paper runs' cash together ({left + Decimal(85000):,.2f}) is more than "
        f"the account's buying power ({buying_power:,.2f}); they share it, so an order sized on this run's cash of "
        f"{left:,.2f} may be rejected for insufficient buying power, which the other runs' positions and orders use "
        "too. Its backtest traded alone")

    # trial 41: the notice stayed 12 minutes after the run that caused it stopped; its stop lifts it
    stop(pg, runtime, crowds)
    for run_id in (invested, fits):
        lifted = shortfall_events(pg, run_id)[-1]
        assert lifted.get("detail") is None and lifted["fits"] == (
            f"run {crowds[:8]} stopped: the 2 active paper runs' cash together ({left + Decimal(45000):,.2f}) fits "
            f"the account's buying power ({buying_power:,.2f})")
    assert len(shortfall_events(pg, invested)) == 4  # told at two starts, said again at a stop, lifted at the last


def stop(pg: Container, runtime: Runtime, run_id: str) -> None:
    with pg.uow() as uow:
        transition(uow, uow.runs.get(run_id), "stopping")
        uow.commit()
    runtime.live.handle("stop", run_id)


def shortfall_events(pg: Container, run_id: str) -> list[dict]:
    with pg.read_session() as session:
        return [e.payload for e in read_events(session, 0, run_id=run_id) if e.type == "run.buying_power_short"]


def test_a_run_trading_a_symbol_another_running_run_trades_on_the_account_is_told_so_at_start(
    pg: Container, exchange: ExchangeServer
) -> None:
    """Trial 14 ran two paper runs on AAPL and nothing said they met on one account's one position."""
    runtime = build_runtime(live_settings(pg, exchange), container=pg)
    first = running_run(pg, symbols=["AAPL"], name="first")
    runtime.live.handle("start", first)
    second = running_run(pg, symbols=["MSFT", "AAPL"], name="second")
    runtime.live.handle("start", second)
    apart = running_run(pg, symbols=["SPY"])
    runtime.live.handle("start", apart)
    live = running_run(pg, mode="live", symbols=["AAPL"])  # another account: only where live is configured
    with pg.uow() as uow:
        assert account_shared(uow, live, "live", ["AAPL"]) is None

    assert shared_events(pg, apart) == []
    [event] = shared_events(pg, second)
    assert (event["symbols"], event["others"]) == (["AAPL"], [first])
    assert event["detail"] == (
        "this run shares the paper account (AAPL with run first): the broker keeps one position per symbol per "
        "account, so each run's book holds its part while the account holds their sum; an order that could trade "
        "against the other run's open order is refused, and a short can be refused while the other run holds "
        "shares. Its backtest traded alone")
    # the run already trading hears it too (its page had no word of the company it got: trial 19)
    [told] = shared_events(pg, first)
    assert (told["run_id"], told["symbols"], told["others"]) == (first, ["AAPL"], [second])
    assert told["detail"].startswith("this run shares the paper account (AAPL with run second): ")

    # trial 22: the notice stayed after the other run stopped; its stop tells the run left whom it still shares with
    with pg.uow() as uow:
        transition(uow, uow.runs.get(second), "stopping")
        uow.commit()
    runtime.live.handle("stop", second)
    assert shared_events(pg, first)[-1] == {
        "run_id": first, "symbols": [], "others": [],
        "detail": "this run no longer shares its symbols on the paper account: run second stopped"}
    assert len(shared_events(pg, apart)) == 0 and len(shared_events(pg, second)) == 1


def shared_events(pg: Container, run_id: str) -> list[dict]:
    with pg.read_session() as session:
        return [e.payload for e in read_events(session, 0, run_id=run_id) if e.type == "run.account_shared"]
